from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ppkl.clock import utcnow
from ppkl.extensions import db

PENDING_REPORT = "report_received_on IS NULL AND voided_at IS NULL"
IN_FORCE = "voided_at IS NULL"


class RatRecord(db.Model):
    """One Rapat Anggota Tahunan per cooperative per fiscal year."""

    __tablename__ = "rat_record"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "fiscal_year"),
        # The deadline flags ask "who has no RAT for fiscal year Y" and "whose report is late".
        Index("ix_rat_record_fiscal_year_cooperative", "fiscal_year", "cooperative_id"),
        # The same for records in force only: the flags read it without visiting the table.
        Index(
            "ix_rat_record_in_force_year",
            "fiscal_year",
            "cooperative_id",
            sqlite_where=text(IN_FORCE),
            postgresql_where=text(IN_FORCE),
        ),
        Index(
            "ix_rat_record_report_pending",
            "cooperative_id",
            "held_on",
            sqlite_where=text(PENDING_REPORT),
            postgresql_where=text(PENDING_REPORT),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[date]
    members_present: Mapped[int] = mapped_column(Integer)
    members_total: Mapped[int] = mapped_column(Integer)
    report_received_on: Mapped[date | None]
    health: Mapped[str | None] = mapped_column(String(40))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A correction that undoes the RAT stage voids the record (kept, with who, when and why);
    # recording that fiscal year again brings it back into force.
    voided_at: Mapped[datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    void_reason: Mapped[str | None] = mapped_column(Text)


# The one definition of "a RAT record that counts": every reader of the ledger uses it.
RAT_IN_FORCE = RatRecord.voided_at.is_(None)
