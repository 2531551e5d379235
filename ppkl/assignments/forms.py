from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, ValidationError

from ppkl.forms import Form, choices, whole_number
from ppkl.inputs import db_int

ASSIGNMENT_MESSAGES = {
    "not_an_officer": _l("Choose a PPKL or DAK assistant."),
    "officer_inactive": _l("This officer is inactive."),
    "nothing_selected": _l("Select at least one cooperative."),
    "unknown_cooperative": _l(
        "Some of the selected cooperatives do not exist (any more). Reload the list and try again."
    ),
    "successor_required": _l("This officer still has cooperatives: choose who takes them over."),
    "successor_is_officer": _l("Choose another officer to take over."),
    "successor_wrong_role": _l("The successor must have the same role (PPKL or DAK)."),
    "cannot_deactivate_self": _l("You cannot deactivate yourself."),
    "already_inactive": _l("This officer is already inactive."),
}


# The two choices of the officer field that remove a role instead of assigning someone.
REMOVALS = {
    "none:ppkl": _l("Remove the PPKL"),
    "none:dak": _l("Remove the DAK assistant"),
}


def officer_value(form, field) -> None:
    """A removal or `user:<id>`; whether that id is an active officer is the service's check."""
    value = field.data or ""
    kind, _sep, rest = value.partition(":")
    if value not in REMOVALS and not (kind == "user" and whole_number(rest)):
        raise ValidationError(str(_l("Choose an officer from the list.")))


class AssignOneForm(Form):
    # The choices come from the officer picker (ppkl/assignments/pickers.py); the value is
    # checked here and by the service, not against the few matches a page listed.
    officer = SelectField(
        _l("Officer"),
        validators=[DataRequired(_l("Choose an officer from the list.")), officer_value],
        validate_choice=False,
    )
    version = HiddenField(validators=[DataRequired()])


class BulkAssignForm(AssignOneForm):
    version = None  # each ticked row carries its own version (version-<id>)
    target = RadioField(
        _l("Which cooperatives"),
        choices=choices(
            [("selected", _l("The ones ticked below")), ("filter", _l("All matching the filter"))]
        ),
        default="selected",
    )
    cooperative_ids = SelectMultipleField(coerce=db_int, validate_choice=False)


class DeactivateForm(Form):
    # Chosen with the officer picker; the service checks the one posted.
    successor = SelectField(_l("Successor"), default="", validate_choice=False)
