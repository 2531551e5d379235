"""Stage moves: the verbs that change a cooperative's certification stage or active status.

Each verb takes the acting user explicitly, checks permission and rules, changes the
cooperative, writes one append-only history row and an audit event, and FLUSHES; the caller
commits (so a visit and its move are saved together or not at all). On any error the caller
must roll back the session.

Optimistic concurrency (ppkl.cooperatives.changes): the caller passes the cooperative version
its form was loaded at. A different version, or a concurrent UPDATE caught by SQLAlchemy's
version_id_col at flush, raises ppkl.domain.StaleEdit; `explain_stale()` then rolls back and
tells who changed the cooperative, when, and to what.
"""

import logging
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ppkl import audit
from ppkl.certification.deadlines import DeadlineRules, rules_from_config
from ppkl.certification.queries import find_rat
from ppkl.clock import utcnow
from ppkl.cooperatives.changes import check_version, flush_changed, mark_changed
from ppkl.cooperatives.facts import refresh_facts
from ppkl.domain import DomainError, Problem, StaleEdit
from ppkl.extensions import db
from ppkl.models import Cooperative, CooperativeHistory, HistoryKind, RatRecord, User
from ppkl.models.rat import RAT_IN_FORCE
from ppkl.permissions import can_correct, can_move, can_set_active, can_view_cooperative
from ppkl.recap_past import store_month_ends
from ppkl.workflow import (
    CertificateEvidence,
    Evidence,
    EvidenceContext,
    OdsEvidence,
    RatEvidence,
    ReportEvidence,
    Stage,
    check_evidence,
    check_note,
    evidence_json,
    is_backward_move,
    is_forward_move,
    stage_index,
)

log = logging.getLogger(__name__)


# One action per kind of history entry a move, correction or status change writes.
RECORDED = {
    HistoryKind.MOVE: audit.AuditAction("cooperative.moved", _l("Stage moved")),
    HistoryKind.CORRECTION: audit.AuditAction("cooperative.corrected", _l("Stage corrected")),
    HistoryKind.DEACTIVATED: audit.AuditAction(
        "cooperative.deactivated", _l("Cooperative deactivated")
    ),
    HistoryKind.REACTIVATED: audit.AuditAction(
        "cooperative.reactivated", _l("Cooperative reactivated")
    ),
}
COOPERATIVES_MOVED = audit.AuditAction("cooperatives.moved", _l("Stages moved in bulk"))


class MoveRefused(DomainError):
    """A stage move or status change breaks a rule."""


class BulkRefused(DomainError):
    """A bulk move refused as a whole: the problems of each refused cooperative, and which of
    them changed since the page showed them (`stale`: their ids)."""

    def __init__(
        self,
        refusals: dict[int, list[Problem]],
        problems: list[Problem] | None = None,
        stale: list[int] | None = None,
    ):
        super().__init__(problems or [])
        self.refusals = refusals
        self.stale = stale or []


@dataclass(frozen=True)
class MoveSettings:
    """Configuration the rules need; `from_app()` reads it from the current app."""

    nik_pattern: str = r"\d{16}"
    deadlines: DeadlineRules = field(default_factory=DeadlineRules)

    @classmethod
    def from_app(cls) -> "MoveSettings":
        config = current_app.config
        return cls(config["NIK_PATTERN"], rules_from_config(config))


# The moves whose evidence can be shared by many cooperatives.
BULK_STAGES = (Stage.REPORT_RECEIVED, Stage.ODS_ENTERED)


def latest_rat(cooperative_id: int) -> RatRecord | None:
    """The RAT of the current certification cycle: the newest fiscal year recorded."""
    return db.session.scalar(
        select(RatRecord)
        .where(RatRecord.cooperative_id == cooperative_id, RAT_IN_FORCE)
        .order_by(RatRecord.fiscal_year.desc())
        .limit(1)
    )


