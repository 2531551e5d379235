"""Audit log queries; they return select() so the view paginates (two queries a page)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, select

from ppkl.clock import OFFICE_TZ
from ppkl.models import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    who: str = ""
    action: str = ""
    date_from: date | None = None  # office dates (WITA), both ends included
    date_to: date | None = None


def office_midnight_utc(day: date) -> datetime:
    """The start of an office day as the naive UTC the column stores."""
    return datetime.combine(day, time.min, OFFICE_TZ).astimezone(UTC).replace(tzinfo=None)


def audit_events(flt: AuditFilter) -> Select:
    stmt = select(AuditEvent)
    if flt.who:
        stmt = stmt.where(func.lower(AuditEvent.username) == flt.who.strip().lower())
    if flt.action:
        stmt = stmt.where(AuditEvent.action == flt.action)
    if flt.date_from:
        stmt = stmt.where(AuditEvent.created_at >= office_midnight_utc(flt.date_from))
    if flt.date_to:
        end = office_midnight_utc(flt.date_to + timedelta(days=1))
        stmt = stmt.where(AuditEvent.created_at < end)
    return stmt.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def recorded_actions() -> Select:
    return select(AuditEvent.action).distinct().order_by(AuditEvent.action)
