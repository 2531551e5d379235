"""Failed sign-ins are limited per account and per address, across app instances via Redis."""

import os
import uuid

import pytest

from tests.helpers import TEST_PASSWORD, login

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def limited_app(extra_app):
    """Another app on the test database with small limits."""

    def make(**overrides):
        config = {"LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes"}
        config.update(overrides)
        return extra_app(**config)

    return make


def test_an_account_is_paused_after_repeated_failures(limited_app, make_user):
    make_user("siti")
    client = limited_app().test_client()
    for _ in range(3):
        assert login(client, "siti", "wrong-password").status_code == 200
    blocked = login(client, "SITI", TEST_PASSWORD)  # even the right password waits now
    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    assert "Terlalu banyak percobaan masuk" in html and "menit" in html
    assert 800 < int(blocked.headers["Retry-After"]) <= 901
    assert "Content-Security-Policy" in blocked.headers


def test_other_accounts_are_not_paused(limited_app, make_user):
    make_user("siti")
    make_user("budi")
    client = limited_app().test_client()
    for _ in range(3):
        login(client, "siti", "wrong-password")
    assert login(client, "budi").status_code == 302


def test_successful_sign_ins_do_not_count(limited_app, make_user, auth):
    make_user("siti")
    client = limited_app().test_client()
    for _ in range(5):
        auth.login(client, "siti")
        auth.logout(client)


def test_an_address_is_paused_after_failures_on_many_accounts(limited_app, make_user):
    make_user("siti")
    app = limited_app(LOGIN_LIMIT_PER_ADDRESS="4 per hour")
    client = app.test_client()
    for n in range(4):
        assert login(client, f"guess{n}", "wrong-password").status_code == 200
    response = login(client, "siti")
    assert response.status_code == 429
    assert 3500 < int(response.headers["Retry-After"]) <= 3601
    other_address = app.test_client()
    other_address.environ_base["REMOTE_ADDR"] = "10.20.30.40"
    assert login(other_address, "siti").status_code == 302


def test_rate_limited_sign_in_is_not_a_500_without_csrf_token(limited_app, make_user):
    client = limited_app().test_client()
    for _ in range(5):
        response = client.post("/login", data={"username": "x", "password": "y"})
        assert response.status_code == 400


@pytest.fixture
def redis_prefix():
    """A key prefix of this test run only; its keys are deleted afterwards (Redis is shared)."""
    import redis

    prefix = f"ppkl-test-{uuid.uuid4().hex[:12]}"
    connection = redis.Redis.from_url(REDIS_URL)
    yield prefix, connection
    for key in connection.scan_iter(match=f"*{prefix}*"):
        connection.delete(key)
    connection.close()


def test_limit_holds_across_two_app_instances_sharing_redis(limited_app, make_user, redis_prefix):
    prefix, connection = redis_prefix
    make_user("siti")
    shared = {"REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    worker_a = limited_app(**shared).test_client()
    worker_b = limited_app(**shared).test_client()
    assert login(worker_a, "siti", "wrong-1").status_code == 200
    assert login(worker_b, "siti", "wrong-2").status_code == 200
    assert login(worker_a, "siti", "wrong-3").status_code == 200
    assert login(worker_b, "siti").status_code == 429
    assert login(worker_a, "siti").status_code == 429
    assert list(connection.scan_iter(match=f"*{prefix}*")), "the counters should be in Redis"


def test_without_redis_each_instance_counts_alone(limited_app, make_user):
    """The contrast that shows why production needs REDIS_URL with several workers."""
    make_user("siti")
    worker_a, worker_b = limited_app().test_client(), limited_app().test_client()
    for n in range(3):
        login(worker_a, "siti", f"wrong-{n}")
    assert login(worker_a, "siti").status_code == 429
    assert login(worker_b, "siti").status_code == 302


def test_production_without_redis_warns_that_limits_are_per_process(extra_app, caplog):
    caplog.set_level("WARNING", logger="ppkl.security.ratelimit")
    extra_app(PRODUCTION=True, REDIS_URL=None)
    assert "counted per process" in caplog.text
    caplog.clear()
    extra_app(PRODUCTION=False, REDIS_URL=None)
    assert "counted per process" not in caplog.text
