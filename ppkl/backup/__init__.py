"""Consistent backups while the app runs, and restores into an empty database.

SQLite: the online backup API (a snapshot of committed data, readers and writers keep going).
PostgreSQL: pg_dump's custom format (one snapshot) and pg_restore in a single transaction.
Plain functions over a SQLAlchemy URL; the CLI in ppkl/backup/cli.py calls them.
"""

import logging
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore refused or failed; the message says why, for the operator."""


def backup(url: URL | str, output: Path) -> None:
    """Write a consistent copy of the database at url to output (which must not exist)."""
    url = make_url(url)
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} exists already; choose a new file name")
    partial = output.with_name(output.name + ".partial")
    try:
        if url.get_backend_name() == "sqlite":
            backup_sqlite(sqlite_path(url), partial)
        elif url.get_backend_name() == "postgresql":
            run_pg_tool("pg_dump", url, ["--format=custom", f"--file={partial}"])
        else:
            raise BackupError(f"no backup method for {url.get_backend_name()}")
        os.replace(partial, output)  # never leave a half-written file under the real name
    finally:
        partial.unlink(missing_ok=True)
    log.info("backup of %s written to %s", url.render_as_string(), output)


def restore(url: URL | str, source: Path) -> None:
    """Restore a backup made by backup() into the empty database at url."""
    url = make_url(url)
    source = Path(source)
    kind = backup_kind(source)
    backend = url.get_backend_name()
    if kind != backend:
        raise BackupError(f"{source} is a {kind} backup; it cannot be restored into {backend}")
    if not database_is_empty(url):
        raise BackupError("the target database has tables already; restore needs an empty one")
    if backend == "sqlite":
        restore_sqlite(source, sqlite_path(url))
    else:
        # --single-transaction: a failure restores nothing at all.
        run_pg_tool(
            "pg_restore", url, ["--exit-on-error", "--single-transaction", str(source)], dbname=True
        )
    log.info("restored %s into %s", source, url.render_as_string())


def backup_kind(source: Path) -> str:
    try:
        with open(source, "rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"cannot read {source}: {error.strerror}") from error
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{source} is not a ppkl backup (neither SQLite nor pg_dump custom format)")


def sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def backup_sqlite(path: Path, output: Path) -> None:
    if not path.exists():
        raise BackupError(f"database file {path} does not exist")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = sqlite3.connect(output)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def restore_sqlite(source: Path, path: Path) -> None:
    backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        if backup_db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{source} is damaged (SQLite integrity check failed)")
        target = sqlite3.connect(path)
        try:
            with target:
                backup_db.backup(target)
        finally:
            target.close()
    finally:
        backup_db.close()


def database_is_empty(url: URL) -> bool:
    if url.get_backend_name() == "sqlite" and not sqlite_path(url).exists():
        return True
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return not inspect(conn).get_table_names()
    except Exception as error:  # noqa: BLE001 - reported to the operator as is
        raise BackupError(f"cannot open the target database: {error}") from error
    finally:
        engine.dispose()


def pg_environment(url: URL) -> dict[str, str]:
    """Connection settings for pg_dump/pg_restore through the environment, so the password
    never appears on a command line (visible in ps)."""
    env = dict(os.environ)
    for name, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            env[name] = str(value)
    for key, value in url.query.items():  # e.g. sslmode=require
        env[f"PG{key.upper()}"] = str(value)
    return env


def run_pg_tool(tool: str, url: URL, args: list[str], dbname: bool = False) -> None:
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(
            f"{tool} not found: install the PostgreSQL client of the server's major version "
            "(apt-get install postgresql-client)"
        )
    command = [executable, "--no-owner", "--no-privileges"]
    if dbname:
        command.append(f"--dbname={url.database}")
    result = subprocess.run(
        [*command, *args], env=pg_environment(url), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()[-2000:]}")
