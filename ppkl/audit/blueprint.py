"""The audit log page for administrators: browse and filter, never edit."""

from flask import Blueprint

from ppkl.audit.events import action_label

bp = Blueprint("auditlog", __name__)
bp.add_app_template_filter(action_label, "audit_action")

from ppkl.audit import views  # noqa: E402,F401
