"""Certificate photos and scans: checked, stored, held while the user confirms, attached.

A JPEG or PNG goes through the visit photos' cleaning (content checked with Pillow, re-encoded
upright without EXIF or location); a PDF is checked by its magic bytes, its end marker and the
size limit, and stored as sent (nothing renders it). Files go to the shared storage
(ppkl.storage) under random names, through the same PhotoStore the visit photos use, so a
rolled-back request removes what it wrote.

An upload is kept "pending" between the page that read its code and the confirmed save: the
file waits under pending/ and the form carries a signed token naming it, its user and its
cooperative, so a token cannot be replayed by someone else or on another cooperative.
"""

import io
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ppkl import audit
from ppkl.certification.codes import CodeReading, Reading
from ppkl.certification.ledger import record_rat
from ppkl.certification.services import MoveRefused, advance_stage
from ppkl.domain import FieldError, Problem
from ppkl.extensions import db
from ppkl.models import CertificateDocument, Cooperative, CooperativeHistory, RatRecord, User
from ppkl.storage.app import CERTIFICATES, storage_for
from ppkl.storage.base import NotStored, Storage
from ppkl.visits.photos import CleanPhoto, PhotoError, PhotoStore, clean_photo, discard
from ppkl.visits.photos import store as store_photo
from ppkl.workflow import CertificateEvidence, Stage

log = logging.getLogger(__name__)

# The visit photos' store and clean-up serve the certificate pages too (one definition).
__all__ = ["PhotoStore", "discard"]

PDF_MAGIC = b"%PDF-"
PDF_END = b"%%EOF"
PENDING = "pending"

CERTIFICATE_KEPT = audit.AuditAction("certificate.kept", _l("Certificate photo kept"))


class DocumentError(FieldError):
    """A refused certificate upload, shown next to the file field."""

    def __init__(self, code: str, filename: str = ""):
        super().__init__("certificate", code, name=filename)


def certificate_storage() -> Storage:
    return storage_for(CERTIFICATES)


def clean_document(stream, filename: str, max_bytes: int) -> CleanPhoto:
    """Read at most max_bytes; a JPEG or PNG is cleaned like a visit photo, a PDF checked."""
    raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise DocumentError("too_large", filename)
    if raw.startswith(PDF_MAGIC):
        # A truncated upload has no end marker (it may be followed by a newline or two).
        if PDF_END not in raw[-1024:]:
            raise DocumentError("damaged_pdf", filename)
        return CleanPhoto(raw, "application/pdf", "pdf")
    try:
        return clean_photo(io.BytesIO(raw), filename, max_bytes)
    except PhotoError as error:
        raise DocumentError(error.code, filename) from error


@dataclass(frozen=True)
class PendingDocument:
    """An upload waiting for the user's confirmation, and what its code held."""

    token: str
    name: str
    content_type: str
    size: int
    reading: CodeReading


@dataclass(frozen=True)
class SentCertificate:
    """A certificate photo sent with a move queued on a phone: cleaned, its code read. The NIK
    the officer typed on the phone is their confirmation, so nothing waits pending."""

    photo: CleanPhoto
    reading: CodeReading


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="certificate-upload")


def hold(
    photo: CleanPhoto,
    reading: CodeReading,
    storage: Storage,
    secret: str,
    user_id: int,
    cooperative_id: int,
    max_age: int,
) -> PendingDocument:
    """Keep a cleaned upload under pending/ and sign a token for the form to carry."""
    sweep(storage, max_age)
    name = f"{secrets.token_hex(16)}.{photo.extension}"
    storage.put(pending_key(name), photo.data)
    token = _serializer(secret).dumps(
        {
            "name": name,
            "type": photo.content_type,
            "user": user_id,
            "coop": cooperative_id,
            "status": reading.status.value,
            "nik": reading.nik,
        }
    )
    return PendingDocument(token, name, photo.content_type, len(photo.data), reading)


def pending_key(name: str) -> str:
    return f"{PENDING}/{name}"


def held(
    token: str, storage: Storage, secret: str, user_id: int, cooperative_id: int, max_age: int
) -> PendingDocument:
    """The pending upload a form's token names; refused when forged, foreign or expired."""
    try:
        data = _serializer(secret).loads(token, max_age=max_age)
    except BadSignature as error:
        raise DocumentError("upload_expired") from error
    if data.get("user") != user_id or data.get("coop") != cooperative_id:
        raise DocumentError("upload_expired")
    name = str(data["name"])
    if "/" in name:
        raise DocumentError("upload_expired")
    try:
        size = storage.stat(pending_key(name)).size
    except NotStored as error:
        raise DocumentError("upload_expired") from error
    reading = CodeReading(Reading(data["status"]), data.get("nik"))
    return PendingDocument(token, name, data["type"], size, reading)


