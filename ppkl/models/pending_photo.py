from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ppkl.clock import utcnow
from ppkl.extensions import db


class PendingPhoto(db.Model):
    """A photo accepted from a form that was not saved yet (a validation error, a refusal).

    The form carries the token; the saved visit adopts the file, an abandoned one is removed
    after a day."""

    __tablename__ = "pending_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    content_type: Mapped[str] = mapped_column(String(30))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
