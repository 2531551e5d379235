"""The audit log page for administrators: browse and filter, never edit."""

from flask import Blueprint

bp = Blueprint("auditlog", __name__)


@bp.app_template_filter("audit_action")
def audit_action_filter(action: str) -> str:
    from ppkl.audit import action_label

    return action_label(action)


from ppkl.auditlog import views  # noqa: E402,F401
