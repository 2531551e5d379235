"""API writes for the field app: visits, their photos, the "RAT held" move (other moves:
ppkl.api.move_views). Each is sent with an id made on the phone and is stored exactly once
(ppkl.api.sync)."""

import io
import logging
from collections.abc import Callable
from datetime import UTC

from flask import current_app
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ppkl.access import requires
from ppkl.api.blueprint import bp
from ppkl.api.present import cooperative_json, one_visit_json, photo_json
from ppkl.api.schemas import (
    ErrorSchema,
    MoveOutSchema,
    PhotoInSchema,
    PhotoOutSchema,
    RatHeldInSchema,
    StaleSchema,
    VisitConflictSchema,
    VisitInSchema,
    VisitOutSchema,
)
from ppkl.api.sync import (
    IdConflict,
    NotYours,
    add_photo_once,
    find_visit,
    log_visit_once,
    record_rat_held_once,
)
from ppkl.certification.documents import DocumentError
from ppkl.certification.forms import problem_message
from ppkl.certification.services import MoveRefused
from ppkl.clock import office_today
from ppkl.cooperatives.changes import explain_stale
from ppkl.domain import StaleEdit
from ppkl.extensions import db
from ppkl.json_errors import ApiError, invalid
from ppkl.location import VisitLocation
from ppkl.models import Cooperative, Regency
from ppkl.permissions import Permission
from ppkl.visits.photos import PhotoError, clean_photo, discard
from ppkl.visits.services import PhotoStore, VisitDetails, VisitError
from ppkl.visits.views import message, photo_storage
from ppkl.workflow import RatEvidence

log = logging.getLogger(__name__)


def documents(*statuses: int) -> Callable:
    """Document the JSON errors a view may answer, besides 400 and 401 (every view)."""

    def mark(view):
        for status in (401, *statuses):
            view = bp.alt_response(status, schema=ErrorSchema)(view)
        return view

    return mark


def forbidden() -> ApiError:
    return ApiError(403, "forbidden", _("This cooperative is not assigned to you any more."))


def conflict(error: IdConflict) -> ApiError:
    extra = {"current": one_visit_json(error.current)} if error.current is not None else {}
    return ApiError(409, "conflict", _("Something else was already sent with this id."), **extra)


def stale(error: StaleEdit) -> ApiError:
    """409 `stale` with the cooperative as it is now (who changed it, when, to what)."""
    explain_stale(error)
    return ApiError(
        409,
        error.code,
        _("Someone else changed this cooperative meanwhile. Reload it and try again."),
        current=error.current.as_json(),
    )


def refusal(error: Exception) -> ApiError:
    """A domain refusal as the API's answer; the session has been rolled back."""
    match error:
        case PhotoError():
            return invalid({"file": [message(error.code, error.filename or "file")]})
        case VisitError():
            return invalid({error.field: [message(error.code)]})
        case DocumentError():
            return invalid({"certificate": [problem_message(error.problems[0])]})
        case MoveRefused():
            errors: dict[str, list[str]] = {}
            for problem in error.problems:
                errors.setdefault(problem.field, []).append(problem_message(problem))
            answer = invalid(errors)
            # The phone shows the two NIKs side by side and lets the officer choose.
            for problem in error.problems:
                if problem.code == "nik_differs_from_code":
                    answer.extra["code_nik"] = problem.params["read"]
            return answer
        case StaleEdit():
            return stale(error)
        case IdConflict():
            return conflict(error)
        case NotYours():
            return forbidden()
    raise TypeError(type(error))


REFUSALS = (PhotoError, VisitError, DocumentError, MoveRefused, StaleEdit, IdConflict, NotYours)


def once(store: PhotoStore, write: Callable):
    """Run a write and flush it (the request commits); a concurrent send of the same id (unique
    key or version clash) is retried once, when it finds what the other send stored."""
    for attempt in (1, 2):
        try:
            result = write()
            db.session.flush()
            return result
        except (IntegrityError, StaleEdit) as error:
            db.session.rollback()
            discard(store.written, store.storage)
            if attempt == 2:
                if isinstance(error, IntegrityError):
                    raise
                raise refusal(error) from error
        except REFUSALS as error:
            db.session.rollback()
            discard(store.written, store.storage)
            raise refusal(error) from error
        except Exception:
            db.session.rollback()
            discard(store.written, store.storage)
            raise
    raise AssertionError("unreachable")


