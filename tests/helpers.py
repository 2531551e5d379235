"""Helpers shared by the tests: settings, the app factory for tests, form posting, query counting.

Fixtures live in conftest.py; tests import these plain functions and constants from here.
"""

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from ppkl import create_app
from ppkl.config import normalise_database_url
from ppkl.demo import seed as demo
from ppkl.extensions import db
from ppkl.models import Assignment

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

    with app.app_context():
        upgrade()
        db.engine.dispose()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_from(client, path: str) -> str:
    response = client.get(path)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no csrf_token on {path} (status {response.status_code})"
    return match.group(1)


FORM_KEY_RE = re.compile(r'name="form_key"[^>]*value="([^"]+)"')


def post_form(client, url: str, data: dict | None = None, page: str | None = None, **kwargs):
    """POST like a browser: take the CSRF token (and a creating form's one-time key) from the
    page that shows the form."""
    data = dict(data or {})
    html = client.get(page or url).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no csrf_token on {page or url}"
    data["csrf_token"] = match.group(1)
    key = FORM_KEY_RE.search(html)
    if key and "form_key" not in data:
        data["form_key"] = key.group(1)
    return client.post(url, data=data, **kwargs)


def login(client, username: str, password: str = TEST_PASSWORD):
    return post_form(client, "/login", {"username": username, "password": password})


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


def first_province_id() -> int:
    """The province a fresh database's migration made (or one made now, after a test's
    cleanup emptied the tables): the home of regencies a test makes by hand."""
    from sqlalchemy import select

    from ppkl.models import Province

    found = db.session.scalar(select(Province.id).order_by(Province.id).limit(1))
    if found is None:
        province = Province(
            name="Kalimantan Utara",
            code="65",
            office_name="Dinas Koperasi Provinsi Kalimantan Utara",
            office_place="Tanjung Selor",
            signatory_name="Trianingsih, S.E.",
            signatory_title="Kepala Bidang Koperasi dan UMKM",
            timezone="Asia/Makassar",
        )
        db.session.add(province)
        db.session.flush()
        found = province.id
    return found


def add_assignment(cooperative, officer, start=date(2019, 1, 1), end=None):
    """Record a current (or past) assignment directly, as history would hold it."""

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


def seeded_demo_database(databases: DatabaseFactory, name: str, provinces: int = 0) -> str:
    """A new database of this run with seed-demo loaded (end date 30 June 2019), and
    `provinces` more generated provinces (seed-demo --provinces)."""
    from ppkl.auth.passwords import hash_password
    from ppkl.demo.provinces import seed_provinces

    url = databases.new(name)
    app = make_app(url)
    migrate_to_head(app)
    with app.app_context():
        demo.seed(db.session, DEMO_END_DATE, FAST_HASH)
        if provinces:
            password = hash_password(demo.DEMO_PASSWORD, FAST_HASH)
            seed_provinces(db.session, provinces, DEMO_END_DATE, password)
        db.session.commit()
        db.engine.dispose()
    return url


# The test S3 server (moto) takes any credentials; boto3 reads them from the environment, as
# an installation would.
S3_TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "ppkl-test",
    "AWS_SECRET_ACCESS_KEY": "ppkl-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def s3_settings(endpoint: str, bucket: str, prefix: str = "ppkl") -> dict:
    """The storage settings of an installation on the test S3 server's bucket."""
    return {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": bucket,
        "S3_PREFIX": prefix,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": "us-east-1",
        "S3_ADDRESSING_STYLE": "path",
    }
