"""Which cooperatives an officer covers: their current assignments.

Until the office has recorded any current assignment, officers cover the cooperatives of their
home regency (a fresh installation stays usable); from the first assignment on, only their own.

The coverage is resolved first, in one small query (`resolve`), into the officer's cooperative
ids or their home regency; lists then filter on those ids or that regency. A condition of the
form "assigned to them, or no assignment anywhere and in their regency" made every officer query
scan all cooperatives at national size.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, false, null, select, union_all

from ppkl.extensions import db
from ppkl.models import Assignment, Cooperative


def current_assignment_of(officer_id: int):
    """Cooperative ids currently assigned to the officer, as a subquery."""
    return select(Assignment.cooperative_id).where(
        Assignment.officer_id == officer_id, Assignment.end_date.is_(None)
    )


@dataclass(frozen=True)
class Coverage:
    """An officer's coverage, resolved: the ids of their current assignments, or, while no
    current assignment exists anywhere, their home regency (`by_regency`)."""

    ids: frozenset[int]
    by_regency: bool
    regency_id: int | None

    def condition(self) -> ColumnElement[bool]:
        """SQL condition on Cooperative."""
        if self.by_regency:
            return Cooperative.regency_id == self.regency_id if self.regency_id else false()
        return Cooperative.id.in_(sorted(self.ids)) if self.ids else false()

    def covers(self, cooperative) -> bool:
        if self.by_regency:
            return self.regency_id is not None and cooperative.regency_id == self.regency_id
        return cooperative.id in self.ids


def resolve(user) -> Coverage:
    """The officer's coverage in one query: their current assignments, and a NULL row when the
    office has no current assignment at all."""
    nothing_assigned = select(null()).where(~exists().where(Assignment.end_date.is_(None)))
    rows = db.session.scalars(union_all(current_assignment_of(user.id), nothing_assigned)).all()
    ids = frozenset(row for row in rows if row is not None)
    return Coverage(ids, None in rows, user.regency_id)


def officer_scope(user) -> ColumnElement[bool]:
    """SQL condition on Cooperative: the cooperatives this officer covers."""
    return resolve(user).condition()


def officer_covers(user, cooperative) -> bool:
    """The single-cooperative form of officer_scope (one query)."""
    return resolve(user).covers(cooperative)
