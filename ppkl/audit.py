"""Write audit events: who did what, when, from which address."""

import logging

from flask import has_request_context, request
from flask_login import current_user

from ppkl.extensions import db
from ppkl.models import AuditEvent

log = logging.getLogger(__name__)


def record(action: str, *, user=None, target: str | None = None, **detail) -> AuditEvent:
    """Add an audit row to the current transaction; the request commits it with the change."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    event = AuditEvent(
        action=action,
        user_id=getattr(user, "id", None),
        username=getattr(user, "username", None) or detail.pop("username", None),
        address=request.remote_addr if has_request_context() else None,
        target=target,
        detail=detail or None,
    )
    db.session.add(event)
    log.info("audit %s by %s target=%s", action, event.username, target)
    return event
