"""Assigning officers to cooperatives, with history. The acting user is explicit; the caller
commits once, so a refused step leaves nothing half-written."""

import logging
from collections.abc import Sequence
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ppkl import audit
from ppkl.cooperatives.changes import check_versions, mark_many_changed
from ppkl.coverage import scope, user_in_scope
from ppkl.domain import FieldError
from ppkl.extensions import db
from ppkl.models import Assignment, Cooperative, User
from ppkl.models.user import OFFICER_ROLES

log = logging.getLogger(__name__)


# Also recorded by the account form (ppkl.admin), which sits above this area.
USER_DEACTIVATED = audit.AuditAction("user.deactivated", _l("Account deactivated"))
COOPERATIVES_ASSIGNED = audit.AuditAction("cooperatives.assigned", _l("Officer assigned"))
COOPERATIVES_UNASSIGNED = audit.AuditAction(
    "cooperatives.unassigned", _l("Officer assignment ended")
)


class AssignmentError(FieldError):
    """A refused assignment; field names the form field, code the reason."""


def check_officer(actor: User, officer: User) -> None:
    if officer.role not in OFFICER_ROLES or not user_in_scope(actor, officer):
        raise AssignmentError("officer", "not_an_officer")
    if not officer.active:
        raise AssignmentError("officer", "officer_inactive")


def checked_ids(cooperative_ids: Sequence[int], *within: User) -> list[int]:
    """The distinct ids, sorted; refused as a whole when empty or when any is not a
    cooperative within the scope of each account given (the actor's, and the officer's
    province: nobody works for another province), as one that does not exist (on SQLite they
    would become orphan rows, on PostgreSQL a failed commit)."""
    ids = sorted(set(cooperative_ids))
    if not ids:
        raise AssignmentError("cooperative_ids", "nothing_selected")
    found = set(
        db.session.scalars(
            select(Cooperative.id).where(
                Cooperative.id.in_(ids), *(scope(account) for account in within)
            )
        )
    )
    if len(found) != len(ids):
        raise AssignmentError("cooperative_ids", "unknown_cooperative")
    return ids


def end_current(
    cooperative_ids: Sequence[int], role: str, today: date, keep: int | None
) -> list[int]:
    """Close the current assignments of one role (except keep's own); returns their
    cooperatives."""
    rows = db.session.scalars(
        select(Assignment).where(
            Assignment.cooperative_id.in_(cooperative_ids),
            Assignment.officer_role == role,
            Assignment.end_date.is_(None),
        )
    ).all()
    ended = []
    for row in rows:
        if row.officer_id != keep:
            row.end_date = today
            ended.append(row.cooperative_id)
    # The partial unique index allows one current row per role: close before opening.
    db.session.flush()
    return ended


def assign_officer(
    actor: User,
    cooperative_ids: Sequence[int],
    officer: User,
    today: date,
    expected_versions: dict[int, int] | None = None,
) -> int:
    """Make officer the current PPKL/DAK of the cooperatives; returns how many changed hands.
    With the versions the page showed, a cooperative changed since refuses all (StaleEdit)."""
    check_officer(actor, officer)
    ids = checked_ids(cooperative_ids, actor, officer)
    if expected_versions is not None:
        check_versions(ids, expected_versions)
    ended = end_current(ids, officer.role, today, keep=officer.id)
    already = set(
        db.session.scalars(
            select(Assignment.cooperative_id).where(
                Assignment.cooperative_id.in_(ids),
                Assignment.officer_id == officer.id,
                Assignment.end_date.is_(None),
            )
        )
    )
    new_ids = [i for i in ids if i not in already]
    db.session.add_all(
        Assignment(
            cooperative_id=i,
            officer_id=officer.id,
            officer_role=officer.role,
            start_date=today,
            assigned_by_id=actor.id,
        )
        for i in new_ids
    )
    db.session.flush()
    mark_many_changed({*ended, *new_ids}, actor, COOPERATIVES_ASSIGNED, expected_versions)
    audit.record(
        COOPERATIVES_ASSIGNED,
        user=actor,
        target=f"user:{officer.id}",
        role=officer.role,
        count=len(new_ids),
        cooperative_ids=new_ids[:1000],
    )
    log.info("%s assigned %d cooperatives to %s", actor.username, len(new_ids), officer.username)
    return len(new_ids)


def unassign_role(
    actor: User,
    cooperative_ids: Sequence[int],
    role: str,
    today: date,
    expected_versions: dict[int, int] | None = None,
) -> int:
    """End the current assignments of one role (PPKL or DAK) on the cooperatives."""
    if role not in OFFICER_ROLES:
        raise AssignmentError("officer", "not_an_officer")
    ids = checked_ids(cooperative_ids, actor)
    if expected_versions is not None:
        check_versions(ids, expected_versions)
    ended = end_current(ids, role, today, keep=None)
    mark_many_changed(ended, actor, COOPERATIVES_UNASSIGNED, expected_versions)
    audit.record(
        COOPERATIVES_UNASSIGNED,
        user=actor,
        target=f"role:{role}",
        count=len(ended),
        cooperative_ids=ids[:1000],
    )
    return len(ended)


def current_cooperative_ids(officer: User) -> list[int]:
    return list(
        db.session.scalars(
            select(Assignment.cooperative_id).where(
                Assignment.officer_id == officer.id, Assignment.end_date.is_(None)
            )
        )
    )


def deactivate_officer(actor: User, officer: User, successor: User | None, today: date) -> int:
    """Deactivate an officer; their cooperatives pass to successor in the same transaction."""
    if officer.id == actor.id:
        raise AssignmentError("successor", "cannot_deactivate_self")
    if not officer.active:
        raise AssignmentError("successor", "already_inactive")
    ids = current_cooperative_ids(officer)
    moved = 0
    if ids:
        if successor is None:
            raise AssignmentError("successor", "successor_required")
        if successor.id == officer.id:
            raise AssignmentError("successor", "successor_is_officer")
        if successor.role != officer.role or successor.province_id != officer.province_id:
            raise AssignmentError("successor", "successor_wrong_role")
        if not successor.active:
            raise AssignmentError("successor", "officer_inactive")
        moved = assign_officer(actor, ids, successor, today)
    officer.active = False
    officer.end_all_sessions()
    audit.record(
        USER_DEACTIVATED,
        user=actor,
        target=f"user:{officer.id}",
        successor=successor.id if successor and ids else None,
        cooperatives=moved,
    )
    return moved
