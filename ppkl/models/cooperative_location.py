from datetime import datetime

from sqlalchemy import Float, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ppkl.clock import utcnow
from ppkl.extensions import db


class CooperativeLocation(db.Model):
    """Where a cooperative is, as recorded by a supervisor (typed in or taken from a visit).

    A table of its own, not columns on cooperative: the cooperative row carries the optimistic
    version of the certification stage, and recording a place must not make an officer's queued
    stage move stale.
    """

    __tablename__ = "cooperative_location"

    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), primary_key=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The visit whose position was taken, when it was taken from one.
    source_visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))
