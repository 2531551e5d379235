import pytest
from sqlalchemy import text

from ppkl import InsecureConfiguration, create_app, postgresql_engine_options
from ppkl.config import DEFAULT_SECRET_KEY, normalise_database_url
from ppkl.extensions import db
from tests.helpers import ON_POSTGRES


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


def test_postgresql_connections_turn_jit_off_and_keep_other_server_options():
    options = postgresql_engine_options(
        {
            "POSTGRES_JIT": False,
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "pool_pre_ping": True,
                "connect_args": {"options": "-c statement_timeout=5000"},
            },
        }
    )
    assert options["connect_args"]["options"] == "-c statement_timeout=5000 -c jit=off"
    assert options["pool_pre_ping"] is True
    left_on = postgresql_engine_options(
        {"POSTGRES_JIT": True, "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}}
    )
    assert left_on == {"pool_pre_ping": True}


def test_jit_setting_applies_to_postgresql_urls_only(tmp_path):
    sqlite_app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite"}
    )
    assert "options" not in sqlite_app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]
    pg_app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@db.invalid/ppkl"}
    )
    assert pg_app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"options": "-c jit=off"}


@pytest.mark.skipif(not ON_POSTGRES, reason="asks a PostgreSQL server for its jit setting")
def test_the_apps_postgresql_connections_run_without_jit(app, extra_app):
    with app.app_context():
        assert db.session.scalar(text("SHOW jit")) == "off"
    with extra_app(POSTGRES_JIT=True).app_context():
        server_default = db.session.scalar(
            text("SELECT boot_val FROM pg_settings WHERE name = 'jit'")
        )
        assert db.session.scalar(text("SHOW jit")) == server_default
