"""The certificate's photo on the visit form's move to certified: taken, read and kept exactly
as on the move page (ppkl.certification.uploads), so the visit, the move and the file are saved
together or not at all, and a refused save keeps the file pending for the next one."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from ppkl.certification.documents import DocumentError, PhotoStore, certificate_storage
from ppkl.certification.forms import problem_message
from ppkl.certification.uploads import Upload, forget_written, show_reading, stored, take_upload
from ppkl.domain import Problem


@dataclass
class VisitCertificate:
    """What the visit form's certificate field brought, and what this request wrote."""

    upload: Upload = field(default_factory=Upload)
    error: DocumentError | None = None
    store: PhotoStore = field(default_factory=lambda: PhotoStore(certificate_storage()))

    @property
    def document(self):
        return self.upload.document


def take_certificate(move_form, cooperative_id: int) -> VisitCertificate:
    """A new file is cleaned, its code read and held pending (kept across re-displays)."""
    taken = VisitCertificate()
    try:
        taken.upload = take_upload(move_form, cooperative_id, read_code=True)
    except DocumentError as error:
        taken.error = error
    return taken


def show_certificate(move_form, taken: VisitCertificate | None) -> bool:
    """After validation (which resets errors): the refused file next to its field, and the NIK
    read from a new file in an empty NIK field. True when the form must be shown again."""
    if taken is None:
        return False
    if taken.error is not None:
        move_form.certificate.errors = [problem_message(taken.error.problems[0])]
        return True
    if taken.upload.fresh and not (move_form.nik.data or "").strip():
        show_reading(move_form, taken.upload)
        if move_form.nik.data:
            move_form.nik.errors = []
            return True
    return False


def certificate_move(move_form, taken: VisitCertificate | None) -> dict:
    """The StageMove's certificate part: the file, where copies go, the code's NIK shown."""
    if taken is None:
        return {}
    return {
        "document": taken.document,
        "store": taken.store,
        "code_nik_seen": move_form.code_nik.data or None,
    }


def after_refusal(move_form, taken: VisitCertificate | None, problems: Sequence[Problem] = ()):
    """A refused or failed save removes the copies it made; a NIK that differs from the code is
    shown beside it, the field holding the code's NIK (as on the move page)."""
    if taken is None:
        return
    forget_written(taken.store)
    if any(p.code == "nik_differs_from_code" for p in problems):
        show_reading(move_form, taken.upload)


def after_save(taken: VisitCertificate | None) -> None:
    if taken is not None:
        stored(taken.store, taken.document)
