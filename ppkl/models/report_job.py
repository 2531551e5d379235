from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppkl.clock import utcnow
from ppkl.extensions import db

if TYPE_CHECKING:
    from ppkl.models.report_job_item import ReportJobItem


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
