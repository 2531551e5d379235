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

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from ppkl.certification.deadlines import DeadlineRules, Flag, rules_from_config
from ppkl.certification.queries import flag_condition
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


def deadline_overdue(t: Thresholds) -> ColumnElement[bool]:
    """RAT or report terlambat: the workflow's deadline flags, in their SQL form."""

    return or_(
        flag_condition(Flag.RAT_OVERDUE, t.today, t.deadlines),
        flag_condition(Flag.REPORT_OVERDUE, t.today, t.deadlines),
    )


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


def reason_counts(
    session: Session, scope: ColumnElement[bool], t: Thresholds, facts: Facts | None = None
) -> dict:
    """How many cooperatives in scope meet each condition: one aggregate query. (`facts`: the
    stored ones unless given; bench/stored_facts.py compares them with the recomputed ones.)"""
    facts = facts or Facts.build()
    conds = conditions(facts, t)
    columns = [func.coalesce(func.sum(c.element), 0) for c in flag_columns(conds)]
    stmt = facts.join(select(*columns).select_from(Cooperative)).where(scope)
    row = session.execute(stmt).one()
    return {reason: int(value) for reason, value in zip(Reason, row, strict=True)}


def worklist_query(scope: ColumnElement[bool], t: Thresholds, facts: Facts | None = None) -> Select:
    """Cooperatives in scope that meet at least one condition, most pressing first.

    Rows: Cooperative, last_visit_on, follow_up_on, follow_up_action, stage_since, one 0/1
    column per Reason. The caller adds eager loading and pagination.
    """
    facts = facts or Facts.build()
    conds = conditions(facts, t)
    stmt = select(
        Cooperative,
        facts.last_visit_on,
        facts.follow_up_on,
        facts.follow_up_action,
        facts.stage_since,
        *flag_columns(conds),
    ).select_from(Cooperative)
    return (
        facts.join(stmt)
        .where(scope, any_reason(conds))
        .order_by(
            priority(conds),
            func.coalesce(facts.follow_up_on, t.today),
            func.coalesce(facts.last_visit_on, date(1, 1, 1)),
            Cooperative.name,
            Cooperative.id,
        )
    )
