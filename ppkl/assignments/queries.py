"""Read-side queries for assignments: history, who was assigned on a day, the detail page."""

from datetime import date

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, aliased

from ppkl.models import Assignment, User
from ppkl.permissions import Permission, has_permission
from ppkl.visits.queries import visits_of_cooperative


def assigned_on(day: date) -> Select:
    """Assignments in force on day: periods are [start_date, end_date), end_date None = open.

    Reports for a past period use this, so work counts for whoever was assigned then.
    """
    return select(Assignment).where(
        Assignment.start_date <= day,
        or_(Assignment.end_date.is_(None), Assignment.end_date > day),
    )


def history_of(session: Session, cooperative_id: int):
    """Every assignment of a cooperative with officer names, current ones first."""
    officer, by = aliased(User), aliased(User)
    return session.execute(
        select(
            Assignment,
            officer.full_name.label("officer_name"),
            by.full_name.label("assigned_by_name"),
        )
        .join(officer, officer.id == Assignment.officer_id)
        .outerjoin(by, by.id == Assignment.assigned_by_id)
        .where(Assignment.cooperative_id == cooperative_id)
        .order_by(Assignment.end_date.is_not(None), Assignment.start_date.desc(), Assignment.id)
    ).all()


def fieldwork_context(session: Session, user, cooperative) -> dict:
    """What the cooperative page's field-work section lists (two queries)."""
    supervisor = has_permission(user, Permission.VIEW_ALL_COOPERATIVES)
    return {
        "assignments": history_of(session, cooperative.id),
        "visits": visits_of_cooperative(session, cooperative.id, include_removed=supervisor),
    }
