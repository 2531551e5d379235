from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from ppkl.forms import Form, choices
from ppkl.inputs import db_int
from ppkl.models import User

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


def officer_choices(officers: Iterable[User]) -> list[SelectChoice]:
    """Blank, the two removals, then the active officers."""
    pairs = [
        ("", "—"),
        ("none:ppkl", _l("Remove the PPKL")),
        ("none:dak", _l("Remove the DAK assistant")),
    ]
    pairs += [
        (f"user:{o.id}", f"{o.full_name} ({o.username}, {o.role.upper()})")
        for o in officers
        if o.active
    ]
    return choices(pairs)


class AssignOneForm(Form):
    officer = SelectField(_l("Officer"), validators=[DataRequired()])
    version = HiddenField(validators=[DataRequired()])

    def __init__(self, officers: Iterable[User], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.officer.choices = officer_choices(officers)


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
    successor = SelectField(_l("Successor"), default="")
