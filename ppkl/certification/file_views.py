"""Serving a kept certificate photo or scan."""

from flask import abort
from sqlalchemy import select

from ppkl.access import load_cooperative, requires
from ppkl.certification.blueprint import bp
from ppkl.certification.documents import certificate_storage
from ppkl.extensions import db
from ppkl.models import CertificateDocument
from ppkl.permissions import Permission
from ppkl.storage.app import send


@bp.route("/certificates/<int:document_id>")
@requires(Permission.VIEW_COOPERATIVES)
def certificate_file(document_id: int):
    """A certificate photo or scan, only for users who may see its cooperative."""
    document = db.session.scalar(
        select(CertificateDocument).where(CertificateDocument.id == document_id)
    )
    if document is None:
        abort(404)
    load_cooperative(document.cooperative_id)
    # Cache-Control: no-store, like every response to a signed-in user (ppkl.security.headers).
    return send(certificate_storage(), document.stored_name, document.content_type)
