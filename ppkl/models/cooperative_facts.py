from datetime import date

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ppkl.extensions import db


class CooperativeFacts(db.Model):
    """What lists, worklists, flags and sorts read of a cooperative's history, stored.

    Derived state: ppkl.cooperatives.facts recomputes a row from the visits and the history in
    the transaction that changes them, and `rebuild-derived` recomputes every row. A table of
    its own without an optimistic version: logging a visit must not make another user's open
    cooperative form stale.
    """

    __tablename__ = "cooperative_facts"
    __table_args__ = (
        # The worklist counts read these facts of every active cooperative from the index alone.
        Index(
            "ix_cooperative_facts_worklist",
            "cooperative_id",
            "follow_up_on",
            "last_visit_on",
            "stage_since",
        ),
    )

    cooperative_id: Mapped[int] = mapped_column(ForeignKey("cooperative.id"), primary_key=True)
    # The latest kept (not removed) visit: its date, officer and the follow-up it asked for,
    # which is the cooperative's open follow-up (a later visit settles the earlier ones).
    last_visit_on: Mapped[date | None] = mapped_column(index=True)
    last_visit_officer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    follow_up_on: Mapped[date | None] = mapped_column(index=True)
    follow_up_action: Mapped[str | None] = mapped_column(String(300))
    # The effective date of the latest history row that set a stage.
    stage_since: Mapped[date | None] = mapped_column(index=True)
