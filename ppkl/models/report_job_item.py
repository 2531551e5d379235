from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppkl.extensions import db
from ppkl.models.report_job import ReportJob


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
