from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ppkl.clock import utcnow
from ppkl.extensions import db


class Visit(db.Model):
    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    visited_on: Mapped[date] = mapped_column(index=True)
    purposes: Mapped[list] = mapped_column(JSON, default=list)
    people_met: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    follow_up_on: Mapped[date | None] = mapped_column(index=True)
    follow_up_action: Mapped[str | None] = mapped_column(String(300))
    deleted_at: Mapped[datetime | None]
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    delete_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
