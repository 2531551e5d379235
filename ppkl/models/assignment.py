from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ppkl.clock import utcnow
from ppkl.extensions import db


class Assignment(db.Model):
    """An officer's charge of a cooperative over a period; end_date None means current."""

    __tablename__ = "assignment"
    __table_args__ = (
        # At most one current PPKL and one current DAK assistant per cooperative.
        Index(
            "uq_assignment_current",
            "cooperative_id",
            "officer_role",
            unique=True,
            sqlite_where=text("end_date IS NULL"),
            postgresql_where=text("end_date IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    officer_role: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
