from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ppkl.extensions import db


class Regency(db.Model):
    """A kabupaten or kota."""

    __tablename__ = "regency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    code: Mapped[str | None] = mapped_column(String(10), unique=True)

    def __repr__(self) -> str:
        return f"<Regency {self.name}>"
