"""Visit verbs: log, edit, remove. The acting user is explicit; the caller commits once."""

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ppkl import audit
from ppkl.certification.documents import PendingDocument, certify
from ppkl.certification.services import advance_stage
from ppkl.clock import utcnow
from ppkl.cooperatives.facts import refresh_facts
from ppkl.domain import FieldError
from ppkl.extensions import db
from ppkl.location import VisitLocation, location_problem
from ppkl.models import Cooperative, PendingPhoto, User, Visit, VisitPhoto
from ppkl.visits.pending import adopt
from ppkl.visits.photos import CleanPhoto, PhotoStore, store
from ppkl.visits.rules import (
    PURPOSES,
    edit_window_open,
    follow_up_problem,
    visit_date_problem,
)
from ppkl.workflow import Stage

log = logging.getLogger(__name__)


VISIT_LOGGED = audit.AuditAction("visit.logged", _l("Visit logged"))
VISIT_EDITED = audit.AuditAction("visit.edited", _l("Visit edited"))
VISIT_REMOVED = audit.AuditAction("visit.removed", _l("Visit removed"))


class VisitError(FieldError):
    """A refused visit change; field names the form field, code the reason."""


class NotYourCooperative(Exception):
    """The cooperative exists but the officer does not (or no longer) cover it."""

    def __init__(self, lost):
        super().__init__(f"cooperative {lost.cooperative.id} not covered")
        self.lost = lost


@dataclass
class VisitDetails:
    visited_on: date
    purposes: list[str]
    people_met: str | None = None
    notes: str | None = None
    outcome: str | None = None
    follow_up_on: date | None = None
    follow_up_action: str | None = None


@dataclass(frozen=True)
class StageMove:
    """A stage move recorded with the visit, through the workflow's advance_stage; the move to
    certified goes through certify, with the certificate's photo when one was sent."""

    to_stage: str
    evidence: object
    note: str | None
    expected_version: int | None
    document: PendingDocument | None = None
    store: PhotoStore | None = None
    code_nik_seen: str | None = None


def check_details(details: VisitDetails, today: date) -> None:
    problem = visit_date_problem(details.visited_on, today)
    if problem:
        raise VisitError("visited_on", problem)
    if not details.purposes or not set(details.purposes) <= set(PURPOSES):
        raise VisitError("purposes", "purpose_required")
    problem = follow_up_problem(details.visited_on, details.follow_up_on)
    if problem:
        raise VisitError("follow_up_on", problem)
    if details.follow_up_action and not details.follow_up_on:
        raise VisitError("follow_up_on", "follow_up_date_required")


def apply_details(visit: Visit, details: VisitDetails) -> None:
    visit.visited_on = details.visited_on
    visit.purposes = [p for p in PURPOSES if p in details.purposes]
    for name in ("people_met", "notes", "outcome", "follow_up_action"):
        value = getattr(details, name)
        setattr(visit, name, value.strip() or None if value else None)
    visit.follow_up_on = details.follow_up_on


def check_location(location: VisitLocation | None, now: datetime) -> None:
    if location is not None:
        problem = location_problem(location, now)
        if problem:
            raise VisitError("location", problem)


def apply_location(visit: Visit, location: VisitLocation | None) -> None:
    for name in ("latitude", "longitude", "accuracy_m", "fixed_at"):
        setattr(visit, name, getattr(location, name) if location else None)


def log_visit(
    actor: User,
    cooperative: Cooperative,
    details: VisitDetails,
    photos: Sequence[PendingPhoto],
    today: date,
    move: StageMove | None = None,
    location: VisitLocation | None = None,
    client_uuid: str | None = None,
) -> Visit:
    """Record a visit by actor to a cooperative they cover, with its photos, its position and,
    optionally, a stage move: the caller commits once, so all are saved or none."""

    check_details(details, today)
    check_location(location, utcnow())
    visit = Visit(cooperative_id=cooperative.id, officer_id=actor.id, client_uuid=client_uuid)
    apply_details(visit, details)
    apply_location(visit, location)
    db.session.add(visit)
    db.session.flush()
    if move is not None and move.to_stage == Stage.CERTIFIED:
        certify(
            actor,
            cooperative,
            move.evidence,
            move.note,
            move.expected_version,
            today,
            move.document,
            move.store,
            move.code_nik_seen,
        )
    elif move is not None:
        advance_stage(
            actor,
            cooperative,
            move.to_stage,
            move.evidence,
            move.note,
            move.expected_version,
            today,
            refresh=False,  # refreshed below, with the visit
        )
    adopt(visit, photos)
    refresh_facts(db.session, [cooperative.id])
    audit.record(VISIT_LOGGED, user=actor, target=f"visit:{visit.id}", cooperative=cooperative.id)
    log.info("%s logged visit %s to cooperative %s", actor.username, visit.id, cooperative.id)
    return visit


