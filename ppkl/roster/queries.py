"""The officers' roster with their workload, in one aggregate query."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func, select

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
    assigned = (
        select(Assignment.officer_id, func.count().label("assigned"))
        .where(Assignment.end_date.is_(None))
        .group_by(Assignment.officer_id)
        .subquery()
    )
    in_month = (Visit.visited_on >= month_start) & (Visit.visited_on <= today)
    visits = (
        select(
            Visit.officer_id,
            func.sum(case((in_month, 1), else_=0)).label("visits_month"),
            func.max(Visit.visited_on).label("last_visit_on"),
        )
        .where(Visit.deleted_at.is_(None))
        .group_by(Visit.officer_id)
        .subquery()
    )
    moves = (
        select(CooperativeHistory.user_id, func.count().label("moves_month"))
        .where(
            CooperativeHistory.kind == HistoryKind.MOVE.value,
            CooperativeHistory.effective_date >= month_start,
            CooperativeHistory.effective_date <= today,
        )
        .group_by(CooperativeHistory.user_id)
        .subquery()
    )
    stmt = (
        select(
            User,
            func.coalesce(assigned.c.assigned, 0).label("assigned"),
            func.coalesce(visits.c.visits_month, 0).label("visits_month"),
            func.coalesce(moves.c.moves_month, 0).label("moves_month"),
            visits.c.last_visit_on,
        )
        .outerjoin(assigned, assigned.c.officer_id == User.id)
        .outerjoin(visits, visits.c.officer_id == User.id)
        .outerjoin(moves, moves.c.user_id == User.id)
        .where(User.role.in_([r.value for r in OFFICER_ROLES]), user_scope(within))
    )
    if flt.role:
        stmt = stmt.where(User.role == flt.role)
    if flt.regency_id:
        stmt = stmt.where(User.regency_id == flt.regency_id)
    if flt.active is not None:
        stmt = stmt.where(User.active.is_(flt.active))
    return stmt.where(person_matches(flt.q)).order_by(User.role.desc(), User.username)
