"""The office's notion of now and today (WITA), in one place so tests can pass their own."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

OFFICE_TZ = ZoneInfo("Asia/Makassar")


def utcnow() -> datetime:
    """Naive UTC: what the database columns store on SQLite and PostgreSQL alike."""
    return datetime.now(UTC).replace(tzinfo=None)


def office_today() -> date:
    return datetime.now(OFFICE_TZ).date()
