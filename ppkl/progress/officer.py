"""An officer's own months: visits, stage moves and certificates per month of the year, in one
query whatever the number of months.

The same definitions as the officer report (ppkl/reports/officer.py reads the conditions here):
- visits: the officer's visits dated in the month (the visit date), removed visits left out;
- stage moves: history rows of kind "move" recorded by the officer during the month's office
  days (office time zone), whatever the stage reached;
- certificates: those of the moves that reached "certified".
"""

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from ppkl.clock import office_day_end, office_day_start
from ppkl.models import CooperativeHistory, Visit
from ppkl.models.history import HistoryKind
from ppkl.models.user import OFFICER_ROLES
from ppkl.progress.pace import FIRST_YEAR, month_end
from ppkl.workflow import Stage


def own_visits(officer_id: int):
    """The officer's visits that count (removed ones do not)."""
    return (Visit.officer_id == officer_id) & Visit.deleted_at.is_(None)


def own_moves(officer_id: int):
    """The stage moves the officer recorded."""
    return (CooperativeHistory.kind == HistoryKind.MOVE) & (
        CooperativeHistory.user_id == officer_id
    )


@dataclass(frozen=True)
class OfficerMonth:
    day: date  # the month's last day counted: its end, or the last day shown
    visits: int
    moves: int
    certificates: int


def month_bounds(last_day: date) -> list[tuple[date, date]]:
    """January to `last_day`'s month: (first day, last day counted) of each."""
    return [
        (date(last_day.year, m, 1), min(month_end(last_day.year, m), last_day))
        for m in range(1, last_day.month + 1)
    ]


def officer_months(
    session: Session, officer_id: int, last_day: date, tz: ZoneInfo | None = None
) -> list[OfficerMonth]:
    """Each month of `last_day`'s year up to `last_day`, in one query."""
    bounds = month_bounds(last_day)
    months = union_all(
        *(
            select(
                literal(index, Integer).label("idx"),
                literal(first, Date).label("first_day"),
                literal(last, Date).label("last_day"),
                literal(office_day_start(first, tz), DateTime).label("start_at"),
                literal(office_day_end(last, tz), DateTime).label("end_at"),
            )
            for index, (first, last) in enumerate(bounds)
        )
    ).cte("months")
    start, end = bounds[0][0], last_day
    visits = select(
        literal("visit", String).label("kind"),
        Visit.visited_on.label("on_day"),
        cast(null(), DateTime).label("at"),
        cast(null(), String).label("to_stage"),
    ).where(own_visits(officer_id), Visit.visited_on.between(start, end))
    moves = select(
        literal("move", String),
        cast(null(), Date),
        CooperativeHistory.created_at,
        CooperativeHistory.to_stage,
    ).where(
        own_moves(officer_id),
        CooperativeHistory.created_at >= office_day_start(start, tz),
        CooperativeHistory.created_at < office_day_end(end, tz),
    )
    events = union_all(visits, moves).subquery("events")
    e, m = events.c, months.c
    in_month = or_(
        and_(e.on_day >= m.first_day, e.on_day <= m.last_day),
        and_(e.at >= m.start_at, e.at < m.end_at),
    )
    is_move = e.kind == "move"
    stmt = (
        select(
            m.idx,
            func.count(case((e.kind == "visit", 1))),
            func.count(case((is_move, 1))),
            func.count(case((is_move & (e.to_stage == Stage.CERTIFIED.value), 1))),
        )
        .select_from(months)
        .outerjoin(events, in_month)
        .group_by(m.idx)
        .order_by(m.idx)
    )
    return [
        OfficerMonth(bounds[idx][1], visits, moves, certificates)
        for idx, visits, moves, certificates in session.execute(stmt)
    ]


def own_months(session: Session, user, day: date) -> list[OfficerMonth] | None:
    """The signed-in user's own months for the dashboard; None for anyone but an officer."""
    if getattr(user, "role", None) not in OFFICER_ROLES or day.year < FIRST_YEAR:
        return None
    return officer_months(session, user.id, day)
