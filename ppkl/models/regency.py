from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppkl.extensions import db
from ppkl.models.province import Province


class Regency(db.Model):
    """A kabupaten or kota, in one province."""

    __tablename__ = "regency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    code: Mapped[str | None] = mapped_column(String(10), unique=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("province.id"), index=True)

    province: Mapped[Province] = relationship()

    def __repr__(self) -> str:
        return f"<Regency {self.name}>"
