"""Read-side queries for visits: choices for the form, lists, the loader's select."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from ppkl.coverage import in_scope
from ppkl.models import Assignment, Cooperative, User, Visit, VisitPhoto
from ppkl.pagination import Keyset
from ppkl.permissions import Permission, cooperative_scope, has_permission

# Newest first; a cursor continues it on deep pages (ppkl/pagination.py).
VISIT_ORDER = Keyset(Visit, ("visited_on", "id"), descending=True)


def covered_cooperative(session: Session, user, cooperative_id: int | None):
    """The cooperative when the user covers it, else None."""
    if not cooperative_id:
        return None
    return session.scalar(
        select(Cooperative).where(Cooperative.id == cooperative_id, cooperative_scope(user))
    )


@dataclass(frozen=True)
class LostCooperative:
    """A cooperative the officer no longer covers: since when, and who has it now."""

    cooperative: Cooperative
    since: date | None
    now_with: str | None


def lost_cooperative(session: Session, user, cooperative_id: int | None) -> LostCooperative | None:
    """Why an existing cooperative is not the user's (any more); None when it does not exist."""
    coop = session.get(Cooperative, cooperative_id) if cooperative_id else None
    if coop is None or not in_scope(user, coop):
        return None
    since = session.scalar(
        select(func.max(Assignment.end_date)).where(
            Assignment.cooperative_id == coop.id, Assignment.officer_id == user.id
        )
    )
    now_with = session.scalar(
        select(User.full_name)
        .join(Assignment, Assignment.officer_id == User.id)
        .where(
            Assignment.cooperative_id == coop.id,
            Assignment.officer_role == user.role,
            Assignment.end_date.is_(None),
        )
        .limit(1)
    )
    return LostCooperative(coop, since, now_with)


def visit_list(user, officer_id: int | None, include_removed: bool) -> Select:
    """Visits with their cooperative and officer names, newest first."""
    officer = aliased(User)
    stmt = (
        select(
            Visit,
            Cooperative.name.label("cooperative_name"),
            officer.full_name.label("officer_name"),
        )
        .join(Cooperative, Cooperative.id == Visit.cooperative_id)
        .join(officer, officer.id == Visit.officer_id)
        .where(cooperative_scope(user))
    )
    if not has_permission(user, Permission.VIEW_ALL_COOPERATIVES):
        stmt = stmt.where(Visit.officer_id == user.id)
    elif officer_id:
        stmt = stmt.where(Visit.officer_id == officer_id)
    if not include_removed:
        stmt = stmt.where(Visit.deleted_at.is_(None))
    return stmt.order_by(Visit.visited_on.desc(), Visit.id.desc())


def visits_of_cooperative(session: Session, cooperative_id: int, include_removed: bool):
    officer = aliased(User)
    stmt = (
        select(Visit, officer.full_name.label("officer_name"))
        .join(officer, officer.id == Visit.officer_id)
        .where(Visit.cooperative_id == cooperative_id)
    )
    if not include_removed:
        stmt = stmt.where(Visit.deleted_at.is_(None))
    return session.execute(stmt.order_by(Visit.visited_on.desc(), Visit.id.desc()).limit(20)).all()


def photos_of(session: Session, visit_id: int) -> list[VisitPhoto]:
    return list(
        session.scalars(select(VisitPhoto).where(VisitPhoto.visit_id == visit_id).order_by("id"))
    )
