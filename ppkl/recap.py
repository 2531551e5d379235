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
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

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
    null,
    or_,
    select,
    true,
    union,
    union_all,
)
from sqlalchemy.orm import Session

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
    """Today's recap in one query, whatever the number of cooperatives: counted per regency in
    one pass over the register (no join, which at national size costs more than the count),
    then summed per row."""
    active = Cooperative.active.is_(True)
    per_regency = select(
        Cooperative.regency_id,
        func.count(case((active, 1))).label("active"),
        func.count(case((Cooperative.active.is_(False), 1))).label("inactive"),
        func.count(case((active & Cooperative.nik.is_not(None), 1))).label("certified"),
        func.count(case((active & Cooperative.stage.in_(list(IN_PROGRESS_STAGES)), 1))).label(
            "in_progress"
        ),
    ).group_by(Cooperative.regency_id)
    if regencies is not None:
        per_regency = per_regency.where(
            Cooperative.regency_id.in_(select(Regency.id).where(regencies))
        )
    counted = per_regency.subquery("per_regency")
    sums = [
        func.coalesce(func.sum(counted.c[name]), 0)
        for name in ("active", "inactive", "certified", "in_progress")
    ]
    stmt = _grouped(sums, regencies, by_province).outerjoin(
        counted, counted.c.regency_id == Regency.id
    )
    return assemble(
        RecapRow(label, *(int(n) for n in numbers)) for label, *numbers in session.execute(stmt)
    )


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


def ranked_history(cooperative_ids=None) -> Select:
    """The history rows (of these cooperatives, when given) with each one's rank in its
    cooperative's recorded order (created_at, then id) and its codes: the one pass both the
    as-of rule and the timeline read."""
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
    return rows


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
        r = ranked_history(cooperative_ids).subquery("ranked_history")
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


# Which cooperatives a timeline reads (its `scope`): all of them; those of the regencies in the
# `regency_ids` parameter; or those whose state may differ between the `since` and `until`
# parameters (history recorded, or registered, in between: ppkl.recap_past).
ALL, REGENCIES, CHANGED = "all", "regencies", "changed"
SINCE = bindparam("since", type_=DateTime)
UNTIL = bindparam("until", type_=DateTime)


def _scope_ids(scope: str):
    """The ids a timeline of `scope` reads, as a select (None: all)."""
    if scope == REGENCIES:
        return select(Cooperative.id).where(Cooperative.regency_id.in_(REGENCY_IDS))
    if scope == CHANGED:
        h = CooperativeHistory
        return union(
            select(h.cooperative_id).where(h.created_at >= SINCE, h.created_at < UNTIL),
            select(Cooperative.id).where(
                Cooperative.created_at >= SINCE, Cooperative.created_at < UNTIL
            ),
        )
    return None


@cache  # the construct never changes; building it costs more than running the query
def state_timeline(scope: str = ALL):
    """Each cooperative's recorded states as intervals: rows (cooperative_id, valid_from,
    valid_to, stage, active) where the state holds for a cut-off in (valid_from, valid_to], a
    NULL bound being open. It is the as-of rule of `StateAsOf` over all cut-offs at once:
    after each history row, the last stage recorded so far, else the state the next change
    started from; before the first row, the state the first change started from. stage and
    active are codes (STAGE_CODES, ACTIVE_CODES), NULL where the history says nothing (the
    cooperative's present value counts). A cooperative without history has one row, open at
    both ends. `scope` says which cooperatives are read (ALL, REGENCIES or CHANGED).

    Returns the timeline and the cooperatives of the scope (a CTE: id, regency_id, created_at,
    active, stage), read once, so that a small scope never reads the whole register."""
    h = CooperativeHistory
    ids = _scope_ids(scope)
    cooperatives = select(
        Cooperative.id,
        Cooperative.regency_id,
        Cooperative.created_at,
        Cooperative.active,
        Cooperative.stage,
    )
    if ids is not None:
        cooperatives = cooperatives.where(Cooperative.id.in_(ids))
    cooperatives = cooperatives.cte("scoped")
    ranked = ranked_history(select(cooperatives.c.id) if ids is not None else None).subquery()
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
        cooperatives.c.id,
        cast(null(), DateTime),
        cast(null(), DateTime),
        cast(null(), Integer),
        cast(null(), Integer),
    ).where(~select(h.id).where(h.cooperative_id == cooperatives.c.id).exists())
    timeline = after_each_row.union_all(before_first_row, without_history).subquery("timeline")
    return timeline, cooperatives


