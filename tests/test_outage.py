"""Database outages: 503 with Retry-After, nothing half-written, recovery without a restart;
and the /healthz and /readyz probes."""

from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from ppkl.extensions import db
from ppkl.models import User
from tests.helpers import ON_POSTGRES, post_form


@contextmanager
def database_down(engine):
    """Every new connection is refused, as when the server is stopped; pooled ones are closed."""
    dbapi_error = engine.dialect.loaded_dbapi.OperationalError

    def refuse(dialect, conn_rec, cargs, cparams):
        raise dbapi_error("connection refused (database stopped for a test)")

    engine.dispose()
    event.listen(engine, "do_connect", refuse)
    try:
        yield
    finally:
        event.remove(engine, "do_connect", refuse)


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    html = response.get_data(as_text=True)
    assert "Sementara tidak tersedia" in html and "Tidak ada yang tersimpan" in html
    assert "OperationalError" not in html and "Traceback" not in html


def test_pages_answer_503_while_the_database_is_down_then_recover(app, client, make_user, auth):
    make_user("siti", role="supervisor")
    auth.login(client, "siti")
    assert client.get("/dashboard").status_code == 200
    with database_down(db.engine):
        assert_unavailable_page(client.get("/dashboard"))
        assert_unavailable_page(client.get("/cooperatives/"))
        balancer = app.test_client()  # probes come without a cookie
        assert balancer.get("/healthz").status_code == 200  # the process itself is fine
        ready = balancer.get("/readyz")
        assert ready.status_code == 503 and ready.json["database"] == "unreachable"
    # No restart: the next request reconnects, and the session is still valid.
    assert client.get("/dashboard").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_a_write_interrupted_by_the_database_leaves_nothing_half_written(
    app, client, make_user, auth, default_province
):
    """Creating an account writes the user, then the audit row; the second fails."""
    make_user("root", role="admin")
    auth.login(client, "root")
    users_before = db.session.scalar(select(func.count(User.id)))
    dbapi_error = db.engine.dialect.loaded_dbapi.OperationalError

    def drop_connection(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT"):
            raise OperationalError(statement, parameters, dbapi_error("server closed connection"))

    data = {
        "username": "newsup",
        "full_name": "Dewi",
        "role": "supervisor",
        "province_id": str(default_province().id),
        "regency_id": "0",
        "password": "a long new passphrase",
    }
    token_page = client.get("/admin/users/new")
    assert token_page.status_code == 200
    event.listen(db.engine, "before_cursor_execute", drop_connection)
    try:
        response = post_form(client, "/admin/users/new", data)
    finally:
        event.remove(db.engine, "before_cursor_execute", drop_connection)
    assert_unavailable_page(response)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(User.id))) == users_before
    assert post_form(client, "/admin/users/new", data).status_code == 302  # works again


@pytest.mark.skipif(not ON_POSTGRES, reason="kills server connections: PostgreSQL only")
def test_recovers_when_postgresql_drops_every_connection(client, make_user, auth):
    make_user("siti", role="supervisor")
    auth.login(client, "siti")
    assert client.get("/dashboard").status_code == 200
    killer = create_engine(db.engine.url, poolclass=NullPool)  # not one of the app's connections
    with killer.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    killer.dispose()
    assert killed >= 1
    assert client.get("/dashboard").status_code == 200


def test_healthz_touches_no_database(client, query_counter):
    with query_counter() as statements:
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}
    assert statements == []


def test_readyz_when_migrated(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "migrations": "head"}


def test_readyz_refuses_a_database_behind_the_migrations(extra_app, databases):
    from flask_migrate import upgrade

    other = extra_app(SQLALCHEMY_DATABASE_URI=databases.new("behind"))
    client = other.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["migrations"] == "behind"
    with other.app_context():
        upgrade(revision="0001")  # the foundation only: later migrations missing
        assert client.get("/readyz").json["migrations"] == "behind"
        upgrade()
    assert client.get("/readyz").status_code == 200
