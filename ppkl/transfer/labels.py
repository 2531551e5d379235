"""How the import preview names a field and shows its old and new values."""

from flask_babel import gettext as _

from ppkl.i18n import format_number, stage_label
from ppkl.transfer.exports import COOPERATIVE_COLUMNS

FIELD_LABELS = {column.key: column.label for column in COOPERATIVE_COLUMNS}


def import_field_label(field: str) -> str:
    """The field as the exported file's header names it (one set of names)."""
    return str(FIELD_LABELS.get(field, field))


def import_value(value, field: str) -> str:
    if value is None or value == "":
        return "—"
    if field == "stage":
        return stage_label(value)
    if field == "active":
        return _("Active") if value else _("Inactive")
    if field == "members":
        return format_number(value)
    return str(value)