# A regency's four recap counts: (active, inactive, certified, in_progress).
Counts = tuple[int, int, int, int]
ZERO: Counts = (0, 0, 0, 0)


def add(a: Counts, b: Counts, sign: int = 1) -> Counts:
    return tuple(x + sign * y for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def regency_counts(
    session: Session, cutoffs: Sequence[datetime], scope: str = ALL, **params
) -> list[dict[int, Counts]]:
    """The recap counts per regency id at each cut-off (as `recap_as_of` has them), over the
    cooperatives of `scope` (its parameters in `params`), in one query whatever the number of
    cut-offs. Regencies without cooperatives then are left out.

    Each interval of `state_timeline` counts for the cut-offs that fall in it, from when both
    it and its cooperative exist (`start`) to its end. Rather than pairing every interval with
    every cut-off, each start adds one and each end takes one away in the bucket of the first
    cut-off it precedes; the running sum of the buckets, cut-off by cut-off, is the recap."""
    if not cutoffs:
        return []
    t, c = state_timeline(scope)

    def bucket(moment):
        """The first cut-off after `moment`; len(cutoffs) when none (or NULL)."""
        return case(*((moment < cutoff, i) for i, cutoff in enumerate(cutoffs)), else_=len(cutoffs))

    created = c.c.created_at
    start = case(
        (or_(t.c.valid_from.is_(None), t.c.valid_from < created), created), else_=t.c.valid_from
    )
    active = func.coalesce(
        t.c.active, case((c.c.active.is_(True), ACTIVE_CODES[True]), else_=ACTIVE_CODES[False])
    )
    stage = func.coalesce(t.c.stage, _stage_code(c.c.stage))
    is_active = active == ACTIVE_CODES[True]
    counted = (
        is_active,
        active == ACTIVE_CODES[False],
        is_active & (stage == STAGE_CODES[Stage.CERTIFIED.value]),
        is_active & stage.in_([STAGE_CODES[s.value] for s in IN_PROGRESS_STAGES]),
    )
    flags = [case((condition, 1), else_=0).label(f"n{i}") for i, condition in enumerate(counted)]
    intervals = (
        select(c.c.regency_id, start.label("start_at"), t.c.valid_to.label("end_at"), *flags)
        .select_from(t)
        .join(c, c.c.id == t.c.cooperative_id)
        .where(or_(t.c.valid_to.is_(None), start < t.c.valid_to))
        .cte("intervals")  # read twice below, computed once
    )
    i = intervals.c
    names = ("n0", "n1", "n2", "n3")
    starts = select(i.regency_id, bucket(i.start_at), *(i[n] for n in names))
    ends = select(i.regency_id, bucket(i.end_at), *(-i[n] for n in names)).where(
        i.end_at.is_not(None)
    )
    deltas = union_all(starts, ends).subquery("deltas")
    d = deltas.c
    stmt = select(d[0], d[1], *(func.sum(d[k]) for k in range(2, 6))).group_by(d[0], d[1])
    steps: dict[int, dict[int, Counts]] = {}
    for regency_id, index, *sums in session.execute(stmt, params):
        steps.setdefault(regency_id, {})[index] = tuple(int(n) for n in sums)
    result: list[dict[int, Counts]] = []
    running = {regency_id: ZERO for regency_id in steps}
    for index in range(len(cutoffs)):
        for regency_id, by_index in steps.items():
            running[regency_id] = add(running[regency_id], by_index.get(index, ZERO))
        result.append({r: c for r, c in running.items() if c != ZERO})
    return result
