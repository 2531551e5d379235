"""Remember-me cookies are revoked by the same per-user session version as sessions, carry
their issue time and end with the session's limits."""

import time

import pytest

from tests.helpers import TEST_PASSWORD, post_form


def remembered_device(app, auth, username):
    """A client signed in with "keep me signed in", and a copy holding only its remember cookie."""
    phone = app.test_client()
    response = post_form(
        phone, "/login", {"username": username, "password": TEST_PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    copy = app.test_client()
    copy.set_cookie("remember_token", phone.get_cookie("remember_token").value)
    return phone, copy


def test_remember_cookie_alone_signs_in(app, make_user, auth):
    make_user("siti")
    _, copy = remembered_device(app, auth, "siti")
    assert copy.get("/dashboard").status_code == 200


def test_remember_cookie_is_revoked_by_sign_out(app, make_user, auth):
    make_user("siti")
    phone, copy = remembered_device(app, auth, "siti")
    auth.logout(phone)
    assert copy.get("/dashboard").status_code == 302


@pytest.mark.parametrize("change", ["password", "deactivate", "sign_out_everywhere"])
def test_remember_cookie_is_revoked_by_admin_actions(app, client, make_user, auth, change):
    make_user("root", role="admin")
    officer = make_user("ppkl01", role="ppkl")
    _, copy = remembered_device(app, auth, "ppkl01")
    auth.login(client, "root")
    page = f"/admin/users/{officer.id}"
    if change == "password":
        url, data = f"{page}/password", {"password": "a new long passphrase"}
    elif change == "sign_out_everywhere":
        url, data = f"{page}/sign-out", {}
    else:
        url = page
        data = {"full_name": "X", "role": "ppkl", "regency_id": str(officer.regency_id)}
    assert post_form(client, url, data, page=page).status_code == 302
    assert copy.get("/dashboard").status_code == 302


def test_session_version_is_in_the_remember_cookie(app, make_user, auth):
    user = make_user("siti")
    phone, _ = remembered_device(app, auth, "siti")
    token = phone.get_cookie("remember_token").value
    assert token.startswith(f"{user.id}:{user.session_version}:")


def later(monkeypatch, seconds):
    real = time.time
    monkeypatch.setattr("ppkl.auth.sessions.time.time", lambda: real() + seconds)


def test_remember_cookie_differs_at_every_sign_in(app, make_user, auth, monkeypatch):
    make_user("siti")
    first, _ = remembered_device(app, auth, "siti")
    later(monkeypatch, 5)
    second, _ = remembered_device(app, auth, "siti")
    assert first.get_cookie("remember_token").value != second.get_cookie("remember_token").value


def test_remember_cookie_ends_at_the_absolute_limit(app, make_user, auth, monkeypatch):
    make_user("siti")
    _, copy = remembered_device(app, auth, "siti")
    later(monkeypatch, app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds() + 60)
    response = copy.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.location
    assert copy.get_cookie("remember_token") is None


def test_idle_expiry_clears_the_remember_cookie(app, make_user, auth, monkeypatch):
    make_user("siti")
    phone, _ = remembered_device(app, auth, "siti")
    later(monkeypatch, app.config["SESSION_IDLE_TIMEOUT"].total_seconds() + 60)
    assert phone.get("/dashboard").status_code == 302
    assert phone.get_cookie("remember_token") is None


def test_sign_out_clears_the_remember_cookie(app, make_user, auth):
    make_user("siti")
    phone, _ = remembered_device(app, auth, "siti")
    auth.logout(phone)
    assert phone.get_cookie("remember_token") is None


def test_a_user_loaded_without_the_session_is_not_expired(app, make_user):
    """An API token (another branch) puts the user in Flask-Login's slot without a session."""
    from flask import g

    from ppkl.auth.sessions import expire_idle_sessions

    user = make_user("siti")
    with app.test_request_context("/dashboard"):
        g._login_user = user
        assert expire_idle_sessions() is None