def add_photos(
    visit: Visit,
    photos: Sequence[CleanPhoto],
    photo_store: PhotoStore,
    client_uuid: str | None = None,
) -> list[VisitPhoto]:
    """Store the photos and their rows; client_uuid (one photo only) is the phone's id for it."""
    rows = []
    for photo in photos:
        name = store(photo, photo_store.storage)
        photo_store.written.append(name)
        rows.append(
            VisitPhoto(
                visit_id=visit.id,
                stored_name=name,
                content_type=photo.content_type,
                size=len(photo.data),
                client_uuid=client_uuid,
            )
        )
    db.session.add_all(rows)
    db.session.flush()
    return rows


def check_editable(actor: User, visit: Visit, now: datetime, edit_days: int) -> None:
    if visit.deleted_at is not None:
        raise VisitError("visited_on", "visit_removed")
    if visit.officer_id != actor.id:
        raise VisitError("visited_on", "not_your_visit")
    if not edit_window_open(visit.created_at, now, edit_days):
        raise VisitError("visited_on", "visit_locked")


@dataclass(frozen=True)
class PhotoChanges:
    """Photos added to (pending ones) and removed from (by id) a visit being edited."""

    add: Sequence[PendingPhoto] = ()
    remove: Sequence[int] = ()
    max_count: int = 5


def edit_visit(
    actor: User,
    visit: Visit,
    details: VisitDetails,
    today: date,
    now: datetime,
    edit_days: int,
    photos: PhotoChanges | None = None,
) -> list[str]:
    """Change a visit and its photos; only its officer, and only within the edit window.
    Returns the stored names of removed photos: the caller deletes the files after commit."""
    check_editable(actor, visit, now, edit_days)
    check_details(details, today)
    photos = photos or PhotoChanges()
    current = db.session.scalars(select(VisitPhoto).where(VisitPhoto.visit_id == visit.id)).all()
    removed = [p for p in current if p.id in set(photos.remove)]
    if len(current) - len(removed) + len(photos.add) > photos.max_count:
        raise VisitError("photos", "too_many_photos")
    before = snapshot(visit)
    apply_details(visit, details)
    after = snapshot(visit)
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if photos.add:
        changed["photos_added"] = len(photos.add)
        adopt(visit, photos.add)
    if removed:
        changed["photos_removed"] = [p.id for p in removed]
        for photo in removed:
            db.session.delete(photo)
    db.session.flush()
    refresh_facts(db.session, [visit.cooperative_id])
    audit.record(VISIT_EDITED, user=actor, target=f"visit:{visit.id}", changed=changed)
    return [p.stored_name for p in removed]


def snapshot(visit: Visit) -> dict:
    values = asdict(
        VisitDetails(
            visit.visited_on,
            list(visit.purposes or []),
            visit.people_met,
            visit.notes,
            visit.outcome,
            visit.follow_up_on,
            visit.follow_up_action,
        )
    )
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def remove_visit(
    actor: User, visit: Visit, reason: str, now: datetime, edit_days: int, *, any_time: bool
) -> None:
    """Soft-delete a visit with a reason: its officer within the window, supervisors any time."""
    reason = (reason or "").strip()
    if not reason:
        raise VisitError("reason", "reason_required")
    if visit.deleted_at is not None:
        raise VisitError("reason", "visit_removed")
    if not any_time:
        check_editable(actor, visit, now, edit_days)
    visit.deleted_at = now
    visit.deleted_by_id = actor.id
    visit.delete_reason = reason
    db.session.flush()
    refresh_facts(db.session, [visit.cooperative_id])
    audit.record(VISIT_REMOVED, user=actor, target=f"visit:{visit.id}", reason=reason)
