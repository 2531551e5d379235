from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppkl.clock import utcnow
from ppkl.extensions import db
from ppkl.models.province import Province
from ppkl.models.regency import Regency


class CertificationTarget(db.Model):
    """Cooperatives to be certified by 31 December of a year: for a regency (`regency_id`), a
    province (`province_id`, no regency) or the nation (neither)."""

    __tablename__ = "certification_target"
    __table_args__ = (
        UniqueConstraint("year", "regency_id"),
        # NULLs never collide in a unique constraint: one province target and one national
        # target per year by partial indexes.
        Index(
            "uq_certification_target_province",
            "year",
            "province_id",
            unique=True,
            sqlite_where=text("regency_id IS NULL"),
            postgresql_where=text("regency_id IS NULL"),
        ),
        Index(
            "uq_certification_target_nation",
            "year",
            unique=True,
            sqlite_where=text("regency_id IS NULL AND province_id IS NULL"),
            postgresql_where=text("regency_id IS NULL AND province_id IS NULL"),
        ),
        CheckConstraint("target > 0", name="target_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    regency_id: Mapped[int | None] = mapped_column(ForeignKey("regency.id"))
    province_id: Mapped[int | None] = mapped_column(ForeignKey("province.id"), index=True)
    target: Mapped[int] = mapped_column(Integer)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    regency: Mapped[Regency | None] = relationship(lazy="raise_on_sql")
    province: Mapped[Province | None] = relationship(lazy="raise_on_sql")
