"""What needs doing next for each cooperative: every worklist condition, defined once.

The worklist ("Tugas saya"), the dashboard counts, the cooperatives list's flag filter and the
PDF reports all use the SQL conditions built here, so they cannot disagree. Plain SQLAlchemy,
no Flask. Conditions apply to active cooperatives only.

- follow_up_overdue: the open follow-up date is before today;
- deadline_overdue: the RAT or its report is overdue (ppkl.certification.deadlines);
- follow_up_due: the open follow-up date is today or within the next DUE_SOON_DAYS - 1 days;
- stuck: in rat_held, report_received or ods_entered for more than STUCK_DAYS days;
- not_visited: no visit for more than NOT_VISITED_DAYS days, or never visited.

The open follow-up of a cooperative is the follow-up date of its latest (not removed) visit: a
later visit settles the earlier follow-ups, whether or not it sets a new one. The conditions read
the latest visit and the last stage change from the stored facts (ppkl.cooperatives.facts, which
defines them and keeps them current).

The same definitions, for readers: docs/fieldwork.md.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, and_, case, false, func, literal, or_, select
from sqlalchemy.orm import Session

from ppkl.certification.deadlines import DeadlineRules, Flag, rules_from_config
from ppkl.certification.queries import flag_condition, flag_join
from ppkl.models import CooperativeFacts
from ppkl.models.cooperative import Cooperative
from ppkl.workflow import IN_PROGRESS_STAGES


class Reason(StrEnum):
    """In order of need: the first reason of a cooperative decides its place in the list."""

    FOLLOW_UP_OVERDUE = "follow_up_overdue"
    DEADLINE_OVERDUE = "deadline_overdue"
    FOLLOW_UP_DUE = "follow_up_due"
    STUCK = "stuck"
    NOT_VISITED = "not_visited"


DEFAULTS = {"STUCK_DAYS": 30, "NOT_VISITED_DAYS": 90, "DUE_SOON_DAYS": 7}


@dataclass(frozen=True)
class Thresholds:
    today: date
    stuck_days: int = DEFAULTS["STUCK_DAYS"]
    not_visited_days: int = DEFAULTS["NOT_VISITED_DAYS"]
    due_soon_days: int = DEFAULTS["DUE_SOON_DAYS"]
    deadlines: DeadlineRules = field(default_factory=DeadlineRules)

    @classmethod
    def from_config(cls, config: Mapping, today: date) -> "Thresholds":
        def setting(name: str) -> int:
            return int(config.get(f"WORKLIST_{name}", DEFAULTS[name]))

        return cls(
            today,
            setting("STUCK_DAYS"),
            setting("NOT_VISITED_DAYS"),
            setting("DUE_SOON_DAYS"),
            rules_from_config(config),
        )


@dataclass(frozen=True)
class Facts:
    """The stored facts (ppkl.cooperatives.facts, where they are defined) a statement must
    outer-join (see join) to use the conditions."""

    table: object = CooperativeFacts.__table__

    @classmethod
    def build(cls) -> "Facts":
        return cls()

    def join(self, stmt: Select) -> Select:
        return stmt.outerjoin(self.table, self.table.c.cooperative_id == Cooperative.id)

    @property
    def last_visit_on(self):
        return self.table.c.last_visit_on

    @property
    def follow_up_on(self):
        return self.table.c.follow_up_on

    @property
    def follow_up_action(self):
        return self.table.c.follow_up_action

    @property
    def stage_since(self):
        return self.table.c.stage_since


# RAT or report terlambat: the workflow's deadline flags that make a cooperative overdue.
OVERDUE_FLAGS = (Flag.RAT_OVERDUE, Flag.REPORT_OVERDUE)


def deadline_overdue(t: Thresholds) -> ColumnElement[bool]:
    """The overdue flags, in their SQL form."""
    return or_(*(flag_condition(flag, t.today, t.deadlines) for flag in OVERDUE_FLAGS))


def deadline_overdue_joined(t: Thresholds) -> tuple[list, ColumnElement[bool]]:
    """deadline_overdue over outer joins (certification.queries.flag_join): (the RAT records
    to outer-join on their cooperative_id, the condition)."""
    joins = [flag_join(flag, t.today, t.deadlines) for flag in OVERDUE_FLAGS]
    return [rats for rats, _ in joins if rats is not None], or_(*(cond for _, cond in joins))


def conditions(facts: Facts, t: Thresholds) -> dict[Reason, ColumnElement[bool]]:
    follow_up = facts.follow_up_on
    last_visit = facts.last_visit_on
    stage_since = facts.stage_since
    stuck_before = t.today - timedelta(days=t.stuck_days)
    visited_before = t.today - timedelta(days=t.not_visited_days)
    due_until = t.today + timedelta(days=t.due_soon_days - 1)
    in_stage_too_long = or_(
        stage_since < stuck_before,
        and_(
            stage_since.is_(None),
            Cooperative.created_at < datetime.combine(stuck_before, time()),
        ),
    )
    active = Cooperative.active.is_(True)
    return {
        Reason.FOLLOW_UP_OVERDUE: and_(active, follow_up < t.today),
        Reason.DEADLINE_OVERDUE: and_(active, deadline_overdue(t)),
        Reason.FOLLOW_UP_DUE: and_(active, follow_up >= t.today, follow_up <= due_until),
        Reason.STUCK: and_(
            active,
            Cooperative.stage.in_([s.value for s in IN_PROGRESS_STAGES]),
            in_stage_too_long,
        ),
        Reason.NOT_VISITED: and_(active, or_(last_visit.is_(None), last_visit < visited_before)),
    }


def flag_columns(conds: Mapping[Reason, ColumnElement[bool]]) -> list:
    return [
        case((cond, literal(1)), else_=literal(0)).label(reason) for reason, cond in conds.items()
    ]


def priority(conds: Mapping[Reason, ColumnElement[bool]]) -> ColumnElement[int]:
    """0 for the most pressing reason, len(Reason) when none applies."""
    return case(*((conds[r], i) for i, r in enumerate(Reason)), else_=len(Reason))


def reasons_of(row) -> list[Reason]:
    """The reasons set on a result row that carries flag_columns."""
    return [r for r in Reason if getattr(row, r.value, 0)]


def any_reason(conds: Mapping[Reason, ColumnElement[bool]]) -> ColumnElement[bool]:
    return or_(*conds.values())


@dataclass(frozen=True)
class Tally:
    """How many cooperatives in a scope meet each condition (`counts`), and how many have each
    as their first, most pressing, reason (`firsts`: the worklist's groups, in its order)."""

    counts: dict[Reason, int]
    firsts: dict[Reason, int]

    @property
    def total(self) -> int:
        """The length of the worklist."""
        return sum(self.firsts.values())


def tally(
    session: Session, scope: ColumnElement[bool], t: Thresholds, facts: Facts | None = None
) -> Tally:
    """The counts and groups of the scope's worklist: one aggregate query."""
    facts = facts or Facts.build()
    conds = conditions(facts, t)
    # The RAT records are outer-joined here rather than looked up per cooperative: the database
    # merges them with the nation's cooperatives in id order (a look-up each, or a hash of all
    # records, took 0.2-0.4 s) and still looks them up for a province or an officer's few.
    rats, conds[Reason.DEADLINE_OVERDUE] = deadline_overdue_joined(t)
    stmt = facts.join(select(*flag_columns(conds)).select_from(Cooperative))
    for joined in rats:
        stmt = stmt.outerjoin(joined, joined.c.cooperative_id == Cooperative.id)
    # Every condition holds only for active cooperatives, so only they are read. OFFSET 0 keeps
    # the flags in a subquery of their own: PostgreSQL has no estimate of how many values the
    # order of need takes and otherwise sorted every row to group them.
    flags = stmt.where(scope, Cooperative.active.is_(True)).offset(0).subquery("flags")
    first = priority({reason: flags.c[reason.value] == 1 for reason in Reason}).label("first")
    stmt = select(
        first, func.count(), *(func.sum(flags.c[reason.value]) for reason in Reason)
    ).group_by(first)
    counts, firsts = dict.fromkeys(Reason, 0), dict.fromkeys(Reason, 0)
    for rank, rows, *sums in session.execute(stmt):
        if rank < len(Reason):
            firsts[list(Reason)[rank]] = rows
        for reason, value in zip(Reason, sums, strict=True):
            counts[reason] += int(value or 0)
    return Tally(counts, firsts)


def reason_counts(
    session: Session, scope: ColumnElement[bool], t: Thresholds, facts: Facts | None = None
) -> dict:
    """How many cooperatives in scope meet each condition: one aggregate query. (`facts`: the
    stored ones unless given; bench/stored_facts.py compares them with the recomputed ones.)"""
    return tally(session, scope, t, facts).counts


def worklist_rows(facts: Facts, conds: Mapping[Reason, ColumnElement[bool]]) -> Select:
    """The columns of a worklist row (see worklist_query), unfiltered and unordered."""
    stmt = select(
        Cooperative,
        facts.last_visit_on,
        facts.follow_up_on,
        facts.follow_up_action,
        facts.stage_since,
        *flag_columns(conds),
    ).select_from(Cooperative)
    return facts.join(stmt)


def worklist_query(scope: ColumnElement[bool], t: Thresholds, facts: Facts | None = None) -> Select:
    """Cooperatives in scope that meet at least one condition, most pressing first.

    Rows: Cooperative, last_visit_on, follow_up_on, follow_up_action, stage_since, one 0/1
    column per Reason. The caller adds eager loading and pagination.
    """
    facts = facts or Facts.build()
    conds = conditions(facts, t)
    return (
        worklist_rows(facts, conds)
        .where(scope, any_reason(conds))
        .order_by(priority(conds), *within_group_order(facts, t))
    )


def within_group_order(facts: Facts, t: Thresholds) -> list:
    """The worklist's order among cooperatives of one first reason."""
    return [
        func.coalesce(facts.follow_up_on, t.today),
        func.coalesce(facts.last_visit_on, date(1, 1, 1)),
        Cooperative.name,
        Cooperative.id,
    ]


def worklist_window(
    scope: ColumnElement[bool], t: Thresholds, firsts: Mapping[Reason, int], offset: int, limit: int
) -> Select:
    """Rows offset to offset + limit of worklist_query, reading only the groups (by first
    reason, sized by `tally`) that hold them.

    Nation-wide the worklist holds 120,000 cooperatives: ordering all of them for each page
    took half a second. A page within one group is read with that group's condition alone (the
    database then reads its index), and within the overdue follow-ups in the order of the
    follow-up dates' index, stopping after the page's rows.
    """
    groups, start = [], 0
    for rank, size in enumerate(firsts.get(reason, 0) for reason in Reason):
        if size and start + size > offset and start < offset + limit:
            groups.append((rank, start))
        start += size
    if not groups:  # past the end
        return worklist_query(scope, t).where(false()).limit(limit)
    facts = Facts.build()
    conds = conditions(facts, t)
    (low, low_start), high = groups[0], groups[-1][0]
    first = list(Reason)[low]
    if low != high:
        where = [priority(conds).between(low, high)]
    elif low == 0:
        where = [conds[first]]  # the first reason of every cooperative that meets it
    else:
        where = [conds[first], priority(conds) == low]
    order = [priority(conds), *within_group_order(facts, t)]
    if low == high:
        order = order[1:]
        if first == Reason.FOLLOW_UP_OVERDUE:
            order[0] = facts.follow_up_on  # every overdue follow-up has its date
    # The page's ids first, then their rows: the estimates of a filter on the order of need are
    # poor, and a plan made for a few hundred rows joined the regencies by a loop over all.
    chosen = (
        facts.join(select(Cooperative.id).select_from(Cooperative))
        .where(scope, *where)
        .order_by(*order)
        .offset(offset - low_start)
        .limit(limit)
        .subquery("chosen")
    )
    return (
        worklist_rows(facts, conds)
        .join(chosen, chosen.c.id == Cooperative.id)
        .order_by(priority(conds), *within_group_order(facts, t))
    )
