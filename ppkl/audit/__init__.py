"""The audit trail: recording events (`audit.record(...)`) and the audit log page."""

from ppkl.audit.events import AuditAction, action_label, defined_actions, record

__all__ = ["AuditAction", "action_label", "defined_actions", "record"]
