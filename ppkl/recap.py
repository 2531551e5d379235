"""The office's recap (Capaian Koperasi): the one definition used by pages, PDFs, CLI and exports.

Aktif = active cooperatives; Tidak Aktif = inactive ones; Total = both;
Bersertifikat NIK = active cooperatives that hold a NIK;
Progres = active cooperatives in rat_held, report_received or ods_entered;
Presentase = Bersertifikat NIK / Aktif x 100, rounded half up to two decimals (0 when Aktif is 0).

The recap as of a past day (`recap_as_of`) applies the same definitions to the stage and
active status each cooperative had at the end of that day in the office time zone, read from
the append-only history. The time that counts is when a change was RECORDED
(`cooperative_history.created_at`), not the evidence's effective date: a recap printed for a
day never changes afterwards, and it equals what the dashboard showed at the end of that day.
The demo history records every move on its effective date, so both readings agree there.

The recap at several days at once (`recap_series`, the progress charts' month ends) applies the
same rule in one query: the history becomes each cooperative's states over time, as intervals
(`state_timeline`), and each day picks the interval it falls in.

A recap covers the regencies a condition on Regency selects (an account's scope, from
ppkl.coverage): one row per regency, or with `by_province` one row per province (the national
recap); the total is the sum of the rows either way.

The same definitions, for readers: docs/recap.md.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    Select,
    Subquery,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from ppkl.clock import office_day_end
from ppkl.models import Cooperative, CooperativeHistory, Province, Regency
from ppkl.workflow import IN_PROGRESS_STAGES, STAGE_ORDER, Stage

TOTAL_LABEL = "TOTAL"
CSV_HEADER = ("regency", "active", "inactive", "total", "certified", "in_progress", "percentage")


def percentage(certified: int, active: int) -> Decimal:
    if not active:
        return Decimal("0.00")
    return (Decimal(certified) * 100 / Decimal(active)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class RecapRow:
    regency: str
    active: int
    inactive: int
    certified: int
    in_progress: int

    @property
    def total(self) -> int:
        return self.active + self.inactive

    @property
    def percentage(self) -> Decimal:
        return percentage(self.certified, self.active)

    def as_csv_row(self) -> tuple[str, ...]:
        return (
            self.regency,
            str(self.active),
            str(self.inactive),
            str(self.total),
            str(self.certified),
            str(self.in_progress),
            f"{self.percentage:.2f}",
        )


@dataclass(frozen=True)
class Recap:
    rows: list[RecapRow]
    total: RecapRow

    def csv_rows(self) -> list[tuple[str, ...]]:
        return [CSV_HEADER, *(row.as_csv_row() for row in self.rows), self.total.as_csv_row()]


def assemble(rows: Iterable[RecapRow]) -> Recap:
    """Sort by regency name and add the province total."""
    ordered = sorted(rows, key=lambda r: r.regency)
    total = RecapRow(
        TOTAL_LABEL,
        sum(r.active for r in ordered),
        sum(r.inactive for r in ordered),
        sum(r.certified for r in ordered),
        sum(r.in_progress for r in ordered),
    )
    return Recap(ordered, total)


def _grouped(counts, regencies: ColumnElement[bool] | None, by_province: bool):
    """SELECT label, counts... FROM Regency (or Province then Regency), grouped per row."""
    if by_province:
        return (
            select(Province.name, *counts)
            .select_from(Province)
            .join(Regency, Regency.province_id == Province.id)
            .where(regencies if regencies is not None else true())
            .group_by(Province.id, Province.name)
        )
    return (
        select(Regency.name, *counts)
        .select_from(Regency)
        .where(regencies if regencies is not None else true())
        .group_by(Regency.id, Regency.name)
    )


def current_recap(
    session: Session, regencies: ColumnElement[bool] | None = None, by_province: bool = False
) -> Recap:
    """Today's recap in one aggregate query, whatever the number of cooperatives."""
    active = Cooperative.active.is_(True)
    counts = (
        func.count(case((active, 1))),
        func.count(case((Cooperative.active.is_(False), 1))),
        func.count(case((active & Cooperative.nik.is_not(None), 1))),
        func.count(case((active & Cooperative.stage.in_(list(IN_PROGRESS_STAGES)), 1))),
    )
    stmt = _grouped(counts, regencies, by_province).outerjoin(
        Cooperative, Cooperative.regency_id == Regency.id
    )
    return assemble(RecapRow(*row) for row in session.execute(stmt))