def location_of(data) -> VisitLocation | None:
    if not data:
        return None
    fixed_at = data["fixed_at"].astimezone(UTC).replace(tzinfo=None)
    return VisitLocation(data["latitude"], data["longitude"], data["accuracy_m"], fixed_at)


@bp.route("/visits", methods=["POST"])
@requires(Permission.LOG_VISITS)
@bp.arguments(VisitInSchema)
@bp.response(201, VisitOutSchema)
@bp.alt_response(200, schema=VisitOutSchema, description="A resend: the stored visit")
@bp.alt_response(409, schema=VisitConflictSchema, description="The id holds another visit")
@documents(403)
def create_visit(data):
    """Log a visit made on the phone; resending the same visit stores nothing new."""
    details = VisitDetails(
        data["visited_on"],
        data["purposes"],
        data["people_met"],
        data["notes"],
        data["outcome"],
        data["follow_up_on"],
        data["follow_up_action"],
    )
    store = PhotoStore(photo_storage())
    visit, created = once(
        store,
        lambda: log_visit_once(
            current_user,
            data["cooperative_id"],
            str(data["id"]),
            details,
            location_of(data["location"]),
            store,
            office_today(),
        ),
    )
    return one_visit_json(visit), 201 if created else 200


@bp.route("/visits/<uuid:visit_id>/photos", methods=["POST"])
@requires(Permission.LOG_VISITS)
@bp.arguments(PhotoInSchema, location="form", content_type="multipart/form-data")
@bp.response(201, PhotoOutSchema)
@bp.alt_response(200, schema=PhotoOutSchema, description="A resend: the stored photo")
@bp.alt_response(409, schema=ErrorSchema, description="The id holds another photo")
@documents(403, 404, 413)
def add_photo(data, visit_id):
    """Add one photo (JPEG or PNG, field `file`) to a visit sent before, under its own id."""
    visit = find_visit(str(visit_id))
    if visit is None or visit.officer_id != current_user.id or visit.deleted_at is not None:
        raise ApiError(404, "not_found", _("No visit with this id was sent by you."))
    upload = data["file"]
    if not hasattr(upload, "stream"):  # a text field named "file", not an upload
        raise invalid({"file": [_("Invalid input.")]})
    config = current_app.config
    store = PhotoStore(photo_storage())

    # Read once: a retry (after a concurrent send of the same photo) reads it again.
    raw = upload.stream.read(config["VISIT_PHOTO_MAX_BYTES"] + 1)

    def write():
        photo = clean_photo(io.BytesIO(raw), upload.filename or "", config["VISIT_PHOTO_MAX_BYTES"])
        return add_photo_once(
            current_user, visit, str(data["id"]), photo, store, config["VISIT_PHOTO_MAX_COUNT"]
        )

    row, created = once(store, write)
    return photo_json(row), 201 if created else 200


@bp.route("/cooperatives/<int(max=2147483647):cooperative_id>/rat-held", methods=["POST"])
@requires(Permission.MOVE_STAGE)
@bp.arguments(RatHeldInSchema)
@bp.response(201, MoveOutSchema)
@bp.alt_response(200, schema=MoveOutSchema, description="A resend: the move made before")
@bp.alt_response(409, schema=StaleSchema, description="`stale`: the cooperative changed")
@documents(403, 404)
def rat_held(data, cooperative_id):
    """Record "RAT held" with its evidence, at the cooperative version the phone last saw."""
    coop = cooperative_or_404(cooperative_id)
    evidence = RatEvidence(
        data["fiscal_year"], data["held_on"], data["members_present"], data["members_total"]
    )
    store = PhotoStore(photo_storage())
    _entry, created = once(
        store,
        lambda: record_rat_held_once(
            current_user, coop, str(data["id"]), evidence, data["version"], office_today()
        ),
    )
    return move_answer(coop, created)


def cooperative_or_404(cooperative_id: int) -> Cooperative:
    coop = db.session.get(Cooperative, cooperative_id)
    if coop is None:
        raise ApiError(404, "not_found", _("There is no such cooperative."))
    return coop


def move_answer(coop: Cooperative, created: bool):
    """A move's answer: the cooperative as it is now; 201 when moved now, 200 for a resend."""
    db.session.refresh(coop)
    regency = db.session.get(Regency, coop.regency_id)
    return {"cooperative": cooperative_json(coop, regency.name)}, 201 if created else 200
