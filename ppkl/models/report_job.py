from datetime import date, datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppkl.clock import utcnow
from ppkl.extensions import db


class ReportJob(db.Model):
    """A batch of officer reports printed in the background (one item per officer)."""

    __tablename__ = "report_job"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    regency_id: Mapped[int | None] = mapped_column(ForeignKey("regency.id"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    language: Mapped[str] = mapped_column(String(5))
    finished_at: Mapped[datetime | None]

    items: Mapped[list["ReportJobItem"]] = relationship(
        back_populates="job", lazy="raise_on_sql", order_by="ReportJobItem.position"
    )


class ReportJobItem(db.Model):
    """One officer's report in a batch: queued, running, done or failed (with the reason)."""

    __tablename__ = "report_job_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("report_job.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    username: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    error: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[int | None] = mapped_column(Integer)
    # Time in the worker, and the part of it inside WeasyPrint (the benchmark's figures).
    seconds: Mapped[float | None] = mapped_column(Float)
    pdf_seconds: Mapped[float | None] = mapped_column(Float)
    finished_at: Mapped[datetime | None]

    job: Mapped[ReportJob] = relationship(back_populates="items", lazy="raise_on_sql")