def latest_move_evidence(cooperative_id: int, to_stage: Stage) -> dict:
    row = db.session.scalar(
        select(CooperativeHistory.evidence)
        .where(
            CooperativeHistory.cooperative_id == cooperative_id,
            CooperativeHistory.kind == HistoryKind.MOVE,
            CooperativeHistory.to_stage == to_stage,
        )
        .order_by(CooperativeHistory.created_at.desc(), CooperativeHistory.id.desc())
        .limit(1)
    )
    return row or {}


def evidence_context(cooperative: Cooperative, today: date, settings: MoveSettings):
    """The dates of the earlier steps that a move's evidence may not precede."""
    rat = latest_rat(cooperative.id)
    ods = latest_move_evidence(cooperative.id, Stage.ODS_ENTERED).get("entered_on")
    return EvidenceContext(
        today=today,
        nik_pattern=settings.nik_pattern,
        rat_held_on=rat.held_on if rat else None,
        report_received_on=rat.report_received_on if rat else None,
        ods_entered_on=date.fromisoformat(ods) if ods else None,
        fiscal_year_end=settings.deadlines.fiscal_year_end,
    )


def _flush_cooperative(actor: User, cooperative: Cooperative, kind: HistoryKind) -> None:
    """Flush the UPDATE first: the version check happens here, before any other row."""
    mark_changed(cooperative, actor, RECORDED[kind])
    try:
        flush_changed(cooperative)
    except IntegrityError as error:  # a NIK taken by a concurrent certification
        raise MoveRefused([Problem("nik", "nik_taken")]) from error


def move_problems(
    actor: User,
    cooperative: Cooperative,
    to_stage: str,
    evidence: Evidence,
    today: date,
    settings: MoveSettings,
) -> list[Problem]:
    """Every reason `actor` may not move `cooperative` forward to `to_stage` with `evidence`."""
    if not cooperative.active:
        return [Problem("stage", "inactive")]
    if not is_forward_move(cooperative.stage, to_stage):
        return [Problem("stage", "not_next_stage", {"stage": cooperative.stage})]
    if not can_move(actor, cooperative, to_stage):
        return [Problem("stage", "not_allowed")]
    problems = check_evidence(to_stage, evidence, evidence_context(cooperative, today, settings))
    if isinstance(evidence, CertificateEvidence) and not any(p.field == "nik" for p in problems):
        problems += nik_holder_problems(actor, cooperative, evidence.nik)
    return problems


def nik_holder_problems(actor: User, cooperative: Cooperative, nik: str) -> list[Problem]:
    """A NIK recorded for another cooperative: refused, naming that cooperative to those who
    may see it (to others, only that it is taken)."""
    holder = db.session.scalar(
        select(Cooperative).where(Cooperative.nik == nik, Cooperative.id != cooperative.id)
    )
    if holder is None:
        return []
    if can_view_cooperative(actor, holder):
        return [Problem("nik", "nik_taken_by", {"cooperative": holder.name})]
    return [Problem("nik", "nik_taken")]


def _effective_date(evidence: Evidence) -> date:
    match evidence:
        case RatEvidence():
            return evidence.held_on
        case ReportEvidence():
            return evidence.received_on
        case OdsEvidence():
            return evidence.entered_on
        case CertificateEvidence():
            return evidence.issued_on
    raise TypeError(type(evidence))


def _apply_ledger(actor: User, cooperative: Cooperative, evidence: Evidence) -> None:
    """Keep the RAT ledger in step with the move (one RAT record per fiscal year)."""
    if isinstance(evidence, RatEvidence):
        rat = find_rat(cooperative.id, evidence.fiscal_year)
        if rat is None:  # a record left by an earlier, corrected cycle is brought up to date
            rat = RatRecord(cooperative_id=cooperative.id, fiscal_year=evidence.fiscal_year)
            db.session.add(rat)
        rat.held_on = evidence.held_on
        rat.members_present = evidence.members_present
        rat.members_total = evidence.members_total
        rat.report_received_on = None
        rat.created_by_id = actor.id
        rat.voided_at = rat.voided_by_id = rat.void_reason = None
    elif isinstance(evidence, ReportEvidence):
        rat = latest_rat(cooperative.id)
        if rat is not None:
            rat.report_received_on = evidence.received_on


