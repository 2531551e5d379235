from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ppkl.clock import utcnow
from ppkl.extensions import db


class UsedFormKey(db.Model):
    """A creating form's one-time key, spent: a second submit of it leads to what it saved."""

    __tablename__ = "used_form_key"

    # Keys are per user: someone else's key (never shown to them) neither replays nor blocks.
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