def sweep(storage: Storage, max_age: int) -> None:
    """Remove pending uploads nobody confirmed in time."""
    limit = time.time() - max_age
    for stored in list(storage.list(PENDING + "/")):
        if stored.modified < limit:
            try:
                storage.delete(stored.key)
            except Exception:  # the next sweep tries again
                log.warning("could not remove stale pending upload %s", stored.key, exc_info=True)


def release(document: PendingDocument, storage: Storage) -> None:
    """Forget a pending upload once its move is committed."""
    storage.delete(pending_key(document.name))


def attach(
    actor: User,
    cooperative_id: int,
    document: PendingDocument,
    store: PhotoStore,
    *,
    history_id: int | None = None,
    rat_record_id: int | None = None,
) -> CertificateDocument:
    """Keep a pending upload as evidence of a history row or RAT record; flushes, no commit.

    The file is copied (not moved) so the pending upload survives a rolled-back request."""
    extension = document.name.rsplit(".", 1)[-1]
    name = f"{secrets.token_hex(16)}.{extension}"
    store.storage.copy(pending_key(document.name), name)
    store.written.append(name)
    return _document_row(
        actor,
        cooperative_id,
        name,
        document.content_type,
        document.size,
        document.reading,
        history_id=history_id,
        rat_record_id=rat_record_id,
    )


def keep(
    actor: User,
    cooperative_id: int,
    photo: CleanPhoto,
    reading: CodeReading,
    store: PhotoStore,
    *,
    history_id: int,
) -> CertificateDocument:
    """Keep a cleaned upload at once as a history row's evidence (the field app's queued move:
    the user confirmed the NIK on the phone, so nothing waits pending); flushes, no commit."""
    name = store_photo(photo, store.storage)
    store.written.append(name)
    return _document_row(
        actor,
        cooperative_id,
        name,
        photo.content_type,
        len(photo.data),
        reading,
        history_id=history_id,
    )


def _document_row(
    actor: User,
    cooperative_id: int,
    name: str,
    content_type: str,
    size: int,
    reading: CodeReading,
    **proves,
) -> CertificateDocument:
    row = CertificateDocument(
        cooperative_id=cooperative_id,
        stored_name=name,
        content_type=content_type,
        size=size,
        nik_read=reading.nik,
        uploaded_by_id=actor.id,
        **proves,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        CERTIFICATE_KEPT,
        user=actor,
        target=f"cooperative:{cooperative_id}",
        document=row.id,
        nik_read=reading.nik,
    )
    log.info("certificate document %s for cooperative %s", row.id, cooperative_id)
    return row


def code_nik_problems(nik: str, read: str | None, seen: str | None) -> list:
    """A typed NIK that differs from the one the code holds (`read`) is saved only once the
    user has been shown the two side by side (`seen`: the code's NIK the page or phone showed)."""
    if read is None or nik == read or seen == read:
        return []
    return [Problem("nik", "nik_differs_from_code", {"read": read, "typed": nik})]


def certify(
    actor: User,
    cooperative: Cooperative,
    evidence: CertificateEvidence,
    note: str | None,
    expected_version: int | None,
    today: date,
    document: PendingDocument | SentCertificate | None,
    store: PhotoStore,
    code_nik_seen: str | None = None,
) -> CooperativeHistory:
    """The move to certified, with the certificate's photo or scan as its evidence when one
    was sent; flushes, never commits."""
    read = document.reading.nik if document else None
    problems = code_nik_problems(evidence.nik, read, code_nik_seen)
    if problems:
        raise MoveRefused(problems)
    entry = advance_stage(
        actor, cooperative, Stage.CERTIFIED, evidence, note, expected_version, today
    )
    if isinstance(document, PendingDocument):
        attach(actor, cooperative.id, document, store, history_id=entry.id)
    elif document is not None:
        keep(actor, cooperative.id, document.photo, document.reading, store, history_id=entry.id)
    return entry


def record_rat_with_document(
    actor: User,
    cooperative: Cooperative,
    document: PendingDocument | None,
    store: PhotoStore,
    **rat,
) -> RatRecord:
    """A RAT record (ppkl.certification.ledger.record_rat) with the document sent with it."""
    record = record_rat(actor, cooperative, **rat)
    if document is not None:
        attach(actor, cooperative.id, document, store, rat_record_id=record.id)
    return record
