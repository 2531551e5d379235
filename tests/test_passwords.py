"""The password policy: length 8..128, no composition rules, common passwords refused."""

import pytest
from sqlalchemy import select

from ppkl.auth.passwords import MAX_LENGTH, common_passwords, password_problem
from ppkl.extensions import db
from ppkl.models import User
from tests.helpers import post_form


def test_the_shipped_list_is_large_and_starts_with_the_most_common():
    passwords = common_passwords()
    assert len(passwords) >= 3000
    assert {"password", "12345678", "iloveyou", "password123"} <= passwords


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short12", "too_short"),
        ("x" * (MAX_LENGTH + 1), "too_long"),
        ("password", "common_password"),
        ("PassWord123", "common_password"),  # case does not make it less guessable
        ("qwertyuiop", "common_password"),
        ("kopi tubruk di tanjung selor", None),
        ("abcdefgh-ppkl", None),  # no composition rules: letters and a dash are enough
        ("a" * 64, None),  # long passphrases are welcome, up to MAX_LENGTH
        ("éèê日本語パスワ", None),  # any Unicode characters
    ],
)
def test_password_problem(password, problem):
    assert password_problem(password) == problem


def test_admin_form_refuses_a_common_password_next_to_the_field(client, make_user, auth):
    make_user("root", role="admin")
    auth.login(client, "root")
    data = {"username": "super2", "full_name": "Dewi", "role": "supervisor", "regency_id": "0"}
    response = post_form(client, "/admin/users/new", {**data, "password": "Password1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="password-error"' in html and "Kata sandi ini terlalu umum" in html
    assert db.session.scalar(select(User).where(User.username == "super2")) is None


def test_password_reset_refuses_a_common_password(client, make_user, auth):
    make_user("root", role="admin")
    officer = make_user("ppkl01", role="ppkl")
    old_hash = officer.password_hash
    auth.login(client, "root")
    response = post_form(
        client,
        f"/admin/users/{officer.id}/password",
        {"password": "iloveyou1"},
        page=f"/admin/users/{officer.id}",
    )
    assert response.status_code == 400
    assert "Kata sandi ini terlalu umum" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, officer.id).password_hash == old_hash


def test_cli_refuses_a_common_password(runner):
    result = runner.invoke(
        args=["create-user", "boss", "--role", "supervisor", "--name", "Boss", "--password-stdin"],
        input="football1\n",
    )
    assert result.exit_code != 0
    assert "common" in result.output
    assert db.session.scalar(select(User).where(User.username == "boss")) is None


@pytest.mark.parametrize(
    ("password", "username", "problem"),
    [
        ("ppkl-demo", "", "context_words"),
        ("koperasi123", "", "context_words"),
        ("Koperasi-PPKL-2019", "", "context_words"),
        ("siti-siti-2019", "siti", "context_words"),
        ("ppkl01ppkl01", "ppkl01", "context_words"),
        ("koperasi merah putih berjaya", "", None),
        ("correct-horse-battery", "siti", None),
    ],
)
def test_context_words_do_not_count_toward_the_length(password, username, problem):
    assert password_problem(password, username) == problem


def test_admin_cannot_give_a_user_their_username_as_password(client, make_user, auth):
    make_user("root", role="admin")
    user = make_user("andipratama", role="supervisor")
    auth.login(client, "root")
    page = f"/admin/users/{user.id}"
    response = post_form(client, f"{page}/password", {"password": "AndiPratama2019"}, page=page)
    assert response.status_code == 400
