"""Every change of a cooperative bumps its version and records who made it and which change.

`Cooperative.version` is SQLAlchemy's version_id_col: each UPDATE of the row carries
"AND version = :old", so of two people who submit a page showing the same version exactly one
wins. Forms send the version their page showed; the services compare it first (a clear refusal
before any work) and the flush catches the race between two requests that both passed the
comparison. Either way the loser gets ppkl.domain.StaleEdit, and `explain_stale` tells the page
or the API who changed the cooperative, when, and to what.
"""

import logging
from collections.abc import Sequence

from sqlalchemy import case, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from ppkl.audit import AuditAction
from ppkl.clock import utcnow
from ppkl.domain import CurrentState, StaleEdit
from ppkl.extensions import db
from ppkl.models import Cooperative, User

log = logging.getLogger(__name__)


def check_version(cooperative: Cooperative, expected_version: int | None) -> None:
    """Refuse when the page showed another version (None: a caller without a page, e.g. CLI)."""
    if expected_version is not None and cooperative.version != expected_version:
        raise StaleEdit(cooperative.id)


def mark_changed(cooperative: Cooperative, actor: User, action: AuditAction) -> None:
    """Note who changed the cooperative and how; the UPDATE this causes bumps the version."""
    cooperative.changed_by_id = actor.id
    cooperative.last_change = action.code
    cooperative.updated_at = utcnow()


def flush_changed(cooperative: Cooperative) -> None:
    """Flush the cooperative's UPDATE; a concurrent writer's version makes it StaleEdit."""
    cooperative_id = cooperative.id  # read now: after a failed flush the session is unusable
    try:
        db.session.flush()
    except StaleDataError as error:
        log.info("concurrent change of cooperative %s", cooperative_id)
        raise StaleEdit(cooperative_id) from error


def check_versions(cooperative_ids: Sequence[int], expected_versions: dict[int, int]) -> None:
    """Refuse a change to many cooperatives when any of them differs from what the page showed."""
    rows = db.session.execute(
        select(Cooperative.id, Cooperative.version).where(Cooperative.id.in_(cooperative_ids))
    ).all()
    for cooperative_id, version in sorted(rows):
        if expected_versions.get(cooperative_id) != version:
            raise StaleEdit(cooperative_id)


def mark_many_changed(
    cooperative_ids: Sequence[int],
    actor: User,
    action: AuditAction,
    expected_versions: dict[int, int] | None = None,
) -> None:
    """One UPDATE for a change made to many cooperatives at once (assignments).

    With `expected_versions` (checked first by `check_versions`), a cooperative changed by a
    concurrent request in between is not matched, and the change is refused as StaleEdit.
    """
    ids = sorted(set(cooperative_ids))
    if not ids:
        return
    stmt = update(Cooperative).where(Cooperative.id.in_(ids))
    if expected_versions is not None:
        expected = {i: expected_versions.get(i, -1) for i in ids}
        stmt = stmt.where(Cooperative.version == case(expected, value=Cooperative.id, else_=-1))
    result = db.session.execute(
        stmt.values(
            version=Cooperative.version + 1,
            changed_by_id=actor.id,
            last_change=action.code,
            updated_at=utcnow(),
        ).execution_options(synchronize_session=False)
    )
    if expected_versions is not None and result.rowcount != len(ids):
        raise StaleEdit(ids[0])
    # Cooperatives already loaded in this session now hold an old version: reload them.
    for cooperative_id in ids:
        loaded = db.session.identity_map.get(db.session.identity_key(Cooperative, cooperative_id))
        if loaded is not None:
            db.session.expire(loaded)


def current_state(cooperative_id: int) -> CurrentState | None:
    """The cooperative as it is now, with the name of who changed it last."""
    coop = db.session.scalar(
        select(Cooperative)
        .options(joinedload(Cooperative.changed_by))
        .where(Cooperative.id == cooperative_id)
    )
    if coop is None:
        return None
    return CurrentState(
        cooperative_id=coop.id,
        stage=coop.stage,
        version=coop.version,
        active=coop.active,
        changed_by=coop.changed_by.full_name if coop.changed_by else None,
        changed_at=coop.updated_at,
        change=coop.last_change,
    )


def explain_stale(error: StaleEdit) -> StaleEdit:
    """Roll the refused change back and fill in the cooperative's current state."""
    db.session.rollback()
    error.current = current_state(error.cooperative_id)
    return error