def _record(
    actor: User, cooperative: Cooperative, kind: HistoryKind, note: str | None, **fields
) -> CooperativeHistory:
    entry = CooperativeHistory(
        cooperative_id=cooperative.id,
        kind=kind.value,
        note=(note or "").strip() or None,
        user_id=actor.id,
        **fields,
    )
    db.session.add(entry)
    audit.record(
        RECORDED[kind],
        user=actor,
        target=f"cooperative:{cooperative.id}",
        from_stage=fields.get("from_stage"),
        to_stage=fields.get("to_stage"),
        to_active=fields.get("to_active"),
    )
    db.session.flush()
    store_month_ends(db.session)
    log.info("%s cooperative %s by %s", kind.value, cooperative.id, actor.username)
    return entry


def advance_stage(
    actor: User,
    cooperative: Cooperative,
    to_stage: str,
    evidence: Evidence,
    note: str | None,
    expected_version: int | None,
    today: date,
    settings: MoveSettings | None = None,
    *,
    refresh: bool = True,
) -> CooperativeHistory:
    """Move a cooperative one stage forward with its evidence; flushes, never commits. The
    stored facts follow (`refresh=False`: the caller refreshes them, as bulk_advance does once)."""
    settings = settings or MoveSettings.from_app()
    check_version(cooperative, expected_version)
    problems = move_problems(actor, cooperative, to_stage, evidence, today, settings)
    problems += check_note(note, required=False)
    if problems:
        raise MoveRefused(problems)
    from_stage = cooperative.stage
    cooperative.stage = Stage(to_stage).value
    if isinstance(evidence, CertificateEvidence):
        cooperative.nik = evidence.nik
    _flush_cooperative(actor, cooperative, HistoryKind.MOVE)
    _apply_ledger(actor, cooperative, evidence)
    entry = _record(
        actor,
        cooperative,
        HistoryKind.MOVE,
        note,
        from_stage=from_stage,
        to_stage=cooperative.stage,
        evidence=evidence_json(evidence),
        effective_date=_effective_date(evidence),
    )
    if refresh:
        refresh_facts(db.session, [cooperative.id])
    return entry


def correct_stage(
    actor: User,
    cooperative: Cooperative,
    to_stage: str,
    reason: str,
    expected_version: int | None,
    today: date,
) -> CooperativeHistory:
    """Move a cooperative back to an earlier stage (supervisors, with a reason)."""
    check_version(cooperative, expected_version)
    problems = []
    if not cooperative.active:
        problems.append(Problem("stage", "inactive"))
    elif to_stage not in set(Stage) or not is_backward_move(cooperative.stage, to_stage):
        problems.append(Problem("to_stage", "not_earlier_stage"))
    elif not can_correct(actor, cooperative):
        problems.append(Problem("stage", "not_allowed"))
    problems += check_note(reason, required=True)
    if problems:
        raise MoveRefused(problems)
    from_stage = cooperative.stage
    evidence = {}
    if cooperative.nik and to_stage != Stage.CERTIFIED:
        # A NIK means certified (workflow.stage_for): a corrected certificate loses it,
        # and the history keeps the number.
        evidence["removed_nik"] = cooperative.nik
        cooperative.nik = None
    evidence.update(_void_undone_records(actor, cooperative, Stage(to_stage), reason))
    evidence = evidence or None
    cooperative.stage = Stage(to_stage).value
    _flush_cooperative(actor, cooperative, HistoryKind.CORRECTION)
    entry = _record(
        actor,
        cooperative,
        HistoryKind.CORRECTION,
        reason,
        from_stage=from_stage,
        to_stage=cooperative.stage,
        evidence=evidence,
        effective_date=today,
    )
    refresh_facts(db.session, [cooperative.id])
    return entry


