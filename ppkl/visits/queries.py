"""Read-side queries for visits: choices for the form, lists, the loader's select."""

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from ppkl.models import Cooperative, Regency, User, Visit, VisitPhoto
from ppkl.permissions import Permission, cooperative_scope, has_permission

SEARCH_LIMIT = 50


def cooperative_options(session: Session, user, q: str = "", limit: int = SEARCH_LIMIT):
    """(id, name, regency) of the cooperatives the user covers whose name contains q."""
    stmt = (
        select(Cooperative.id, Cooperative.name, Regency.name.label("regency"))
        .join(Regency, Regency.id == Cooperative.regency_id)
        .where(cooperative_scope(user))
    )
    if q:
        stmt = stmt.where(Cooperative.name.ilike(f"%{q[:100]}%"))
    return session.execute(
        stmt.order_by(Cooperative.active.desc(), Cooperative.name).limit(limit)
    ).all()


def covered_cooperative(session: Session, user, cooperative_id: int | None):
    """The cooperative when the user covers it, else None."""
    if not cooperative_id:
        return None
    return session.scalar(
        select(Cooperative).where(Cooperative.id == cooperative_id, cooperative_scope(user))
    )


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
