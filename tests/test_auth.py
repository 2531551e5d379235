from sqlalchemy import select

from ppkl.auth.passwords import hash_password
from ppkl.extensions import db
from ppkl.models import AuditEvent, User
from tests.helpers import TEST_PASSWORD, login, post_form

GENERIC = "Nama pengguna atau kata sandi salah."


def test_login_page_is_indonesian_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="id">' in html
    assert "Masuk" in html and "Nama pengguna" in html and "Kata sandi" in html
    assert 'name="csrf_token"' in html


def test_pages_redirect_to_login_when_signed_out(client):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_sign_in_and_out(client, make_user, auth):
    make_user("siti", role="supervisor")
    response = auth.login(client, "siti")
    assert response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    response = auth.logout(client)
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_message(client, make_user):
    make_user("siti")
    wrong = login(client, "siti", "not-the-password")
    unknown = login(client, "nobody", "not-the-password")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert GENERIC in response.get_data(as_text=True)
    failures = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.sign_in_failed")
    )
    assert sorted(e.username for e in failures) == ["nobody", "siti"]


def test_username_is_case_insensitive(client, make_user, auth):
    make_user("siti")
    auth.login(client, "SITI")


def test_login_without_csrf_token_is_refused(client, make_user):
    make_user("siti")
    response = client.post("/login", data={"username": "siti", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "Muat ulang halaman" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_deactivated_user_cannot_sign_in(client, make_user):
    make_user("siti", active=False)
    response = login(client, "siti")
    assert response.status_code == 200
    assert GENERIC in response.get_data(as_text=True)


def test_deactivated_user_is_signed_out_on_next_request(client, make_user, auth):
    user = make_user("siti")
    auth.login(client, "siti")
    user.active = False
    db.session.commit()
    assert client.get("/dashboard").status_code == 302


def test_copied_cookie_stops_working_after_sign_out(app, make_user, auth):
    make_user("siti")
    phone = app.test_client()
    auth.login(phone, "siti")
    stolen = app.test_client()
    stolen.set_cookie("session", phone.get_cookie("session").value)
    assert stolen.get("/dashboard").status_code == 200
    auth.logout(phone)
    assert stolen.get("/dashboard").status_code == 302


def test_next_parameter_only_allows_local_paths(client, make_user):
    make_user("siti")
    token_page = "/login?next=https://evil.example/"
    response = post_form(
        client, token_page, {"username": "siti", "password": TEST_PASSWORD}, page="/login"
    )
    assert response.headers["Location"] == "/dashboard"


def test_next_parameter_returns_to_the_page_asked_for(client, make_user):
    make_user("siti")
    response = post_form(
        client,
        "/login?next=/cooperatives/",
        {"username": "siti", "password": TEST_PASSWORD},
        page="/login",
    )
    assert response.headers["Location"] == "/cooperatives/"


def test_weak_hash_is_upgraded_on_sign_in(app, client, make_user, auth):
    user = make_user("siti")
    user.password_hash = hash_password(TEST_PASSWORD, "pbkdf2:sha256:100")
    db.session.commit()
    auth.login(client, "siti")
    db.session.expire_all()
    stored = db.session.get(User, user.id).password_hash
    assert stored.startswith(app.config["PASSWORD_HASH_METHOD"] + "$")


def test_idle_session_expires(app, client, make_user, auth):
    make_user("siti")
    auth.login(client, "siti")
    with client.session_transaction() as session:
        session["_seen"] -= int(app.config["SESSION_IDLE_TIMEOUT"].total_seconds()) + 5
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_absolute_session_limit(app, client, make_user, auth):
    make_user("siti")
    auth.login(client, "siti")
    with client.session_transaction() as session:
        session["_started"] -= int(app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()) + 5
    assert client.get("/dashboard").status_code == 302


def test_session_cookie_flags(client, make_user, auth):
    make_user("siti")
    response = auth.login(client, "siti")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_officers_land_on_their_tasks_after_sign_in(client, make_user, auth):
    make_user("ppkl01", role="ppkl")
    make_user("dak01", role="dak")
    for username in ("ppkl01", "dak01"):
        response = auth.login(client, username)
        assert response.headers["Location"] == "/tasks/"
        assert client.get("/login").headers["Location"] == "/tasks/"
        auth.logout(client)


def test_supervisors_and_admins_still_land_on_the_dashboard(client, make_user, auth):
    make_user("boss", role="admin")
    response = auth.login(client, "boss")
    assert response.headers["Location"] == "/dashboard"


def test_officer_sign_in_still_follows_next(client, make_user):
    make_user("ppkl01", role="ppkl")
    response = post_form(
        client,
        "/login?next=/cooperatives/",
        {"username": "ppkl01", "password": TEST_PASSWORD},
        page="/login",
    )
    assert response.headers["Location"] == "/cooperatives/"


def test_unknown_username_costs_one_verification_like_a_known_one(app, make_user, monkeypatch):
    """Timing: an unknown name must not cost a hash on top of the verification."""
    from ppkl.auth import services

    make_user("siti")
    work = []
    real_hash, real_verify = services.hash_password, services.verify_password
    monkeypatch.setattr(services, "hash_password", lambda *a: work.append("hash") or real_hash(*a))
    monkeypatch.setattr(
        services, "verify_password", lambda *a: work.append("verify") or real_verify(*a)
    )
    method = "pbkdf2:sha256:1001"  # one no other test warmed up
    services.authenticate("nobody", "wrong-password", method)  # warms the dummy hash once
    work.clear()
    for _ in range(3):
        services.authenticate("nobody", "wrong-password", method)
    unknown = list(work)
    work.clear()
    for _ in range(3):
        services.authenticate("siti", "wrong-password", method)
    assert unknown == work == ["verify"] * 3
