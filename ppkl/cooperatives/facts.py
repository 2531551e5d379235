"""The derived facts of each cooperative, stored in cooperative_facts: their definitions and
their upkeep. SQLAlchemy only, no Flask.

The queries here are the definitions:

- the latest visit of a cooperative is its latest kept (not removed) visit, by visit date and
  then by id; its follow-up date and action are the cooperative's open follow-up (a later visit
  settles the earlier follow-ups, whether or not it asks for a new one);
- the stage change date is the effective date of the latest history row that set a stage.

Readers of the present (worklist, cooperatives list, dashboard counts, exports) read the
stored rows; readers of the past (a report for an earlier period) run the same definitions up
to a day. Every service that changes visits or stages calls `refresh_facts` after its flush,
in its own transaction; `refresh_all` and `differences` serve the `rebuild-derived` command.
No database trigger: the rule stays readable, here. docs/performance.md says why and how.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, case, func, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ppkl.models import Cooperative, CooperativeFacts, CooperativeHistory, Visit

# A condition on a cooperative id column: which cooperatives a statement is about.
Within = Callable[[ColumnElement], ColumnElement[bool]]

FACTS = CooperativeFacts.__table__
FIELDS = (
    "last_visit_on",
    "last_visit_officer_id",
    "follow_up_on",
    "follow_up_action",
    "stage_since",
)
# Ids per statement when refreshing a list of cooperatives (bound parameters stay few).
CHUNK = 500
# Cooperative ids per statement when rebuilding everything.
BATCH = 20_000


def ids_in(ids: Iterable[int]) -> Within:
    chosen = list(ids)
    return lambda column: column.in_(chosen)


def id_between(low: int, high: int) -> Within:
    return lambda column: column.between(low, high)


def latest_visits(up_to: date | None = None, within: Within | None = None):
    """One row per cooperative: its latest kept visit's date, officer and follow-up, as of the
    end of `up_to` when given (reports for a past period)."""
    kept = [Visit.deleted_at.is_(None)]
    if up_to is not None:
        kept.append(Visit.visited_on <= up_to)
    if within is not None:
        kept.append(within(Visit.cooperative_id))
    ranked = (
        select(
            Visit.cooperative_id,
            Visit.visited_on,
            Visit.officer_id,
            Visit.follow_up_on,
            Visit.follow_up_action,
            func.row_number()
            .over(
                partition_by=Visit.cooperative_id,
                order_by=(Visit.visited_on.desc(), Visit.id.desc()),
            )
            .label("rank"),
        )
        .where(*kept)
        .subquery()
    )
    return (
        select(
            ranked.c.cooperative_id,
            ranked.c.visited_on.label("last_visit_on"),
            ranked.c.officer_id.label("last_visit_officer_id"),
            ranked.c.follow_up_on,
            ranked.c.follow_up_action,
        )
        .where(ranked.c.rank == 1)
        .subquery("latest_visit")
    )


def stage_changes(within: Within | None = None):
    """One row per cooperative: the effective date of its latest recorded stage change."""
    changed = [CooperativeHistory.to_stage.is_not(None)]
    if within is not None:
        changed.append(within(CooperativeHistory.cooperative_id))
    return (
        select(
            CooperativeHistory.cooperative_id,
            func.max(CooperativeHistory.effective_date).label("stage_since"),
        )
        .where(*changed)
        .group_by(CooperativeHistory.cooperative_id)
        .subquery("stage_change")
    )


def computed(within: Within) -> Select:
    """The facts recomputed from history, one row per cooperative `within` selects."""
    latest = latest_visits(within=within)
    stages = stage_changes(within)
    return (
        select(
            Cooperative.id.label("cooperative_id"),
            *(latest.c[name] for name in FIELDS if name != "stage_since"),
            stages.c.stage_since,
        )
        .outerjoin(latest, latest.c.cooperative_id == Cooperative.id)
        .outerjoin(stages, stages.c.cooperative_id == Cooperative.id)
        .where(within(Cooperative.id))
    )


def refresh_facts(session: Session, cooperative_ids: Iterable[int]) -> None:
    """Recompute and store the facts of these cooperatives, in the caller's transaction
    (after the changes are flushed, so the recompute sees them)."""
    ids = sorted(set(cooperative_ids))
    if not ids:
        return
    session.flush()
    start = 0
    while start < len(ids):
        # A dense run (an import's new cooperatives) as a range of up to BATCH ids: one
        # condition instead of hundreds of parameters, one statement instead of dozens; the
        # cooperatives in between are recomputed too, harmlessly.
        end = min(start + BATCH, len(ids))
        if ids[end - 1] - ids[start] >= 2 * (end - start):
            end = min(start + CHUNK, len(ids))
        chunk = ids[start:end]
        dense = chunk[-1] - chunk[0] < 2 * len(chunk)
        store(session, id_between(chunk[0], chunk[-1]) if dense else ids_in(chunk))
        start = end


def refresh_all(session: Session, batch: int = BATCH) -> None:
    """Recompute and store the facts of every cooperative, a range of ids at a time."""
    session.flush()
    for low, high in id_ranges(session, batch):
        store(session, id_between(low, high))


def store(session: Session, within: Within) -> None:
    """Two statements: lock the stored rows, then write the recomputed ones (insert or update).

    The lock makes concurrent refreshes of one cooperative take turns; the write, a statement
    started after the lock was granted, then sees the other transaction's committed visit too
    (PostgreSQL's READ COMMITTED takes a snapshot per statement). SQLite writes one at a time.
    """
    session.execute(
        select(FACTS.c.cooperative_id)
        .where(within(FACTS.c.cooperative_id))
        .order_by(FACTS.c.cooperative_id)
        .with_for_update()
    )
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(FACTS).from_select(["cooperative_id", *FIELDS], computed(within))
    stmt = stmt.on_conflict_do_update(
        index_elements=[FACTS.c.cooperative_id],
        set_={name: stmt.excluded[name] for name in FIELDS},
    )
    session.execute(stmt)


def id_ranges(session: Session, batch: int = BATCH) -> Iterator[tuple[int, int]]:
    """Ranges of cooperative ids of `batch` ids each, covering every cooperative."""
    low, high = session.execute(select(func.min(Cooperative.id), func.max(Cooperative.id))).one()
    if low is None:
        return
    for start in range(low, high + 1, batch):
        yield start, min(start + batch - 1, high)


@dataclass(frozen=True)
class Difference:
    """A cooperative whose stored facts differ from the recomputed ones: which fields
    ("missing" when no row is stored)."""

    cooperative_id: int
    fields: tuple[str, ...]


def differences(session: Session, low: int, high: int) -> list[Difference]:
    """Stored against recomputed, for the cooperatives with ids from low to high."""
    fresh = computed(id_between(low, high)).subquery("fresh")
    differs = {name: fresh.c[name].is_distinct_from(FACTS.c[name]) for name in FIELDS}
    missing = FACTS.c.cooperative_id.is_(None)
    rows = session.execute(
        select(
            fresh.c.cooperative_id,
            case((missing, literal(1)), else_=literal(0)),
            *(case((d, literal(1)), else_=literal(0)) for d in differs.values()),
        )
        .outerjoin(FACTS, FACTS.c.cooperative_id == fresh.c.cooperative_id)
        .where(or_(missing, *differs.values()))
        .order_by(fresh.c.cooperative_id)
    )
    return [
        Difference(
            row[0],
            ("missing",) if row[1] else tuple(n for n, d in zip(FIELDS, row[2:], strict=True) if d),
        )
        for row in rows
    ]
