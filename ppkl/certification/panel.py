"""What the cooperative page shows of the workflow: flags, timeline, RAT compliance.

Read-only queries (a fixed number: the history with its users, the RAT records); the
permission answers come from ppkl.permissions so buttons hide by the guard's own rules.
"""

from collections import defaultdict
from dataclasses import dataclass, field
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
from ppkl.models import (
    CertificateDocument,
    Cooperative,
    CooperativeHistory,
    HistoryKind,
    RatRecord,
)
from ppkl.models.rat import RAT_IN_FORCE
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
    # Certificate photos and scans, by the history row and by the RAT record they prove.
    documents: dict[int, list[CertificateDocument]] = field(default_factory=dict)
    rat_documents: dict[int, list[CertificateDocument]] = field(default_factory=dict)

    @property
    def certificate_entry(self) -> CooperativeHistory | None:
        """The move that made the cooperative certified, as it stands now."""
        for entry in self.timeline:
            if entry.kind == HistoryKind.MOVE and entry.to_stage == Stage.CERTIFIED:
                return entry
            if entry.kind in (HistoryKind.MOVE, HistoryKind.CORRECTION):
                return None
        return None

    @property
    def certificate_on_file(self) -> bool:
        entry = self.certificate_entry
        return entry is not None and bool(self.documents.get(entry.id))


def timeline(cooperative_id: int) -> list[CooperativeHistory]:
    """The cooperative's history, newest first, with who made each change."""
    return db.session.scalars(
        select(CooperativeHistory)
        .options(joinedload(CooperativeHistory.user))
        .where(CooperativeHistory.cooperative_id == cooperative_id)
        .order_by(CooperativeHistory.created_at.desc(), CooperativeHistory.id.desc())
    ).all()


def certificate_documents(cooperative_id: int):
    """The cooperative's certificate documents, by history row and by RAT record."""
    by_entry, by_rat = defaultdict(list), defaultdict(list)
    rows = db.session.scalars(
        select(CertificateDocument)
        .where(CertificateDocument.cooperative_id == cooperative_id)
        .order_by(CertificateDocument.id)
    )
    for row in rows:
        if row.history_id is not None:
            by_entry[row.history_id].append(row)
        if row.rat_record_id is not None:
            by_rat[row.rat_record_id].append(row)
    return dict(by_entry), dict(by_rat)


def rat_facts(rats) -> list[RatFacts]:
    return [RatFacts(r.fiscal_year, r.held_on, r.report_received_on) for r in rats]


def build_panel(user, coop: Cooperative, today: date, rules: DeadlineRules) -> CertificationPanel:
    rats = db.session.scalars(
        select(RatRecord).where(RatRecord.cooperative_id == coop.id, RAT_IN_FORCE)
    ).all()
    facts = rat_facts(rats)
    following = next_stage(coop.stage)
    first_year = last_ended_fiscal_year(today, rules) - COMPLIANCE_YEARS + 1
    documents, rat_documents = certificate_documents(coop.id)
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
        documents=documents,
        rat_documents=rat_documents,
    )
