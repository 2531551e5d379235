from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from ppkl.audit import defined_actions
from ppkl.audit.queries import AuditFilter
from ppkl.forms import DateField, Form, choices


class AuditFilterForm(Form):
    """A GET search form: it changes nothing, so it carries no CSRF token."""

    class Meta:
        csrf = False

    who = StringField(_l("User name"), validators=[Optional(), Length(max=50)])
    # An unknown action simply matches nothing.
    action = SelectField(_l("Action"), default="", validate_choice=False)
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

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
