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
from ppkl.coverage import regency_in_scope, scope_province_id, sees_nation
from ppkl.domain import DomainError
from ppkl.extensions import db
from ppkl.models import CertificationTarget, Cooperative, Province, RatRecord, User
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


def target_area(
    actor: User, regency_id: int | None, province_id: int | None
) -> tuple[int | None, int | None]:
    """(province_id, regency_id) of the target the actor means: a regency of their scope; else
    their own province; else, for the nation, the province chosen or (none) the nation."""
    if not has_permission(actor, Permission.SUPERVISE_CERTIFICATION):
        raise DomainError([Problem("target", "not_allowed")])
    if regency_id is not None:
        if not regency_in_scope(actor, regency_id):
            raise DomainError([Problem("regency_id", "not_allowed")])
        return None, regency_id
    if not sees_nation(actor):
        own = scope_province_id(actor)
        if own is None:
            raise DomainError([Problem("target", "not_allowed")])
        return own, None
    if province_id is not None and db.session.get(Province, province_id) is None:
        raise DomainError([Problem("province_id", "not_allowed")])
    return province_id, None


def _target_row(year: int, province_id: int | None, regency_id: int | None):
    def same(column, value):
        return column.is_(None) if value is None else column == value

    return db.session.scalar(
        select(CertificationTarget).where(
            CertificationTarget.year == year,
            same(CertificationTarget.regency_id, regency_id),
            same(CertificationTarget.province_id, province_id),
        )
    )


def _record_change(actor, year, province_id, regency_id, target: int | None) -> None:
    """The target's history row (None: removed)."""
    db.session.add(
        TargetChange(
            year=year,
            regency_id=regency_id,
            province_id=province_id,
            target=target,
            changed_by_id=actor.id,
        )
    )


def set_target(
    actor: User, year: int, regency_id: int | None, target: int, province_id: int | None = None
) -> CertificationTarget:
    """Set the number of cooperatives to certify by 31 December of `year` (supervisors; the
    nation's and any province's: admins)."""
    province_id, regency_id = target_area(actor, regency_id, province_id)
    if target is None or target < 1:
        raise DomainError([Problem("target", "target_positive")])
    row = _target_row(year, province_id, regency_id)
    if row is None:
        row = CertificationTarget(year=year, regency_id=regency_id, province_id=province_id)
        db.session.add(row)
    before = row.target
    row.target = target
    row.set_by_id = actor.id
    _record_change(actor, year, province_id, regency_id, target)
    _flush_or_refuse(Problem("target", "changed_meanwhile"))
    audit.record(
        TARGET_SET,
        user=actor,
        year=year,
        regency_id=regency_id,
        province_id=province_id,
        target=target,
        before=before,
    )
    return row


def remove_target(
    actor: User, year: int, regency_id: int | None, province_id: int | None = None
) -> None:
    """Remove a yearly target (supervisors); its history keeps what it was."""
    province_id, regency_id = target_area(actor, regency_id, province_id)
    row = _target_row(year, province_id, regency_id)
    if row is None:
        raise DomainError([Problem("target", "changed_meanwhile")])
    before = row.target
    db.session.delete(row)
    _record_change(actor, year, province_id, regency_id, None)
    db.session.flush()
    audit.record(
        TARGET_REMOVED,
        user=actor,
        year=year,
        regency_id=regency_id,
        province_id=province_id,
        before=before,
    )
