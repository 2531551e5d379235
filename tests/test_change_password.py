"""A user changes their own password: the current one is required, the new one follows the
password rules, and every other session (and remember cookie) of the account ends."""

from sqlalchemy import select

from ppkl.auth.passwords import verify_password
from ppkl.extensions import db
from ppkl.models import AuditEvent, User
from tests.helpers import TEST_PASSWORD, csrf_token_from, login, post_form

PAGE = "/account/password"
NEW = "a long new passphrase"


def change(client, current=TEST_PASSWORD, new=NEW, confirm=None):
    data = {"current_password": current, "new_password": new, "confirm": confirm or new}
    return post_form(client, PAGE, data)


def stored_hash(username):
    db.session.expire_all()
    return db.session.scalar(select(User.password_hash).where(User.username == username))


def test_the_page_is_linked_and_needs_a_sign_in(client, make_user, auth):
    make_user("siti")
    assert client.get(PAGE).status_code == 302
    auth.login(client, "siti")
    assert f'href="{PAGE}"' in client.get("/dashboard").get_data(as_text=True)
    assert client.get(PAGE).status_code == 200


def test_the_current_password_is_required(client, make_user, auth):
    make_user("siti")
    auth.login(client, "siti")
    before = stored_hash("siti")
    response = change(client, current="not-my-password")
    assert response.status_code == 400
    assert "Ini bukan kata sandi Anda saat ini." in response.get_data(as_text=True)
    assert stored_hash("siti") == before


def test_wrong_current_passwords_count_against_the_sign_in_limit(app, client, make_user, auth):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    make_user("siti")
    auth.login(client, "siti")
    statuses = [change(client, current=f"guess-{n}").status_code for n in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_the_new_password_follows_the_rules(client, make_user, auth):
    make_user("siti")
    auth.login(client, "siti")
    before = stored_hash("siti")
    for new, confirm in (("short", None), ("siti-ppkl-2019", None), (NEW, NEW + "x")):
        assert change(client, new=new, confirm=confirm).status_code == 400, new
    assert change(client, new=TEST_PASSWORD).status_code == 400  # the same one again
    assert stored_hash("siti") == before


def test_changing_ends_the_other_sessions_and_keeps_this_one(app, client, make_user, auth):
    make_user("siti")
    auth.login(client, "siti")
    laptop = app.test_client()
    auth.login(laptop, "siti")
    phone = app.test_client()
    post_form(phone, "/login", {"username": "siti", "password": TEST_PASSWORD, "remember": "y"})
    copy = app.test_client()
    copy.set_cookie("remember_token", phone.get_cookie("remember_token").value)

    response = change(client)
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200  # this device stays signed in
    for other in (laptop, phone, copy):
        assert other.get("/dashboard").status_code == 302
    assert verify_password(stored_hash("siti"), NEW)
    assert login(app.test_client(), "siti", NEW).status_code == 302
    assert login(app.test_client(), "siti", TEST_PASSWORD).status_code == 200
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.password_changed")
    )
    assert event.username == "siti"


def test_the_form_has_csrf(client, make_user, auth):
    make_user("siti")
    auth.login(client, "siti")
    csrf_token_from(client, PAGE)
    data = {"current_password": TEST_PASSWORD, "new_password": NEW, "confirm": NEW}
    assert client.post(PAGE, data=data).status_code == 400
