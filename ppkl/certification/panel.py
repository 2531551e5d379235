"""What the cooperative page shows of the workflow: flags, timeline, RAT compliance.

Read-only queries (a fixed number: the history with its users, the RAT records); the
permission answers come from ppkl.permissions so buttons hide by the guard's own rules.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ppkl.certification.deadlines import (
    DeadlineFlag,
    DeadlineRules,
    RatFacts,
    YearCompliance,
    compliance,
    deadline_flags,
    last_ended_fiscal_year,
)
from ppkl.extensions import db
from ppkl.models import Cooperative, CooperativeHistory, RatRecord
from ppkl.permissions import can_correct, can_move, can_record_rat, can_set_active
from ppkl.workflow import Stage, next_stage

# The compliance table covers at least this many ended fiscal years.
COMPLIANCE_YEARS = 3


@dataclass
class CertificationPanel:
    next_stage: Stage | None
    may_move: bool
    may_correct: bool
    may_set_active: bool
    may_record_rat: bool
    flags: list[DeadlineFlag]
    timeline: list[CooperativeHistory]
    compliance: list[YearCompliance]
    rats: dict[int, RatRecord]


def timeline(cooperative_id: int) -> list[CooperativeHistory]:
    """The cooperative's history, newest first, with who made each change."""
    return db.session.scalars(
        select(CooperativeHistory)
        .options(joinedload(CooperativeHistory.user))
        .where(CooperativeHistory.cooperative_id == cooperative_id)
        .order_by(CooperativeHistory.created_at.desc(), CooperativeHistory.id.desc())
    ).all()


def rat_facts(rats) -> list[RatFacts]:
    return [RatFacts(r.fiscal_year, r.held_on, r.report_received_on) for r in rats]


def build_panel(user, coop: Cooperative, today: date, rules: DeadlineRules) -> CertificationPanel:
    rats = db.session.scalars(select(RatRecord).where(RatRecord.cooperative_id == coop.id)).all()
    facts = rat_facts(rats)
    following = next_stage(coop.stage)
    first_year = last_ended_fiscal_year(today, rules) - COMPLIANCE_YEARS + 1
    return CertificationPanel(
        next_stage=following,
        may_move=following is not None and can_move(user, coop, following),
        may_correct=coop.stage != Stage.NOT_STARTED and can_correct(user, coop),
        may_set_active=can_set_active(user, coop),
        may_record_rat=can_record_rat(user, coop),
        flags=deadline_flags(coop.active, facts, today, rules),
        timeline=timeline(coop.id),
        compliance=compliance(facts, first_year, today, rules),
        rats={r.fiscal_year: r for r in rats},
    )
