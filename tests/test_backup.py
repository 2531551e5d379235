"""Backup while the app runs, restore into an empty database: the round trip keeps everything."""

import pytest
from sqlalchemy import func, inspect, select, table, text

from ppkl.extensions import db
from ppkl.recap import current_recap
from tests.helpers import ON_POSTGRES, make_app


def snapshot(app) -> tuple[list, dict[str, int]]:
    """The recap and the row count of every table (alembic_version included)."""
    with app.app_context():
        names = inspect(db.engine).get_table_names()
        counts = {
            name: db.session.scalar(select(func.count()).select_from(table(name))) for name in names
        }
        recap = current_recap(db.session).csv_rows()
        db.session.remove()
        db.engine.dispose()
    return recap, counts


@pytest.fixture
def apps(databases):
    made = []

    def make(url):
        made.append(make_app(url))
        return made[-1]

    yield make
    for app in made:
        with app.app_context():
            db.engine.dispose()


def test_round_trip_of_the_demo_data(apps, demo_database, databases, tmp_path):
    source = apps(demo_database)
    before = snapshot(source)
    assert before[1]["cooperative"] == 747 and before[1]["alembic_version"] == 1

    output = tmp_path / "ppkl.backup"
    with source.app_context():
        # A write in progress during the backup: the copy holds committed data only.
        with db.engine.connect() as writer:
            writer.execute(
                text(
                    "INSERT INTO regency (name, province_id) "
                    "SELECT 'Uncommitted', min(id) FROM province"
                )
            )
            result = source.test_cli_runner().invoke(args=["backup", str(output)])
            writer.rollback()
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert "Backup written" in result.output and output.stat().st_size > 10_000

    target = apps(databases.new("restored"))
    result = target.test_cli_runner().invoke(args=["restore", str(output)])
    assert result.exit_code == 0, result.output
    assert snapshot(target) == before


def test_restore_refuses_a_database_that_has_tables(apps, demo_database, main_database, tmp_path):
    output = tmp_path / "ppkl.backup"
    assert apps(demo_database).test_cli_runner().invoke(args=["backup", str(output)]).exit_code == 0
    target = apps(main_database)
    before = snapshot(target)
    result = target.test_cli_runner().invoke(args=["restore", str(output)])
    assert result.exit_code != 0 and "empty" in result.output
    assert snapshot(target) == before


def test_backup_never_overwrites_a_file(apps, demo_database, tmp_path):
    output = tmp_path / "existing.backup"
    output.write_bytes(b"keep me")
    result = apps(demo_database).test_cli_runner().invoke(args=["backup", str(output)])
    assert result.exit_code != 0 and "exists" in result.output
    assert output.read_bytes() == b"keep me"


def test_restore_refuses_a_file_that_is_not_a_backup(apps, databases, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    target = apps(databases.new("junk"))
    result = target.test_cli_runner().invoke(args=["restore", str(junk)])
    assert result.exit_code != 0 and "not a ppkl backup" in result.output


def test_restore_refuses_a_backup_of_the_other_kind(apps, databases, tmp_path):
    other = tmp_path / "other.backup"
    other.write_bytes(b"SQLite format 3\x00" if ON_POSTGRES else b"PGDMP\x01\x0e")
    result = apps(databases.new("kind")).test_cli_runner().invoke(args=["restore", str(other)])
    assert result.exit_code != 0 and "cannot be restored into" in result.output


def test_pg_environment_keeps_the_password_off_the_command_line():
    from sqlalchemy.engine import make_url

    from ppkl.backup import pg_environment

    env = pg_environment(make_url("postgresql+psycopg://ppkl:s3cret@db.internal:5433/ppkl"))
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"]) == ("db.internal", "5433", "ppkl")
    assert (env["PGPASSWORD"], env["PGDATABASE"]) == ("s3cret", "ppkl")
