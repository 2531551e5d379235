from datetime import date, datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ppkl.clock import utcnow
from ppkl.extensions import db


class Visit(db.Model):
    __tablename__ = "visit"
    # An officer's visits by date: the roster, officer reports and the officer's visit list.
    __table_args__ = (Index("ix_visit_officer_visited", "officer_id", "visited_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
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
    # The id the phone made for the visit: a resend with the same id creates nothing.
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    # The phone's position when the visit was logged, with the officer's permission.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    fixed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
