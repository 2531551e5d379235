import pytest

from ppkl import InsecureConfiguration, create_app
from ppkl.config import DEFAULT_SECRET_KEY, normalise_database_url


def test_refuses_to_start_with_the_default_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(InsecureConfiguration, match="SECRET_KEY"):
        create_app(
            {
                "SECRET_KEY": DEFAULT_SECRET_KEY,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite",
            }
        )


def test_testing_may_use_the_default_key(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": DEFAULT_SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite",
        }
    )
    assert app.testing


def test_environment_overrides(monkeypatch):
    from ppkl.config import environment_overrides

    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/ppkl")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    assert environment_overrides() == {
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@db/ppkl",
        "SECRET_KEY": "from-env",
        "REDIS_URL": "redis://cache:6379/0",
    }


def test_database_url_spellings():
    assert normalise_database_url("postgresql://a/b") == "postgresql+psycopg://a/b"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_production_turns_on_secure_cookies(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "PRODUCTION": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_sqlite_waits_for_the_write_lock(tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"})
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"]["timeout"] == 30
    assert options["pool_pre_ping"] is True