# StateAsOf and the timeline pack a history row's rank and a stage or status code into one
# integer that sorts by rank (rank * SLOT + code), so MAX or MIN (over a window or a group) finds
# the last or first non-null value: SQLite has no IGNORE NULLS. Codes start at 1; 0 is unused.
SLOT = 8
STAGE_CODES = {stage.value: index for index, stage in enumerate(STAGE_ORDER, start=1)}
ACTIVE_CODES = {True: 2, False: 1}


def _stage_code(column):
    return case(STAGE_CODES, value=column)


def _active_code(column):
    return case((column.is_(True), ACTIVE_CODES[True]), (column.is_(False), ACTIVE_CODES[False]))


REGENCY_IDS = bindparam("regency_ids", expanding=True)


@dataclass(frozen=True)
class StateAsOf:
    """Each cooperative's stage and active status at `cutoff`: the last recorded change before
    it; else the state the first later change started from; else (no history) the current value.

    One pass over the history (a window numbering each cooperative's rows in recorded order,
    then one aggregate per cooperative), not a lookup per cooperative: at national size the
    history is read once, in the order of its (cooperative_id, created_at, id) index.
    A statement outer-joins `changes` (see `join`) and reads `stage` and `active` (1 or 0).
    """

    changes: Subquery

    @classmethod
    def at(cls, cutoff: datetime, cooperative_ids=None) -> "StateAsOf":
        h = CooperativeHistory
        rows = select(
            h.cooperative_id,
            h.created_at,
            (
                func.row_number().over(partition_by=h.cooperative_id, order_by=(h.created_at, h.id))
                * SLOT
            ).label("rank"),
            _stage_code(h.to_stage).label("to_stage"),
            _stage_code(h.from_stage).label("from_stage"),
            _active_code(h.to_active).label("to_active"),
            _active_code(h.from_active).label("from_active"),
        )
        if cooperative_ids is not None:
            rows = rows.where(h.cooperative_id.in_(cooperative_ids))
        r = rows.subquery("ranked_history")
        before, after = r.c.created_at < cutoff, r.c.created_at >= cutoff
        # A NULL code (the row says nothing of it) makes the sum NULL, which MAX and MIN skip.
        changes = (
            select(
                r.c.cooperative_id,
                func.max(case((before, r.c.rank + r.c.to_stage))).label("stage_before"),
                func.min(case((after, r.c.rank + r.c.from_stage))).label("stage_after"),
                func.max(case((before, r.c.rank + r.c.to_active))).label("active_before"),
                func.min(case((after, r.c.rank + r.c.from_active))).label("active_after"),
            )
            .group_by(r.c.cooperative_id)
            .subquery("state_changes")
        )
        return cls(changes)

    def join(self, stmt: Select) -> Select:
        return stmt.outerjoin(self.changes, self.changes.c.cooperative_id == Cooperative.id)

    @property
    def stage(self):
        c = self.changes.c
        code = func.coalesce(c.stage_before, c.stage_after) % SLOT
        named = case({code_: stage for stage, code_ in STAGE_CODES.items()}, value=code)
        return func.coalesce(named, Cooperative.stage)

    @property
    def active(self):
        """1 or 0 (SQLite has no boolean to compare with)."""
        c = self.changes.c
        code = func.coalesce(c.active_before, c.active_after) % SLOT
        return case(
            (code == ACTIVE_CODES[True], 1),
            (code == ACTIVE_CODES[False], 0),
            else_=case((Cooperative.active, 1), else_=0),
        )


