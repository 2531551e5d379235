"""Exactly-once writes for the field app: each visit, photo and move carries an id made on the
phone, so a resend (after a lost answer) finds what the first send stored instead of storing it
again. The rules themselves are the forms' services (log_visit, add_photos, advance_stage);
these verbs only add the id check. They flush, the caller commits once.
"""

from collections.abc import Callable
from dataclasses import asdict
from datetime import date

from sqlalchemy import select

from ppkl.certification.services import advance_stage
from ppkl.extensions import db
from ppkl.location import VisitLocation
from ppkl.models import ClientMove, Cooperative, CooperativeHistory, User, Visit, VisitPhoto
from ppkl.permissions import can_view_cooperative
from ppkl.visits.photos import CleanPhoto
from ppkl.visits.queries import covered_cooperative
from ppkl.visits.services import (
    PhotoStore,
    VisitDetails,
    VisitError,
    add_photos,
    apply_details,
    apply_location,
    log_visit,
    snapshot,
)
from ppkl.workflow import RatEvidence, Stage


class NotYours(Exception):
    """The cooperative exists but is not (any more) the actor's."""


class IdConflict(Exception):
    """The id was used before for something else; `current` is what it holds (None when that
    belongs to another user, who is not told about it)."""

    def __init__(self, current=None):
        super().__init__("client id already used")
        self.current = current


def visit_content(visit: Visit) -> dict:
    """What makes two sends of a visit "the same": its cooperative, fields and position."""
    return {
        "cooperative_id": visit.cooperative_id,
        **snapshot(visit),
        "location": [visit.latitude, visit.longitude, visit.accuracy_m, visit.fixed_at],
    }


def covered(actor: User, cooperative_id: int) -> Cooperative:
    """The cooperative if actor covers it; NotYours when it is someone else's."""
    coop = covered_cooperative(db.session, actor, cooperative_id)
    if coop is None:
        if db.session.get(Cooperative, cooperative_id) is None:
            raise VisitError("cooperative_id", "not_your_cooperative")
        raise NotYours()
    return coop


def log_visit_once(
    actor: User,
    cooperative_id: int,
    client_uuid: str,
    details: VisitDetails,
    location: VisitLocation | None,
    photo_store: PhotoStore,
    today: date,
) -> tuple[Visit, bool]:
    """(visit, True) when stored now; (the stored visit, False) for a resend of the same visit;
    IdConflict when the id holds a different visit. A resend is answered even when the
    cooperative was reassigned since the first send."""
    stored = find_visit(client_uuid)
    if stored is not None:
        if stored.officer_id != actor.id:
            raise IdConflict()
        candidate = Visit(cooperative_id=cooperative_id)
        apply_details(candidate, details)
        apply_location(candidate, location)
        if visit_content(candidate) != visit_content(stored):
            raise IdConflict(stored)
        return stored, False
    visit = log_visit(
        actor,
        covered(actor, cooperative_id),
        details,
        [],
        today,
        location=location,
        client_uuid=client_uuid,
    )
    return visit, True


def find_visit(client_uuid: str) -> Visit | None:
    return db.session.scalar(select(Visit).where(Visit.client_uuid == client_uuid))


def add_photo_once(
    actor: User,
    visit: Visit,
    client_uuid: str,
    photo: CleanPhoto,
    photo_store: PhotoStore,
    max_count: int,
) -> tuple[VisitPhoto, bool]:
    """Add one photo to actor's visit under the phone's id; a resend answers the stored one."""
    stored = db.session.scalar(select(VisitPhoto).where(VisitPhoto.client_uuid == client_uuid))
    if stored is not None:
        if stored.visit_id != visit.id:
            raise IdConflict()
        return stored, False
    if visit.officer_id != actor.id:
        raise VisitError("visited_on", "not_your_visit")
    count = db.session.scalar(
        select(db.func.count()).select_from(VisitPhoto).where(VisitPhoto.visit_id == visit.id)
    )
    if count >= max_count:
        raise VisitError("photos", "too_many_photos")
    (row,) = add_photos(visit, [photo], photo_store, client_uuid=client_uuid)
    return row, True


def move_content(cooperative_id: int, evidence: RatEvidence, expected_version: int) -> dict:
    values = asdict(evidence)
    values["held_on"] = evidence.held_on.isoformat()
    return {"cooperative_id": cooperative_id, "version": expected_version, **values}


def record_rat_held_once(
    actor: User,
    cooperative: Cooperative,
    client_uuid: str,
    evidence: RatEvidence,
    expected_version: int,
    today: date,
) -> tuple[CooperativeHistory, bool]:
    """The "RAT held" move through the workflow's advance_stage (same rules, same version
    check), remembered under the phone's id so a resend does not move twice."""
    return record_move_once(
        actor,
        cooperative,
        client_uuid,
        move_content(cooperative.id, evidence, expected_version),
        lambda: advance_stage(
            actor, cooperative, Stage.RAT_HELD, evidence, None, expected_version, today
        ),
    )


def record_move_once(
    actor: User,
    cooperative: Cooperative,
    client_uuid: str,
    content: dict,
    move: Callable[[], CooperativeHistory],
) -> tuple[CooperativeHistory, bool]:
    """Make a stage move (`move`: the workflow's verb, same rules, same version check) and
    remember it under the phone's id; a resend of the same content answers the move made
    before, without moving twice. `content` is what makes two sends "the same"."""
    stored = db.session.get(ClientMove, client_uuid)
    if stored is not None:
        if stored.user_id != actor.id or stored.payload != content:
            raise IdConflict()
        return db.session.get(CooperativeHistory, stored.history_id), False
    if not can_view_cooperative(actor, cooperative):
        raise NotYours()
    entry = move()
    db.session.add(
        ClientMove(
            client_uuid=client_uuid,
            user_id=actor.id,
            cooperative_id=cooperative.id,
            history_id=entry.id,
            payload=content,
        )
    )
    db.session.flush()
    return entry, True
