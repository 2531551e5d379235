"""The recap at past days (the as-of recap, the progress charts' series): stored month ends
plus the changes since.

The as-of rule (ppkl.recap) reads each cooperative's history up to a cut-off. A recap at a
cut-off that has passed does not change afterwards: the history is append-only and every row
is recorded when it is written. So each regency's recap at each closed month end is stored
(`recap_month_end`), and the recap at any cut-off C is the stored one at a stored cut-off
S <= C plus, for the cooperatives whose history has a row in [S, C) or that were registered
then, their counts at C minus their counts at S. Every other cooperative is the same at S and
at C. Without stored month ends the answer is the same, read from the whole history.

The stored rows are kept by
- `store_month_ends`: the first change of a cooperative after a month end has settled (an
  hour after it, longer than any transaction that began before it) stores the month ends
  since the last one stored, in that change's transaction (services call it through
  ppkl.cooperatives.facts.refresh_facts); `rebuild-derived` recomputes them all;
- `restate_regencies`: the recap counts a cooperative in its present regency, so moving one
  to another regency changes the past of both; the service that moves it recomputes the two
  regencies' stored rows.
"""

import calendar
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from ppkl.clock import office_date, office_day_end, utcnow
from ppkl.models import Cooperative, Province, RecapMonthEnd, Regency
from ppkl.recap import (
    ALL,
    CHANGED,
    REGENCIES,
    ZERO,
    Counts,
    Recap,
    RecapRow,
    add,
    assemble,
    current_recap,
    regency_counts,
)

# How long after a month end its recap is stored: any transaction that wrote history before
# the cut-off has committed by then.
SETTLE = timedelta(hours=1)
FIELDS = ("active", "inactive", "certified", "in_progress")
COLUMNS = (
    RecapMonthEnd.cutoff,
    RecapMonthEnd.regency_id,
    *(getattr(RecapMonthEnd, field) for field in FIELDS),
)


def recap_of(session: Session, shown, as_of: date | None = None) -> Recap:
    """Today's recap (as_of None) or as of a day, for a ppkl.coverage.RecapScope."""
    if as_of is None:
        return current_recap(session, shown.regencies, shown.by_province)
    return recap_as_of(session, as_of, None, shown.regencies, shown.by_province)


def recap_as_of(
    session: Session,
    day: date,
    tz: ZoneInfo | None = None,
    regencies: ColumnElement[bool] | None = None,
    by_province: bool = False,
) -> Recap:
    """The recap as it stood at the end of `day` (office time zone)."""
    return recap_series(session, [day], tz, regencies, by_province)[day]


def recap_series(
    session: Session,
    days: Sequence[date],
    tz: ZoneInfo | None = None,
    regencies: ColumnElement[bool] | None = None,
    by_province: bool = False,
) -> dict[date, Recap]:
    """The recap at the end of each day, one row per regency that `regencies` selects (all
    when None), or per province with `by_province`; three queries whatever the number of
    days."""
    days = sorted(set(days))
    if not days:
        return {}
    counts = counts_at(session, [office_day_end(day, tz) for day in days])
    areas = list(session.execute(_areas(regencies, by_province)))
    return {day: _recap(areas, counted) for day, counted in zip(days, counts, strict=True)}


def _areas(regencies: ColumnElement[bool] | None, by_province: bool):
    """(regency id, row key, row label) of each regency in scope."""
    key, label = (Province.id, Province.name) if by_province else (Regency.id, Regency.name)
    stmt = select(Regency.id, key, label).join(Province, Province.id == Regency.province_id)
    return stmt.where(regencies) if regencies is not None else stmt


def _recap(areas, counts: dict[int, Counts]) -> Recap:
    rows: dict[int, tuple[str, Counts]] = {}
    for regency_id, key, label in areas:
        _, sums = rows.get(key, (label, ZERO))
        rows[key] = (label, add(sums, counts.get(regency_id, ZERO)))
    return assemble(RecapRow(label, *sums) for label, sums in rows.values())


def counts_at(session: Session, cutoffs: Sequence[datetime]) -> list[dict[int, Counts]]:
    """The counts per regency id at each cut-off (ascending): stored where stored, else the
    stored ones at an earlier stored cut-off plus the changes since (two queries)."""
    first = cutoffs[0]
    latest_before = (
        select(func.max(RecapMonthEnd.cutoff))
        .where(RecapMonthEnd.cutoff <= first)
        .scalar_subquery()
    )
    stored: dict[datetime, dict[int, Counts]] = {}
    rows = session.execute(
        select(*COLUMNS).where(
            or_(RecapMonthEnd.cutoff.in_(cutoffs), RecapMonthEnd.cutoff == latest_before)
        )
    )
    for cutoff, regency_id, *counts in rows:  # plain rows: thousands of them at national size
        stored.setdefault(cutoff, {})[regency_id] = tuple(counts)
    missing = [cutoff for cutoff in cutoffs if cutoff not in stored]
    if missing:
        stored.update(_computed(session, missing, stored))
    return [stored[cutoff] for cutoff in cutoffs]


