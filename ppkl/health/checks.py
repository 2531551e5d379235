"""Readiness checks, plain functions over a session and the migrations folder."""

from functools import cache

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session


@cache
def migration_heads(migrations_dir: str) -> frozenset[str]:
    return frozenset(ScriptDirectory(migrations_dir).get_heads())


def readiness(session: Session, migrations_dir: str) -> dict[str, str]:
    """{"database": "ok" or "unreachable", "migrations": "head", "behind" or "unknown"}."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        session.rollback()
        return {"database": "unreachable", "migrations": "unknown"}
    try:
        applied = set(session.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except SQLAlchemyError:  # no alembic_version table: never migrated
        session.rollback()
        applied = set()
    state = "head" if applied == migration_heads(migrations_dir) else "behind"
    return {"database": "ok", "migrations": state}


def is_ready(state: dict[str, str]) -> bool:
    return state == {"database": "ok", "migrations": "head"}
