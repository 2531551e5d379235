"""Fixtures: databases made for this run, the app, clients, factories and a query counter.

Set TEST_DATABASE_URL to a PostgreSQL server URL to run the suite there: the run creates
databases of its own on that server and drops them at the end.
"""

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from ppkl import create_app
from ppkl.config import normalise_database_url
from ppkl.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith(("postgres://", "postgresql"))
TEST_PASSWORD = "correct-horse-battery"
FAST_HASH = "pbkdf2:sha256:1000"
DEMO_END_DATE = date(2019, 6, 30)


class DatabaseFactory:
    """Empty databases for this test run, SQLite files or PostgreSQL databases."""

    def __init__(self, tmp_dir: Path):
        self.tmp_dir = tmp_dir
        self.run = uuid.uuid4().hex[:8]
        self.created: list[str] = []

    def admin_engine(self):
        url = make_url(normalise_database_url(TEST_DATABASE_URL))
        return create_engine(url, isolation_level="AUTOCOMMIT")

    def new(self, name: str) -> str:
        if not ON_POSTGRES:
            return f"sqlite:///{self.tmp_dir / (name + '.sqlite')}"
        db_name = f"ppkl_test_{self.run}_{name}"
        engine = self.admin_engine()
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{db_name}"'))
        engine.dispose()
        self.created.append(db_name)
        url = make_url(normalise_database_url(TEST_DATABASE_URL)).set(database=db_name)
        return url.render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.created:
            return
        engine = self.admin_engine()
        with engine.connect() as conn:
            for db_name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path_factory.mktemp("db"))
    yield factory
    factory.drop_all()


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, hence its own g and database session, as in
    production; the test's own context (for factories and checks) stays apart."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = FreshContextClient
    return app


def migrate_to_head(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def main_database(databases) -> str:
    url = databases.new("main")
    migrate_to_head(make_app(url))
    return url


@pytest.fixture(scope="session")
def demo_database(databases) -> str:
    """A database with seed-demo loaded (end date 30 June 2019). Tests treat it as read-only."""
    from ppkl.demo import seed as demo

    url = databases.new("demo")
    app = make_app(url)
    migrate_to_head(app)
    with app.app_context():
        demo.seed(db.session, DEMO_END_DATE, FAST_HASH)
        db.session.commit()
        db.engine.dispose()
    return url


@pytest.fixture
def app(main_database):
    app = make_app(main_database)
    with app.app_context():
        yield app
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def demo_app(demo_database):
    app = make_app(demo_database)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo_client(demo_app):
    return demo_app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_from(client, path: str) -> str:
    response = client.get(path)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no csrf_token on {path} (status {response.status_code})"
    return match.group(1)


def post_form(client, url: str, data: dict | None = None, page: str | None = None, **kwargs):
    """POST like a browser: take the CSRF token from the page that shows the form."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token_from(client, page or url)
    return client.post(url, data=data, **kwargs)


def login(client, username: str, password: str = TEST_PASSWORD):
    return post_form(client, "/login", {"username": username, "password": password})


@pytest.fixture
def auth():
    class Auth:
        @staticmethod
        def login(client, username, password=TEST_PASSWORD):
            response = login(client, username, password)
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
            return response

        @staticmethod
        def logout(client):
            return post_form(client, "/logout", page="/dashboard")

    return Auth()


@pytest.fixture
def make_regency(app):
    from ppkl.models import Regency

    def make(name="Bulungan", code=None):
        regency = Regency(name=name, code=code)
        db.session.add(regency)
        db.session.commit()
        return regency

    return make


@pytest.fixture
def make_user(app, make_regency):
    from ppkl.auth.passwords import hash_password
    from ppkl.models import Regency, User

    def make(username="user", role="supervisor", regency=None, password=TEST_PASSWORD, **fields):
        if regency is None and role in ("ppkl", "dak"):
            regency = db.session.query(Regency).first() or make_regency()
        user = User(
            username=username,
            full_name=fields.pop("full_name", username.title()),
            role=role,
            regency_id=regency.id if regency else None,
            cohort_year=fields.pop("cohort_year", 2019 if role == "dak" else None),
            password_hash=hash_password(password, FAST_HASH),
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_cooperative(app, make_regency):
    from ppkl.models import Cooperative, Regency

    counter = iter(range(1, 100_000))

    def make(**overrides):
        regency = overrides.pop("regency", None)
        if regency is None:
            regency = db.session.query(Regency).first() or make_regency()
        n = next(counter)
        fields = {"name": f"Koperasi Uji {n}", "district": "Tanjung Selor", "members": 30}
        fields.update(overrides)
        coop = Cooperative(regency_id=regency.id, **fields)
        db.session.add(coop)
        db.session.commit()
        return coop

    return make


@contextmanager
def count_queries(engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def query_counter(app):
    return lambda: count_queries(db.engine)


@pytest.fixture
def extra_app(app, main_database):
    """Another app instance on the test database, with its own settings; its engine is closed
    afterwards and the `app` fixture cleans the rows."""
    made = []

    def make(**overrides):
        other = make_app(main_database, **overrides)
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


# --- field work (issue 4) ---


def add_assignment(cooperative, officer, start=date(2019, 1, 1), end=None):
    """Record a current (or past) assignment directly, as history would hold it."""
    from ppkl.models import Assignment

    row = Assignment(
        cooperative_id=cooperative.id,
        officer_id=officer.id,
        officer_role=officer.role,
        start_date=start,
        end_date=end,
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def assign(app):
    return add_assignment


@pytest.fixture
def make_visit(app):
    from ppkl.clock import utcnow
    from ppkl.models import Visit

    def make(cooperative, officer, visited_on, follow_up_on=None, **fields):
        fields.setdefault("purposes", ["pembinaan"])
        fields.setdefault("created_at", utcnow())
        visit = Visit(
            cooperative_id=cooperative.id,
            officer_id=officer.id,
            visited_on=visited_on,
            follow_up_on=follow_up_on,
            **fields,
        )
        db.session.add(visit)
        db.session.commit()
        return visit

    return make
