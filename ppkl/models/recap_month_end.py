from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ppkl.extensions import db


class RecapMonthEnd(db.Model):
    """A regency's recap at the end of a month (the cut-off, in UTC), stored.

    Derived state: a recap at a cut-off that has passed never changes (history is append-only
    and recorded when written), so ppkl.recap_past stores each closed month end once and reads
    a past day as the stored month end before it plus the changes since. A regency without a
    row at a stored cut-off had no cooperatives then. `rebuild-derived` recomputes every row.
    """

    __tablename__ = "recap_month_end"

    cutoff: Mapped[datetime] = mapped_column(primary_key=True)
    regency_id: Mapped[int] = mapped_column(ForeignKey("regency.id"), primary_key=True)
    active: Mapped[int]
    inactive: Mapped[int]
    certified: Mapped[int]
    in_progress: Mapped[int]
