from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ppkl.extensions import db

# The three Indonesian time zones a province office keeps: WIB, WITA, WIT.
PROVINCE_TIMEZONES = {
    "Asia/Jakarta": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


class Province(db.Model):
    """A provinsi: the office that prints the recap, its letterhead and its signatory."""

    __tablename__ = "province"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    office_name: Mapped[str] = mapped_column(String(200))
    office_place: Mapped[str] = mapped_column(String(100))
    signatory_name: Mapped[str] = mapped_column(String(120))
    signatory_title: Mapped[str] = mapped_column(String(120))
    signatory_nip: Mapped[str | None] = mapped_column(String(30))
    timezone: Mapped[str] = mapped_column(String(40))

    @property
    def timezone_label(self) -> str:
        return PROVINCE_TIMEZONES.get(self.timezone, self.timezone)

    def __repr__(self) -> str:
        return f"<Province {self.name}>"
