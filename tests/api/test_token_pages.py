"""The personal API token page: create (shown once), list, revoke; audited."""

import re

from sqlalchemy import select

from ppkl.extensions import db
from ppkl.models import ApiToken, AuditEvent
from tests.conftest import post_form

SECRET = re.compile(r"data-token-secret>(ppkl_[^<]+)<")


def test_create_use_and_revoke_a_token(client, auth, field):
    auth.login(client, "ppkl01")
    response = post_form(
        client, "/account/tokens/", {"name": "rekap harian", "scope": "read", "days": "30"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    secret = SECRET.search(response.get_data(as_text=True)).group(1)
    listing = client.get("/account/tokens/").get_data(as_text=True)
    assert "rekap harian" in listing and secret not in listing
    auth.logout(client)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    auth.login(client, "ppkl01")
    token = db.session.scalar(select(ApiToken))
    post_form(client, f"/account/tokens/{token.id}/revoke", page="/account/tokens/")
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"api_token.created", "api_token.revoked"} <= actions


def test_token_form_refuses_bad_input_next_to_the_field(client, auth, field, app):
    auth.login(client, "ppkl01")
    response = post_form(
        client, "/account/tokens/", {"name": "x", "scope": "write", "days": "9999"}
    )
    assert response.status_code == 400
    assert "data-token-secret" not in response.get_data(as_text=True)
    assert "invalid-feedback" in response.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken)) is None


def test_nobody_revokes_someone_elses_token(client, auth, field, make_token):
    make_token(field["other"])
    token = db.session.scalar(select(ApiToken))
    auth.login(client, "ppkl01")
    response = post_form(client, f"/account/tokens/{token.id}/revoke", page="/account/tokens/")
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None
