"""The officers' roster with their workload, in one aggregate query."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select

from ppkl.cooperatives.queries import person_matches
from ppkl.coverage import user_scope
from ppkl.inputs import db_int
from ppkl.models import Assignment, CooperativeHistory, User, Visit
from ppkl.models.history import HistoryKind
from ppkl.models.user import OFFICER_ROLES


@dataclass(frozen=True)
class RosterFilter:
    role: str | None = None
    regency_id: int | None = None
    active: bool | None = True
    q: str = ""

    @classmethod
    def from_args(cls, args) -> "RosterFilter":
        role = args.get("role") or None
        return cls(
            role=role if role in {r.value for r in OFFICER_ROLES} else None,
            regency_id=args.get("regency", type=db_int),
            active={"1": True, "0": False, "": None}.get(args.get("active", "1"), True),
            q=args.get("q", "").strip()[:100],
        )


def roster(flt: RosterFilter, today: date, within) -> Select:
    """Officers within the account's scope with assigned cooperatives, visits and stage moves
    this month, last visit (the view pages it)."""
    month_start = today.replace(day=1)
    # Each figure is a subquery on the row's officer, read through the officer's own indexes,
    # so the database works out only the page's officers; grouping every visit of the nation
    # by officer for a page of twenty took a quarter of a second.
    kept = (Visit.officer_id == User.id) & Visit.deleted_at.is_(None)
    assigned = (
        select(func.count())
        .where(Assignment.officer_id == User.id, Assignment.end_date.is_(None))
        .scalar_subquery()
    )
    visits_month = (
        select(func.count())
        .where(kept, Visit.visited_on >= month_start, Visit.visited_on <= today)
        .scalar_subquery()
    )
    last_visit_on = select(func.max(Visit.visited_on)).where(kept).scalar_subquery()
    moves_month = (
        select(func.count())
        .where(
            CooperativeHistory.user_id == User.id,
            CooperativeHistory.kind == HistoryKind.MOVE.value,
            CooperativeHistory.effective_date >= month_start,
            CooperativeHistory.effective_date <= today,
        )
        .scalar_subquery()
    )
    stmt = select(
        User,
        assigned.label("assigned"),
        visits_month.label("visits_month"),
        moves_month.label("moves_month"),
        last_visit_on.label("last_visit_on"),
    ).where(User.role.in_([r.value for r in OFFICER_ROLES]), user_scope(within))
    if flt.role:
        stmt = stmt.where(User.role == flt.role)
    if flt.regency_id:
        stmt = stmt.where(User.regency_id == flt.regency_id)
    if flt.active is not None:
        stmt = stmt.where(User.active.is_(flt.active))
    return stmt.where(person_matches(flt.q)).order_by(User.role.desc(), User.username)
