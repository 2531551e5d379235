"""API stage moves queued on the phone: every forward move an officer may make in the field,
the certificate move with its photo. Stored exactly once under the phone's id
(ppkl.api.sync.record_move_once), through the same verbs as the forms."""

import hashlib
import io

from flask import current_app
from flask_babel import gettext as _
from flask_login import current_user

from ppkl.access import requires
from ppkl.api.blueprint import bp
from ppkl.api.schemas import (
    MoveInSchema,
    MoveOutSchema,
    ReadingInSchema,
    ReadingOutSchema,
    StaleSchema,
)
from ppkl.api.sync import record_move_once
from ppkl.api.views import cooperative_or_404, documents, forbidden, move_answer, once, refusal
from ppkl.certification.codes import read_nik
from ppkl.certification.documents import (
    DocumentError,
    SentCertificate,
    certificate_storage,
    certify,
    clean_document,
)
from ppkl.certification.labels import reading_message
from ppkl.certification.services import advance_stage
from ppkl.clock import office_today
from ppkl.extensions import db
from ppkl.json_errors import ApiError, invalid
from ppkl.models import ClientMove, Cooperative
from ppkl.permissions import Permission, can_view_cooperative
from ppkl.visits.services import PhotoStore
from ppkl.workflow import EVIDENCE_FOR, Stage, evidence_json


def evidence_of(to_stage: Stage, data: dict):
    """The move's evidence from the form's fields; every missing one is named at once."""
    kind = EVIDENCE_FOR[to_stage]
    names = list(kind.__dataclass_fields__)
    missing = {
        name: [_("This field is required.")] for name in names if data.get(name) in (None, "")
    }
    if missing:
        raise invalid(missing)
    values = {name: data[name] for name in names}
    if isinstance(values.get("nik"), str):
        values["nik"] = values["nik"].strip()
    return kind(**values)


def uploaded(data: dict) -> tuple[bytes, str] | None:
    """The certificate file's bytes (read once, up to one byte over the limit) and name."""
    upload = data.get("certificate")
    if upload is None:
        return None
    if not hasattr(upload, "stream"):  # a text field named "certificate", not an upload
        raise invalid({"certificate": [_("Invalid input.")]})
    limit = current_app.config["CERTIFICATE_MAX_BYTES"]
    return upload.stream.read(limit + 1), upload.filename or "certificate"


def sent_certificate(raw: bytes, filename: str) -> SentCertificate:
    """Cleaned like every certificate upload; its code read as the web form reads it."""
    config = current_app.config
    photo = clean_document(io.BytesIO(raw), filename, config["CERTIFICATE_MAX_BYTES"])
    return SentCertificate(photo, read_nik(photo.data, photo.content_type, config["NIK_PATTERN"]))


@bp.route("/cooperatives/<int(max=2147483647):cooperative_id>/moves", methods=["POST"])
@requires(Permission.MOVE_STAGE)
@bp.arguments(MoveInSchema, location="form", content_type="multipart/form-data")
@bp.response(201, MoveOutSchema)
@bp.alt_response(200, schema=MoveOutSchema, description="A resend: the move made before")
@bp.alt_response(409, schema=StaleSchema, description="`stale`: the cooperative changed")
@documents(403, 404, 413)
def move(data, cooperative_id):
    """Move the cooperative one stage forward with its evidence, at the version the phone last
    saw. To `certified`, the certificate's photo may come along (field `certificate`): its code
    is read, and a typed NIK that differs from it is refused (`errors.nik`, `code_nik`) unless
    the officer saw the code's NIK and kept theirs (`code_nik`)."""
    coop = cooperative_or_404(cooperative_id)
    to_stage = Stage(data["to_stage"])
    evidence = evidence_of(to_stage, data)
    file = uploaded(data) if to_stage == Stage.CERTIFIED else None
    content = {
        "cooperative_id": coop.id,
        "version": data["version"],
        "to_stage": to_stage.value,
        "evidence": evidence_json(evidence),
        "note": data.get("note"),
        "code_nik": data.get("code_nik"),
        "certificate": hashlib.sha256(file[0]).hexdigest() if file else None,
    }
    store = PhotoStore(certificate_storage())
    today = office_today()

    def make_move():
        if to_stage != Stage.CERTIFIED:
            return advance_stage(
                current_user, coop, to_stage, evidence, data.get("note"), data["version"], today
            )
        return certify(
            current_user,
            coop,
            evidence,
            data.get("note"),
            data["version"],
            today,
            sent_certificate(*file) if file else None,
            store,
            data.get("code_nik"),
        )

    _entry, created = once(
        store,
        lambda: record_move_once(current_user, coop, str(data["id"]), content, make_move),
    )
    return move_answer(coop, created)


@bp.route("/moves/<uuid:move_id>")
@requires(Permission.MOVE_STAGE)
@bp.response(200, MoveOutSchema)
@documents(404)
def sent_move(move_id):
    """Whether a move sent under this id was recorded: the phone asks before sending a move
    (and its certificate photo) again that its service worker may have sent meanwhile."""
    stored = db.session.get(ClientMove, str(move_id))
    if stored is None or stored.user_id != current_user.id:
        raise ApiError(404, "not_found", _("No move with this id was sent by you."))
    return move_answer(db.session.get(Cooperative, stored.cooperative_id), False)


@bp.route(
    "/cooperatives/<int(max=2147483647):cooperative_id>/certificate-reading", methods=["POST"]
)
@requires(Permission.MOVE_STAGE)
@bp.arguments(ReadingInSchema, location="form", content_type="multipart/form-data")
@bp.response(200, ReadingOutSchema)
@documents(403, 404, 413)
def certificate_reading(data, cooperative_id):
    """Read the code in a certificate's photo so the phone, when online, can put the NIK in the
    field for the officer to check. Nothing is stored: the move, sent later with its photo, is
    checked against it again."""
    coop = cooperative_or_404(cooperative_id)
    if not can_view_cooperative(current_user, coop):
        raise forbidden()
    file = uploaded(data)
    try:
        reading = sent_certificate(*file).reading
    except DocumentError as error:
        raise refusal(error) from error
    return {"status": reading.status.value, "nik": reading.nik, "message": reading_message(reading)}