def _computed(
    session: Session, missing: list[datetime], stored: dict[datetime, dict[int, Counts]]
) -> dict[datetime, dict[int, Counts]]:
    bases = [cutoff for cutoff in stored if cutoff <= missing[0]]
    if not bases:
        return dict(zip(missing, regency_counts(session, missing, ALL), strict=True))
    base = max(bases)
    at_base, *later = regency_counts(
        session, [base, *missing], CHANGED, since=base, until=missing[-1]
    )
    result = {}
    for cutoff, changed in zip(missing, later, strict=True):
        counts = dict(stored[base])
        for regency_id in changed.keys() | at_base.keys():
            counts[regency_id] = add(
                add(counts.get(regency_id, ZERO), changed.get(regency_id, ZERO)),
                at_base.get(regency_id, ZERO),
                -1,
            )
        result[cutoff] = {r: c for r, c in counts.items() if c != ZERO}
    return result


def _month_end_after(day: date) -> date:
    """The end of the month after `day`'s month."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_end_before(day: date) -> date:
    """The end of the month before `day`'s month."""
    return date(day.year, day.month, 1) - timedelta(days=1)


def _write(session: Session, cutoffs: Sequence[datetime], counts: Iterable[dict[int, Counts]]):
    rows = [
        {"cutoff": cutoff, "regency_id": regency_id, **dict(zip(FIELDS, sums, strict=True))}
        for cutoff, by_regency in zip(cutoffs, counts, strict=True)
        for regency_id, sums in by_regency.items()
    ]
    if rows:
        session.execute(insert(RecapMonthEnd), rows)


def store_month_ends(
    session: Session, now: datetime | None = None, tz: ZoneInfo | None = None
) -> int:
    """Store the recap at each settled month end after the last one stored (from the month
    the first cooperative was registered); how many month ends were stored."""
    settled = _month_end_before(office_date((now or utcnow()) - SETTLE, tz))
    last = session.scalar(select(func.max(RecapMonthEnd.cutoff)))
    if last is not None:
        first = _month_end_after(office_date(last - timedelta(seconds=1), tz))
    else:
        registered = session.scalar(select(func.min(Cooperative.created_at)))
        if registered is None:
            return 0
        first = _month_end_after(_month_end_before(office_date(registered, tz)))
    days = []
    while first <= settled:
        days.append(first)
        first = _month_end_after(first)
    if not days:
        return 0
    cutoffs = [office_day_end(day, tz) for day in days]
    _write(session, cutoffs, counts_at(session, cutoffs))
    return len(days)


def stored_cutoffs(session: Session) -> list[datetime]:
    """The cut-offs that have stored month ends, oldest first."""
    stmt = select(RecapMonthEnd.cutoff).distinct().order_by(RecapMonthEnd.cutoff)
    return list(session.scalars(stmt))


def restate_regencies(session: Session, regency_ids: Iterable[int]) -> None:
    """Recompute the stored month ends of these regencies (a cooperative moved between them)."""
    ids = sorted(set(regency_ids))
    if not ids:
        return  # an import that moved nothing between regencies
    cutoffs = stored_cutoffs(session)
    if not cutoffs:
        return
    session.flush()
    session.execute(delete(RecapMonthEnd).where(RecapMonthEnd.regency_id.in_(ids)))
    _write(session, cutoffs, regency_counts(session, cutoffs, REGENCIES, regency_ids=ids))


def rebuild_month_ends(session: Session, tz: ZoneInfo | None = None) -> int:
    """Forget every stored month end and store them again from the whole history."""
    session.execute(delete(RecapMonthEnd))
    return store_month_ends(session, tz=tz)


def month_end_differences(session: Session) -> list[tuple[datetime, int]]:
    """(cut-off, regency id) of each stored month end that differs from the whole history."""
    cutoffs = stored_cutoffs(session)
    if not cutoffs:
        return []
    stored: dict[datetime, dict[int, Counts]] = {cutoff: {} for cutoff in cutoffs}
    for cutoff, regency_id, *counts in session.execute(select(*COLUMNS)):
        stored[cutoff][regency_id] = tuple(counts)
    found = []
    for cutoff, computed in zip(cutoffs, regency_counts(session, cutoffs, ALL), strict=True):
        for regency_id in stored[cutoff].keys() | computed.keys():
            if stored[cutoff].get(regency_id) != computed.get(regency_id):
                found.append((cutoff, regency_id))
    return found
