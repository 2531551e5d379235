from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from ppkl.audit import defined_actions
from ppkl.audit.queries import AuditFilter
from ppkl.forms import choices


class DateInput(DateField):
    """A date field whose parse error is in our catalog (WTForms has no Indonesian messages)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("Enter a date such as 2019-06-30."))) from error


class AuditFilterForm(FlaskForm):
    """A GET search form: it changes nothing, so it carries no CSRF token."""

    class Meta:
        csrf = False

    who = StringField(_l("User name"), validators=[Optional(), Length(max=50)])
    # An unknown action simply matches nothing.
    action = SelectField(_l("Action"), default="", validate_choice=False)
    date_from = DateInput(_l("From"), validators=[Optional()])
    date_to = DateInput(_l("To"), validators=[Optional()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        actions = ((a.code, a.label) for a in defined_actions())
        self.action.choices = choices([("", _l("All")), *actions])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))

    def audit_filter(self) -> AuditFilter:
        """The valid part of the filter; a field with an error filters nothing."""

        def ok(field):
            return None if field.errors else field.data

        return AuditFilter(
            who=ok(self.who) or "",
            action=ok(self.action) or "",
            date_from=ok(self.date_from),
            date_to=ok(self.date_to),
        )
