"""The audit trail: recording events (`audit.record(...)`) and the audit log page."""

from ppkl.audit.events import ACTION_LABELS, action_label, record

__all__ = ["ACTION_LABELS", "action_label", "record"]
