"""Write audit events: who did what, when, from which address.

Each action is an `AuditAction` defined beside the code that records it, with its label, so the
audit log page can name every action it lists; `record()` takes nothing else. Codes read
`<entity>.<verb in the past>` (docs/decisions.md lists them).
"""

import logging
import re
from dataclasses import dataclass

from flask import has_request_context, request
from flask_babel import LazyString
from flask_login import current_user

from ppkl.extensions import db
from ppkl.models import AuditEvent

log = logging.getLogger(__name__)

CODE = re.compile(r"[a-z][a-z_]*\.[a-z][a-z_]*")

_defined: dict[str, "AuditAction"] = {}


@dataclass(frozen=True, eq=False)
class AuditAction:
    """One kind of audit event: the code stored in the row and the label the audit page shows."""

    code: str
    label: LazyString

    def __post_init__(self) -> None:
        if not CODE.fullmatch(self.code):
            raise ValueError(f"audit action code {self.code!r} is not <entity>.<verb_past>")
        if self.code in _defined:
            raise ValueError(f"audit action {self.code!r} is defined twice")
        _defined[self.code] = self

    def __str__(self) -> str:
        return self.code


def defined_actions() -> list[AuditAction]:
    """Every action defined so far, by code (the app imports every area when it starts)."""
    return sorted(_defined.values(), key=lambda action: action.code)


def action_label(code: str) -> str:
    """The label of a stored code; a code no action defines shows as it is."""
    action = _defined.get(code)
    return str(action.label) if action else code


def record(action: AuditAction, *, user=None, target: str | None = None, **detail) -> AuditEvent:
    """Add an audit row to the current transaction; the request commits it with the change."""
    if not isinstance(action, AuditAction):
        raise TypeError(f"audit.record takes an AuditAction, not {action!r}")
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    event = AuditEvent(
        action=action.code,
        user_id=getattr(user, "id", None),
        username=getattr(user, "username", None) or detail.pop("username", None),
        address=request.remote_addr if has_request_context() else None,
        target=target,
        detail=detail or None,
    )
    db.session.add(event)
    log.info("audit %s by %s target=%s", action.code, event.username, target)
    return event