def recap_as_of(
    session: Session,
    day: date,
    tz: ZoneInfo | None = None,
    regencies: ColumnElement[bool] | None = None,
    by_province: bool = False,
) -> Recap:
    """The recap as it stood at the end of `day` (office time zone), in one query."""
    cutoff = office_day_end(day, tz)
    as_of = StateAsOf.at(cutoff)
    state = (
        as_of.join(
            select(
                Cooperative.regency_id.label("regency_id"),
                as_of.stage.label("stage"),
                as_of.active.label("active"),
            )
        )
        .where(Cooperative.created_at < cutoff)
        .subquery()
    )
    is_active = state.c.active == 1
    counts = (
        func.count(case((is_active, 1))),
        func.count(case((state.c.active == 0, 1))),
        func.count(case((is_active & (state.c.stage == Stage.CERTIFIED.value), 1))),
        func.count(case((is_active & state.c.stage.in_(list(IN_PROGRESS_STAGES)), 1))),
    )
    stmt = _grouped(counts, regencies, by_province).outerjoin(
        state, state.c.regency_id == Regency.id
    )
    return assemble(RecapRow(*row) for row in session.execute(stmt))


@cache  # the construct never changes; building it costs more than running the query
def state_timeline(scoped: bool = False):
    """Each cooperative's recorded states as intervals: rows (cooperative_id, valid_from,
    valid_to, stage, active) where the state holds for a cut-off in (valid_from, valid_to], a
    NULL bound being open. It is the as-of rule of `StateAsOf` over all cut-offs at once:
    after each history row, the last stage recorded so far, else the state the next change
    started from; before the first row, the state the first change started from. stage and
    active are codes (STAGE_CODES, ACTIVE_CODES), NULL where the history says nothing (the
    cooperative's present value counts). A cooperative without history has one row, open at
    both ends. `scoped`: only the cooperatives of the regencies in the `regency_ids` parameter,
    so a province reads its own history only."""
    h = CooperativeHistory
    in_scope = Cooperative.regency_id.in_(REGENCY_IDS) if scoped else true()
    ranked = select(
        h.cooperative_id,
        h.created_at,
        (
            func.row_number().over(partition_by=h.cooperative_id, order_by=(h.created_at, h.id))
            * SLOT
        ).label("rank"),
        _stage_code(h.to_stage).label("to_stage"),
        _stage_code(h.from_stage).label("from_stage"),
        _active_code(h.to_active).label("to_active"),
        _active_code(h.from_active).label("from_active"),
    )
    if scoped:
        ranked = ranked.where(h.cooperative_id.in_(select(Cooperative.id).where(in_scope)))
    ranked = ranked.subquery()
    r = ranked.c
    upto = {"partition_by": r.cooperative_id, "order_by": r.rank, "rows": (None, 0)}
    after = {"partition_by": r.cooperative_id, "order_by": r.rank, "rows": (1, None)}
    windows = select(
        r.cooperative_id,
        r.rank,
        r.created_at,
        (r.rank + r.from_stage).label("stage_here"),
        (r.rank + r.from_active).label("active_here"),
        # lead ignores the frame; the same window as "after" lets one pass serve both
        func.lead(r.created_at).over(**after).label("next_at"),
        func.max(r.rank + r.to_stage).over(**upto).label("stage_upto"),
        func.max(r.rank + r.to_active).over(**upto).label("active_upto"),
        func.min(r.rank + r.from_stage).over(**after).label("stage_after"),
        func.min(r.rank + r.from_active).over(**after).label("active_after"),
    ).cte("windows")
    w = windows.c
    after_each_row = select(
        w.cooperative_id,
        w.created_at.label("valid_from"),
        w.next_at.label("valid_to"),
        (func.coalesce(w.stage_upto, w.stage_after) % SLOT).label("stage"),
        (func.coalesce(w.active_upto, w.active_after) % SLOT).label("active"),
    )
    before_first_row = select(
        w.cooperative_id,
        cast(null(), DateTime),
        w.created_at,
        func.coalesce(w.stage_here, w.stage_after) % SLOT,
        func.coalesce(w.active_here, w.active_after) % SLOT,
    ).where(w.rank == SLOT)
    without_history = select(
        Cooperative.id,
        cast(null(), DateTime),
        cast(null(), DateTime),
        cast(null(), Integer),
        cast(null(), Integer),
    ).where(in_scope, ~select(h.id).where(h.cooperative_id == Cooperative.id).exists())
    return after_each_row.union_all(before_first_row, without_history).subquery("timeline")


