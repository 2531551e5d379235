"""The certificate upload on the move and RAT pages (and the visit form's move): taking the file,
showing the code's NIK. No routes here (the kept file is served by
ppkl.certification.file_views), so other areas may import it. The rules and storage are in
ppkl.certification.documents."""

from dataclasses import dataclass

from flask import current_app
from flask_login import current_user

from ppkl.certification.codes import CodeReading, Reading, read_nik
from ppkl.certification.documents import (
    DocumentError,
    PendingDocument,
    PhotoStore,
    certificate_storage,
    clean_document,
    discard,
    held,
    hold,
    release,
)
from ppkl.transaction import after_commit


@dataclass
class Upload:
    """What a submitted form brought: the document (new or pending), and whether its code was
    read in this request (so the page shows the reading)."""

    document: PendingDocument | None = None
    fresh: bool = False
    typed_nik: str = ""
    shown: bool = False  # the page shows what the code held


def take_upload(form, cooperative_id: int, read_code: bool) -> Upload:
    """A new file is cleaned, its code read and held pending; otherwise the pending upload the
    form's token names. A refused file is shown next to the field (DocumentError)."""
    config = current_app.config
    secret, max_age = config["SECRET_KEY"], config["CERTIFICATE_PENDING_SECONDS"]
    file = form.certificate.data
    if file is not None and getattr(file, "filename", ""):
        photo = clean_document(file.stream, file.filename, config["CERTIFICATE_MAX_BYTES"])
        reading = (
            read_nik(photo.data, photo.content_type, config["NIK_PATTERN"])
            if read_code
            else CodeReading(Reading.NOT_READ)
        )
        document = hold(
            photo, reading, certificate_storage(), secret, current_user.id, cooperative_id, max_age
        )
        form.pending.data = document.token
        return Upload(document, fresh=True)
    if form.pending.data:
        try:
            return Upload(
                held(
                    form.pending.data,
                    certificate_storage(),
                    secret,
                    current_user.id,
                    cooperative_id,
                    max_age,
                )
            )
        except DocumentError:
            form.pending.data = ""
            raise
    return Upload()


def show_reading(form, upload: Upload) -> None:
    """Put the NIK read from the code in the field for the user to confirm; the NIK they had
    typed stays on the page beside it."""
    upload.typed_nik = (form.nik.data or "").strip()
    upload.shown = upload.document is not None
    if not upload.shown:
        return
    reading = upload.document.reading
    if reading.status == Reading.FOUND:
        form.nik.data = reading.nik
        form.code_nik.data = reading.nik


def stored(store: PhotoStore, document: PendingDocument | None) -> None:
    """After a successful view: forget the pending upload once committed."""
    if document is not None:
        after_commit(lambda: release(document, store.storage))


def forget_written(store: PhotoStore) -> None:
    """After a refused or failed save: remove the files this request copied."""
    discard(store.written, store.storage)
