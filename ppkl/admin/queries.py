"""Read-side queries about user accounts."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from ppkl.models import User
from ppkl.models.user import OFFICER_ROLES


def officers(
    session: Session, *, active_only: bool = False, regency_id: int | None = None
) -> list[User]:
    """PPKL officers and DAK assistants, PPKL first, each by name: every officer list and
    officer select of the app loads them here, so they agree on who counts and in what order."""
    stmt = select(User).where(User.role.in_([r.value for r in OFFICER_ROLES]))
    if active_only:
        stmt = stmt.where(User.active.is_(True))
    if regency_id is not None:
        stmt = stmt.where(User.regency_id == regency_id)
    return list(session.scalars(stmt.order_by(User.role.desc(), User.full_name, User.username)))
