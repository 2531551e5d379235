"""Which cooperatives an officer covers: their current assignments.

Until the office has recorded any current assignment, officers cover the cooperatives of their
home regency (a fresh installation stays usable); from the first assignment on, only their own.
"""

from sqlalchemy import ColumnElement, and_, exists, false, or_, select

from ppkl.extensions import db
from ppkl.models import Assignment, Cooperative


def current_assignment_of(officer_id: int):
    """Cooperative ids currently assigned to the officer, as a subquery."""
    return select(Assignment.cooperative_id).where(
        Assignment.officer_id == officer_id, Assignment.end_date.is_(None)
    )


def officer_scope(user) -> ColumnElement[bool]:
    """SQL condition on Cooperative: the cooperatives this officer covers."""
    any_current = exists().where(Assignment.end_date.is_(None))
    home = Cooperative.regency_id == user.regency_id if user.regency_id else false()
    return or_(Cooperative.id.in_(current_assignment_of(user.id)), and_(~any_current, home))


def officer_covers(user, cooperative) -> bool:
    """The single-cooperative form of officer_scope (one query)."""
    found = db.session.scalar(
        select(Cooperative.id).where(Cooperative.id == cooperative.id, officer_scope(user))
    )
    return found is not None
