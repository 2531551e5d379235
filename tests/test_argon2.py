"""Argon2id password hashing: the default, verification, and PBKDF2 hashes (or weaker Argon2
parameters) upgraded at the next successful sign-in, never at a failed one."""

import pytest
from sqlalchemy import select

from ppkl.auth.passwords import hash_password, needs_rehash, verify_password
from ppkl.config import Config
from ppkl.extensions import db
from ppkl.models import User
from tests.helpers import TEST_PASSWORD, login

CHEAP = "argon2id:1:64:1"  # tests only: the shape of the real thing at a fraction of the cost


def test_the_default_is_argon2id_at_least_owasps_minimum():
    name, time_cost, memory_kib, parallelism = Config.PASSWORD_HASH_METHOD.split(":")
    assert name == "argon2id"
    assert int(time_cost) >= 2 and int(memory_kib) >= 19 * 1024 and int(parallelism) >= 1
    stored = hash_password("x" * 12, Config.PASSWORD_HASH_METHOD)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_hash_and_verify():
    stored = hash_password(TEST_PASSWORD, CHEAP)
    assert verify_password(stored, TEST_PASSWORD)
    assert not verify_password(stored, TEST_PASSWORD + "x")
    assert not verify_password("$argon2id$garbage", TEST_PASSWORD)
    assert verify_password(hash_password(TEST_PASSWORD, "pbkdf2:sha256:1000"), TEST_PASSWORD)


@pytest.mark.parametrize(
    ("stored_method", "configured", "expected"),
    [
        ("pbkdf2:sha256:1000", CHEAP, True),
        ("argon2id:1:32:1", CHEAP, True),  # weaker parameters than configured
        (CHEAP, CHEAP, False),
        (CHEAP, "pbkdf2:sha256:1000", True),
    ],
)
def test_needs_rehash(stored_method, configured, expected):
    assert needs_rehash(hash_password("pw-pw-pw-pw", stored_method), configured) is expected


def stored_hash(username):
    db.session.expire_all()
    return db.session.scalar(select(User.password_hash).where(User.username == username))


def test_a_pbkdf2_hash_is_upgraded_at_the_next_sign_in(extra_app, make_user):
    make_user("siti")  # stored with PBKDF2, as every account before this change
    assert stored_hash("siti").startswith("pbkdf2:sha256:")
    app = extra_app(PASSWORD_HASH_METHOD=CHEAP)
    assert login(app.test_client(), "siti", "wrong-password").status_code == 200
    assert stored_hash("siti").startswith("pbkdf2:")  # a failed sign-in changes nothing
    assert login(app.test_client(), "siti").status_code == 302
    upgraded = stored_hash("siti")
    assert upgraded.startswith("$argon2id$v=19$m=64,t=1,p=1$")
    assert login(app.test_client(), "siti").status_code == 302  # the same password still works
    assert stored_hash("siti") == upgraded  # and nothing is rehashed again


def test_unknown_users_are_checked_against_an_argon2_dummy(extra_app, make_user, monkeypatch):
    from ppkl.auth import services

    app = extra_app(PASSWORD_HASH_METHOD=CHEAP)
    with app.app_context():
        assert services.dummy_hash(CHEAP).startswith("$argon2id$")
