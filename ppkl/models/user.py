from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ppkl.clock import utcnow
from ppkl.extensions import db
from ppkl.models.province import Province
from ppkl.models.regency import Regency


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    PPKL = "ppkl"
    DAK = "dak"
    # The ministry: reads every province, assigns no work.
    NATIONAL = "national"


OFFICER_ROLES = frozenset({Role.PPKL, Role.DAK})


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    regency_id: Mapped[int | None] = mapped_column(ForeignKey("regency.id"))
    # Officers and supervisors work for one province; admins and national accounts for none.
    province_id: Mapped[int | None] = mapped_column(ForeignKey("province.id"), index=True)
    cohort_year: Mapped[int | None] = mapped_column(Integer)
    contract_end: Mapped[date | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    # Bumped to end every session of this user: it is part of the id in the cookie.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    regency: Mapped[Regency | None] = relationship(lazy="joined")
    province: Mapped[Province | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_officer(self) -> bool:
        return self.role in OFFICER_ROLES

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def end_all_sessions(self) -> None:
        self.session_version += 1

    def __repr__(self) -> str:
        return f"<User {self.username}>"
