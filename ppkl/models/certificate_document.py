from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ppkl.clock import utcnow
from ppkl.extensions import db


class CertificateDocument(db.Model):
    """A photo or scan of a certificate, kept as the evidence of the move (history row) or the
    RAT record it came with; the file itself is on disk under a random name."""

    __tablename__ = "certificate_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    history_id: Mapped[int | None] = mapped_column(ForeignKey("cooperative_history.id"), index=True)
    rat_record_id: Mapped[int | None] = mapped_column(ForeignKey("rat_record.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    content_type: Mapped[str] = mapped_column(String(30))
    size: Mapped[int]
    # What the barcode or QR code held, beside the NIK the user confirmed (None: nothing read).
    nik_read: Mapped[str | None] = mapped_column(String(32))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
