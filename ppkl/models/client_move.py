from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ppkl.clock import utcnow
from ppkl.extensions import db


class ClientMove(db.Model):
    """A stage move sent by the field app with the id the phone made for it, so that a resend
    is answered from here instead of moving again."""

    __tablename__ = "client_move"

    client_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    history_id: Mapped[int] = mapped_column(ForeignKey("cooperative_history.id"))
    # The request as received (normalised), to tell a resend from a different move.
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
