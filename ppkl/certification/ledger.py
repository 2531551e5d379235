"""Verbs of the RAT ledger (yearly RAT, report, health) and of the certification targets.

Like the move services they take the acting user, flush, audit and never commit.
"""

import logging
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ppkl import audit
from ppkl.certification.queries import find_rat
from ppkl.certification.services import MoveSettings
from ppkl.cooperatives.changes import check_version, flush_changed, mark_changed
from ppkl.domain import DomainError
from ppkl.extensions import db
from ppkl.models import CertificationTarget, Cooperative, RatRecord, User
from ppkl.models.target_change import TargetChange
from ppkl.permissions import Permission, can_record_rat, has_permission
from ppkl.workflow import EvidenceContext, Problem, RatEvidence, Stage, check_evidence

log = logging.getLogger(__name__)


RAT_RECORDED = audit.AuditAction("rat.recorded", _l("RAT recorded"))
RAT_UPDATED = audit.AuditAction("rat.updated", _l("RAT updated"))
TARGET_SET = audit.AuditAction("target.set", _l("Target set"))
TARGET_REMOVED = audit.AuditAction("target.removed", _l("Target removed"))


def _flush_or_refuse(problem: Problem) -> None:
    """A unique row written by someone else in parallel: refuse cleanly (the caller rolls back)."""
    try:
        db.session.flush()
    except IntegrityError as error:
        log.info("parallel write refused: %s", problem.code)
        raise DomainError([problem]) from error


def record_rat(
    actor: User,
    cooperative: Cooperative,
    evidence: RatEvidence,
    report_received_on: date | None,
    health: str | None,
    health_categories: tuple[str, ...] | list[str],
    today: date,
    settings: MoveSettings | None = None,
    expected_version: int | None = None,
) -> RatRecord:
    """Record (or bring up to date) the RAT of one fiscal year; the stage does not change,
    the cooperative's version does (a RAT recorded meanwhile makes other open pages stale)."""
    settings = settings or MoveSettings.from_app()
    check_version(cooperative, expected_version)
    if not can_record_rat(actor, cooperative):
        raise DomainError([Problem("stage", "not_allowed")])
    ctx = EvidenceContext(today=today, fiscal_year_end=settings.deadlines.fiscal_year_end)
    problems = check_evidence(Stage.RAT_HELD, evidence, ctx)
    if report_received_on is not None:
        if report_received_on > today:
            problems.append(Problem("report_received_on", "in_future"))
        elif report_received_on < evidence.held_on:
            problems.append(Problem("report_received_on", "before_rat", {"date": evidence.held_on}))
    if health and health not in health_categories:
        problems.append(Problem("health", "unknown_health"))
    if problems:
        raise DomainError(problems)
    rat = find_rat(cooperative.id, evidence.fiscal_year)
    action = RAT_UPDATED if rat else RAT_RECORDED
    mark_changed(cooperative, actor, action)
    flush_changed(cooperative)
    before = None
    if rat is None:
        rat = RatRecord(
            cooperative_id=cooperative.id, fiscal_year=evidence.fiscal_year, created_by_id=actor.id
        )
        db.session.add(rat)
    else:
        before = {
            "held_on": rat.held_on.isoformat(),
            "members_present": rat.members_present,
            "report_received_on": rat.report_received_on and rat.report_received_on.isoformat(),
            "health": rat.health,
        }
    rat.held_on = evidence.held_on
    rat.members_present = evidence.members_present
    rat.members_total = evidence.members_total
    rat.report_received_on = report_received_on
    rat.health = health or None
    rat.voided_at = rat.voided_by_id = rat.void_reason = None  # recorded again: in force
    _flush_or_refuse(Problem("fiscal_year", "rat_exists"))
    audit.record(
        action,
        user=actor,
        target=f"cooperative:{cooperative.id}",
        fiscal_year=evidence.fiscal_year,
        before=before,
    )
    log.info("%s for cooperative %s by %s", action, cooperative.id, actor.username)
    return rat


def _target_row(year: int, regency_id: int | None) -> CertificationTarget | None:
    return db.session.scalar(
        select(CertificationTarget).where(
            CertificationTarget.year == year,
            CertificationTarget.regency_id.is_(None)
            if regency_id is None
            else CertificationTarget.regency_id == regency_id,
        )
    )


def set_target(actor: User, year: int, regency_id: int | None, target: int) -> CertificationTarget:
    """Set the number of cooperatives to certify by 31 December of `year` (supervisors)."""
    if not has_permission(actor, Permission.SUPERVISE_CERTIFICATION):
        raise DomainError([Problem("target", "not_allowed")])
    if target is None or target < 1:
        raise DomainError([Problem("target", "target_positive")])
    row = _target_row(year, regency_id)
    if row is None:
        row = CertificationTarget(year=year, regency_id=regency_id)
        db.session.add(row)
    before = row.target
    row.target = target
    row.set_by_id = actor.id
    db.session.add(
        TargetChange(year=year, regency_id=regency_id, target=target, changed_by_id=actor.id)
    )
    _flush_or_refuse(Problem("target", "changed_meanwhile"))
    audit.record(
        TARGET_SET, user=actor, year=year, regency_id=regency_id, target=target, before=before
    )
    return row


def remove_target(actor: User, year: int, regency_id: int | None) -> None:
    """Remove a yearly target (supervisors); its history keeps what it was."""
    if not has_permission(actor, Permission.SUPERVISE_CERTIFICATION):
        raise DomainError([Problem("target", "not_allowed")])
    row = _target_row(year, regency_id)
    if row is None:
        raise DomainError([Problem("target", "changed_meanwhile")])
    before = row.target
    db.session.delete(row)
    db.session.add(
        TargetChange(year=year, regency_id=regency_id, target=None, changed_by_id=actor.id)
    )
    db.session.flush()
    audit.record(TARGET_REMOVED, user=actor, year=year, regency_id=regency_id, before=before)
