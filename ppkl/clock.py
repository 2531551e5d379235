"""The office's notion of now, today and an office day, in one place so tests can pass their own.

The office time zone is the TIMEZONE setting (Asia/Makassar, WITA, by default). An office day
runs from midnight to midnight in that zone; the database stores naive UTC, so a query that
filters by office days compares with office_day_start / office_day_end.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from ppkl.config import Config


def office_tz() -> ZoneInfo:
    """The running app's TIMEZONE; the default outside an app (scripts, plain unit tests)."""
    return ZoneInfo(current_app.config["TIMEZONE"] if has_app_context() else Config.TIMEZONE)


def utcnow() -> datetime:
    """Naive UTC: what the database columns store on SQLite and PostgreSQL alike."""
    return datetime.now(UTC).replace(tzinfo=None)


def office_today(tz: ZoneInfo | None = None) -> date:
    return datetime.now(tz or office_tz()).date()


def office_day_start(day: date, tz: ZoneInfo | None = None) -> datetime:
    """Midnight at the start of `day` in the office time zone, as the naive UTC we store."""
    local = datetime.combine(day, time.min, tzinfo=tz or office_tz())
    return local.astimezone(UTC).replace(tzinfo=None)


def office_day_end(day: date, tz: ZoneInfo | None = None) -> datetime:
    """The first instant after `day` in the office time zone, as naive UTC (exclusive bound)."""
    return office_day_start(day + timedelta(days=1), tz)


def office_date(stored: datetime, tz: ZoneInfo | None = None) -> date:
    """The office day a stored naive-UTC timestamp falls on."""
    return stored.replace(tzinfo=UTC).astimezone(tz or office_tz()).date()
