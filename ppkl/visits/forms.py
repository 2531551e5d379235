from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional

from ppkl.clock import utcnow
from ppkl.form_keys import OneTimeKey
from ppkl.forms import DateField, Form, choices
from ppkl.i18n import PURPOSE_LABELS
from ppkl.inputs import db_int
from ppkl.location import VisitLocation, location_problem
from ppkl.visits.rules import PURPOSES
from ppkl.visits.services import VisitDetails

VISIT_MESSAGES = {
    "future_date": _l("The visit date cannot be in the future."),
    "purpose_required": _l("Choose at least one purpose from the list."),
    "follow_up_before_visit": _l("The follow-up date cannot be before the visit."),
    "visit_too_early": _l("The visit date cannot be before 2000."),
    "follow_up_too_late": _l("Plan the follow-up within a year of the visit."),
    "follow_up_date_required": _l("Give a date for the follow-up action."),
    "not_your_cooperative": _l("Choose one of your cooperatives."),
    "visit_removed": _l("This visit has been removed."),
    "not_your_visit": _l("Only the officer who logged this visit can change it."),
    "visit_locked": _l("This visit is locked: it can only be changed for %(days)s days."),
    "reason_required": _l("Give the reason for removing this visit."),
    "too_large": _l("%(name)s is larger than %(limit)s MB."),
    "wrong_type": _l("%(name)s is not a JPEG or PNG photo."),
    "not_an_image": _l("%(name)s is not a readable JPEG or PNG photo."),
    "too_many_photos": _l("At most %(count)s photos per visit."),
    "move_other_cooperative": _l("The stage move below belongs to another cooperative."),
    "location_invalid": _l("The position sent is not a valid position."),
    "location_future": _l("The position was taken in the future: check the phone's clock."),
}


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class VisitEditForm(Form):
    visited_on = DateField(_l("Visit date"), validators=[DataRequired()])
    purposes = CheckboxesField(
        _l("Purposes"), choices=choices((p, PURPOSE_LABELS[p]) for p in PURPOSES)
    )
    people_met = StringField(_l("People met"), validators=[Optional(), Length(max=300)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    outcome = TextAreaField(_l("Outcome"), validators=[Optional(), Length(max=2000)])
    follow_up_on = DateField(_l("Follow-up date"), validators=[Optional()])
    follow_up_action = StringField(_l("Follow-up action"), validators=[Optional(), Length(max=300)])
    photos = MultipleFileField(_l("Photos (JPEG or PNG)"))

    def details(self) -> VisitDetails:
        return VisitDetails(
            visited_on=self.visited_on.data,
            purposes=list(self.purposes.data or []),
            people_met=self.people_met.data,
            notes=self.notes.data,
            outcome=self.outcome.data,
            follow_up_on=self.follow_up_on.data,
            follow_up_action=self.follow_up_action.data,
        )


class VisitForm(OneTimeKey, VisitEditForm):
    cooperative_id = SelectField(
        _l("Cooperative"), coerce=db_int, validate_choice=False, validators=[DataRequired()]
    )
    record_move = BooleanField()
    # The phone's position, filled in by the page's script when the officer allows it.
    latitude = HiddenField()
    longitude = HiddenField()
    accuracy_m = HiddenField()
    fixed_at = HiddenField()

    def location(self) -> VisitLocation | None:
        """The position sent with the form, or None when absent or unreadable: the officer
        cannot correct hidden fields, and a visit without a position is still a visit."""
        try:
            fixed_at = datetime.fromisoformat((self.fixed_at.data or "").replace("Z", "+00:00"))
            location = VisitLocation(
                float(self.latitude.data),
                float(self.longitude.data),
                float(self.accuracy_m.data),
                fixed_at.astimezone(UTC).replace(tzinfo=None) if fixed_at.tzinfo else fixed_at,
            )
        except (TypeError, ValueError):
            return None
        return None if location_problem(location, utcnow()) else location


class RemoveVisitForm(Form):
    reason = TextAreaField(_l("Reason for removal"), validators=[DataRequired(), Length(max=1000)])
