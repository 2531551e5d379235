from datetime import datetime

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from ppkl.clock import utcnow
from ppkl.extensions import db


class TargetChange(db.Model):
    """Each setting (or removal: target None) of a yearly certification target, append-only,
    so that a recap as of a past day shows the targets as they stood then."""

    __tablename__ = "certification_target_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    # As on CertificationTarget: a regency's, a province's (no regency) or the nation's.
    regency_id: Mapped[int | None] = mapped_column(ForeignKey("regency.id"))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("province.id"), index=True)
    target: Mapped[int | None] = mapped_column(Integer)  # NULL: removed
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