def _void_undone_records(actor: User, cooperative: Cooperative, to_stage: Stage, reason: str):
    """What the stages a correction undoes had recorded in the RAT ledger: back before
    rat_held, the current cycle's RAT record is voided (kept, with the reason); back before
    report_received, its report date is taken off. Returns what changed, for the history."""
    undone = {}
    rat = latest_rat(cooperative.id)
    if rat is None:
        return undone
    if stage_index(to_stage) < stage_index(Stage.REPORT_RECEIVED) and rat.report_received_on:
        undone["removed_report_received_on"] = rat.report_received_on.isoformat()
        rat.report_received_on = None
    if stage_index(to_stage) < stage_index(Stage.RAT_HELD):
        undone["voided_rat_fiscal_year"] = rat.fiscal_year
        undone["voided_rat_held_on"] = rat.held_on.isoformat()
        rat.voided_at = utcnow()
        rat.voided_by_id = actor.id
        rat.void_reason = reason.strip()
    db.session.flush()
    return undone


def set_active(
    actor: User,
    cooperative: Cooperative,
    active: bool,
    reason: str,
    expected_version: int | None,
    today: date,
) -> CooperativeHistory:
    """Deactivate or reactivate a cooperative (supervisors, with a reason)."""
    check_version(cooperative, expected_version)
    problems = []
    if not can_set_active(actor, cooperative):
        problems.append(Problem("active", "not_allowed"))
    elif cooperative.active == active:
        problems.append(Problem("active", "already_active" if active else "already_inactive"))
    problems += check_note(reason, required=True)
    if problems:
        raise MoveRefused(problems)
    cooperative.active = active
    kind = HistoryKind.REACTIVATED if active else HistoryKind.DEACTIVATED
    _flush_cooperative(actor, cooperative, kind)
    return _record(
        actor,
        cooperative,
        kind,
        reason,
        from_active=not active,
        to_active=active,
        effective_date=today,
    )


def bulk_advance(
    actor: User,
    cooperatives: list[Cooperative],
    to_stage: str,
    evidence: Evidence,
    note: str | None,
    expected_versions: dict[int, int],
    today: date,
    settings: MoveSettings | None = None,
) -> list[CooperativeHistory]:
    """Move several cooperatives forward with one shared evidence: all or nothing."""
    settings = settings or MoveSettings.from_app()
    general = check_note(note, required=False)
    if not cooperatives:
        general.append(Problem("cooperatives", "none_selected"))
    if to_stage not in BULK_STAGES:
        # RAT attendance and the NIK belong to one cooperative: never shared evidence.
        general.append(Problem("to_stage", "not_for_bulk"))
    if general:
        raise BulkRefused({}, general)
    refusals: dict[int, list[Problem]] = {}
    stale = []
    for coop in cooperatives:
        if expected_versions.get(coop.id) != coop.version:
            refusals[coop.id] = [Problem("stage", "changed_meanwhile")]
            stale.append(coop.id)
            continue
        problems = move_problems(actor, coop, to_stage, evidence, today, settings)
        if problems:
            refusals[coop.id] = problems
    if refusals:
        raise BulkRefused(refusals, stale=stale)
    moved = []
    for coop in cooperatives:
        try:
            moved.append(
                advance_stage(
                    actor,
                    coop,
                    to_stage,
                    evidence,
                    note,
                    coop.version,
                    today,
                    settings,
                    refresh=False,
                )
            )
        except StaleEdit as error:
            refusal = {error.cooperative_id: [Problem("stage", "changed_meanwhile")]}
            raise BulkRefused(refusal, stale=[error.cooperative_id]) from error
    refresh_facts(db.session, [coop.id for coop in cooperatives])
    audit.record(COOPERATIVES_MOVED, user=actor, to_stage=to_stage, count=len(moved))
    return moved
