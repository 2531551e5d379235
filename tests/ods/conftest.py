"""Fixtures for the ODS reconciliation: a demo database of its own per test, cloned from one
seeded template (a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL)."""

import shutil
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from ppkl.extensions import db
from tests.helpers import ON_POSTGRES, make_app, seeded_demo_database


@pytest.fixture(scope="session")
def ods_template(databases) -> str:
    return seeded_demo_database(databases, "ods_template")


@pytest.fixture
def ods_database(databases, ods_template, tmp_path) -> str:
    url = make_url(ods_template)
    if not ON_POSTGRES:
        copy = tmp_path / "ods.sqlite"
        shutil.copyfile(url.database, copy)
        return f"sqlite:///{copy}"
    name = f"{url.database}_{uuid.uuid4().hex[:6]}"
    engine = databases.admin_engine()
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"'))
    engine.dispose()
    databases.created.append(name)
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def ods_app(ods_database, tmp_path):
    app = make_app(ods_database, CERTIFICATE_DIR=str(tmp_path / "certificates"))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def ods_client(ods_app):
    return ods_app.test_client()


@pytest.fixture
def ods_runner(ods_app):
    return ods_app.test_cli_runner()
