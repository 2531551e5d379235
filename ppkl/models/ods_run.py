from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppkl.clock import utcnow
from ppkl.extensions import db
from ppkl.models.user import User


class OdsRun(db.Model):
    """One reconciliation of an ODS extract with the register: who ran it, on which file, what
    it found (its lines), and when its proposals were applied."""

    __tablename__ = "ods_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    filename: Mapped[str] = mapped_column(String(255))
    extract_date: Mapped[date]
    rows: Mapped[int]
    # Lines per group ({"consistent": 12, ...}) and the regencies the file covers (ids).
    counts: Mapped[dict] = mapped_column(JSON)
    regency_ids: Mapped[list] = mapped_column(JSON)
    proposals: Mapped[int] = mapped_column(default=0)
    applied: Mapped[int] = mapped_column(default=0)
    applied_at: Mapped[datetime | None]
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    created_by: Mapped[User | None] = relationship(
        foreign_keys=[created_by_id], lazy="raise_on_sql"
    )


class OdsRunLine(db.Model):
    """A line of a run: an extract row, a cooperative, or both, with its group and why."""

    __tablename__ = "ods_run_line"
    __table_args__ = (Index("ix_ods_run_line_run_group", "run_id", "group_name", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("ods_run.id"))
    position: Mapped[int]
    group_name: Mapped[str] = mapped_column(String(20))
    row: Mapped[int | None]
    cooperative_id: Mapped[int | None] = mapped_column(ForeignKey("cooperative.id"))
    # The extract's values, the register's values then, why, the proposal, the candidates.
    data: Mapped[dict] = mapped_column(JSON)
    applied_at: Mapped[datetime | None]
    # What applying made of it: the cooperative created for an "only in ODS" row.
    result_cooperative_id: Mapped[int | None] = mapped_column(ForeignKey("cooperative.id"))
