"""The officer picker of the assignment forms: an active officer, or one of the removals."""

from ppkl.assignments.forms import REMOVALS
from ppkl.cooperatives.pickers import officer_picker
from ppkl.forms import whole_number
from ppkl.pickers import Choice, Picker


def assignment_picker(field, **options) -> Picker:
    """The picker of an AssignOneForm's officer field, showing what was posted."""
    value = field.data or ""
    kind, _sep, rest = value.partition(":")
    found = officer_picker(
        field.name,
        str(field.label.text),
        whole_number(rest) if kind == "user" else None,
        active_only=True,
        prefix="user:",
        fixed=[Choice(key, str(label)) for key, label in REMOVALS.items()],
        errors=field.errors,
        required=True,
        key="assign-officer",
        **options,
    )
    if value in REMOVALS:
        found.selected = value
    return found
