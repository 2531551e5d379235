from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppkl.clock import utcnow
from ppkl.extensions import db
from ppkl.models.user import User


class HistoryKind(StrEnum):
    CREATED = "created"
    MOVE = "move"
    CORRECTION = "correction"
    DEACTIVATED = "deactivated"
    REACTIVATED = "reactivated"
    IMPORT = "import"


class CooperativeHistory(db.Model):
    """Append-only record of every stage move and status change of a cooperative."""

    __tablename__ = "cooperative_history"
    __table_args__ = (
        # A cooperative's rows in recorded order; on PostgreSQL it carries the state columns so
        # the as-of recap (ppkl.recap.StateAsOf) reads the index alone.
        Index(
            "ix_cooperative_history_cooperative_created",
            "cooperative_id",
            "created_at",
            "id",
            postgresql_include=["from_stage", "to_stage", "from_active", "to_active"],
        ),
        # An officer's own moves: the officer report and its cache stamp.
        Index("ix_cooperative_history_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"))
    kind: Mapped[str] = mapped_column(String(20))
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str | None] = mapped_column(String(20))
    from_active: Mapped[bool | None]
    to_active: Mapped[bool | None]
    note: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[dict | None] = mapped_column(JSON)
    # When it happened in the world (the evidence's date); created_at is when it was recorded.
    effective_date: Mapped[date | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    user: Mapped[User | None] = relationship(lazy="raise_on_sql")