def recap_series(
    session: Session,
    days: Sequence[date],
    tz: ZoneInfo | None = None,
    regency_ids: Iterable[int] | None = None,
) -> dict[date, Recap]:
    """The recap as it stood at the end of each day (as `recap_as_of` has it), in one query
    whatever the number of days; `regency_ids` limits the regencies (all when None).

    Each interval of `state_timeline` counts for the days whose cut-off falls in it, from when
    both it and its cooperative exist (`start`) to its end. Rather than pairing every interval
    with every day, each start adds one and each end takes one away in the bucket of the first
    day it precedes; the running sum of the buckets, day by day, is the recap."""
    days = sorted(days)
    if not days:
        return {}
    scoped = regency_ids is not None
    t = state_timeline(scoped)
    cutoffs = [office_day_end(day, tz) for day in days]

    def bucket(moment):
        """The first day whose cut-off is after `moment`; len(days) when none (or NULL)."""
        return case(*((moment < cutoff, i) for i, cutoff in enumerate(cutoffs)), else_=len(days))

    created = Cooperative.created_at
    start = case(
        (or_(t.c.valid_from.is_(None), t.c.valid_from < created), created), else_=t.c.valid_from
    )
    active = func.coalesce(
        t.c.active,
        case((Cooperative.active.is_(True), ACTIVE_CODES[True]), else_=ACTIVE_CODES[False]),
    )
    stage = func.coalesce(t.c.stage, _stage_code(Cooperative.stage))
    is_active = active == ACTIVE_CODES[True]
    counted = (
        is_active,
        active == ACTIVE_CODES[False],
        is_active & (stage == STAGE_CODES[Stage.CERTIFIED.value]),
        is_active & stage.in_([STAGE_CODES[s.value] for s in IN_PROGRESS_STAGES]),
    )
    flags = [case((condition, 1), else_=0).label(f"n{i}") for i, condition in enumerate(counted)]
    intervals = (
        select(
            Cooperative.regency_id, start.label("start_at"), t.c.valid_to.label("end_at"), *flags
        )
        .select_from(t)
        .join(Cooperative, Cooperative.id == t.c.cooperative_id)
        .where(
            or_(t.c.valid_to.is_(None), start < t.c.valid_to),
            Cooperative.regency_id.in_(REGENCY_IDS) if scoped else true(),
        )
        .subquery()
    )
    i = intervals.c
    names = ("n0", "n1", "n2", "n3")
    starts = select(i.regency_id, bucket(i.start_at), *(i[n] for n in names))
    ends = select(i.regency_id, bucket(i.end_at), *(-i[n] for n in names)).where(
        i.end_at.is_not(None)
    )
    # A row per regency past the last day, so a regency without cooperatives shows zeros.
    regencies = select(Regency.id, literal(len(days)), *(literal(0) for _ in names))
    if scoped:
        regencies = regencies.where(Regency.id.in_(REGENCY_IDS))
    deltas = union_all(starts, ends, regencies).subquery("deltas")
    d = deltas.c
    stmt = (
        select(Regency.name, d[1], *(func.sum(d[k]) for k in range(2, 6)))
        .join(Regency, Regency.id == d[0])
        .group_by(Regency.id, Regency.name, d[1])
    )
    params = {"regency_ids": list(regency_ids)} if scoped else {}
    changes: dict[str, dict[int, tuple[int, ...]]] = {}
    for name, index, *sums in session.execute(stmt, params):
        changes.setdefault(name, {})[index] = tuple(int(n) for n in sums)
    recaps = {}
    totals = {name: (0, 0, 0, 0) for name in changes}
    for index, day in enumerate(days):
        for name, by_index in changes.items():
            step = by_index.get(index, (0, 0, 0, 0))
            totals[name] = tuple(a + b for a, b in zip(totals[name], step, strict=True))
        recaps[day] = assemble(RecapRow(name, *totals[name]) for name in changes)
    return recaps


def recap_of(session: Session, shown, as_of: date | None = None) -> Recap:
    """Today's recap (as_of None) or as of a day, for a ppkl.coverage.RecapScope."""
    if as_of is None:
        return current_recap(session, shown.regencies, shown.by_province)
    return recap_as_of(session, as_of, None, shown.regencies, shown.by_province)
