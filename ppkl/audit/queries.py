"""Audit log queries; they return select() so the view paginates (two queries a page)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select

from ppkl.clock import office_day_end, office_day_start
from ppkl.models import AuditEvent
from ppkl.pagination import Keyset

# Newest first; a cursor continues it on deep pages.
AUDIT_ORDER = Keyset(AuditEvent, ("created_at", "id"), descending=True)


@dataclass(frozen=True)
class AuditFilter:
    who: str = ""
    action: str = ""
    date_from: date | None = None  # office dates, both ends included
    date_to: date | None = None


def audit_events(flt: AuditFilter) -> Select:
    stmt = select(AuditEvent)
    if flt.who:
        stmt = stmt.where(func.lower(AuditEvent.username) == flt.who.strip().lower())
    if flt.action:
        stmt = stmt.where(AuditEvent.action == flt.action)
    if flt.date_from:
        stmt = stmt.where(AuditEvent.created_at >= office_day_start(flt.date_from))
    if flt.date_to:
        stmt = stmt.where(AuditEvent.created_at < office_day_end(flt.date_to))
    return stmt.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
