"""Write audit events: who did what, when, from which address."""

import logging

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ppkl.extensions import db
from ppkl.models import AuditEvent

log = logging.getLogger(__name__)

# Names shown on the audit log page. To add an action: call record("your_action", ...) and add
# a line here (with its Indonesian translation); unlisted actions still appear, by code.
ACTION_LABELS = {
    "login": _l("Signed in"),
    "login_failed": _l("Failed sign-in"),
    "logout": _l("Signed out"),
    "forbidden": _l("Access denied (403)"),
    "user_created": _l("Account created"),
    "role_changed": _l("Role changed"),
    "user_deactivated": _l("Account deactivated"),
    "user_reactivated": _l("Account reactivated"),
    "password_changed": _l("Password changed"),
    "sessions_revoked": _l("Signed out everywhere"),
    "cooperative_created": _l("Cooperative created"),
    "cooperative_updated": _l("Cooperative updated"),
    "cooperative.move": _l("Stage moved"),
    "cooperative.correction": _l("Stage corrected"),
    "cooperative.deactivated": _l("Cooperative deactivated"),
    "cooperative.reactivated": _l("Cooperative reactivated"),
    "cooperative.bulk_move": _l("Stages moved in bulk"),
    "cooperatives_assigned": _l("Officer assigned"),
    "cooperatives_unassigned": _l("Officer assignment ended"),
    "import_cooperatives": _l("Cooperatives imported"),
    "rat.recorded": _l("RAT recorded"),
    "rat.updated": _l("RAT updated"),
    "target.set": _l("Target set"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


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
