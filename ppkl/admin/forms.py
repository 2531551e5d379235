from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ppkl.admin.services import AccountDetails
from ppkl.auth.forms import PASSWORD_MESSAGES
from ppkl.forms import DateField, Form, IntegerField, choices
from ppkl.i18n import ROLE_LABELS
from ppkl.inputs import db_int

ACCOUNT_MESSAGES = {
    **PASSWORD_MESSAGES,
    "username_taken": _l("This username is already taken."),
    "unknown_role": _l("Choose a role from the list."),
    "officer_needs_regency": _l("Officers need a home regency."),
    "dak_needs_cohort": _l("DAK assistants need a cohort year."),
    "cannot_demote_self": _l("You cannot change your own role or deactivate yourself."),
    "officer_has_cooperatives": _l(
        "This officer still has cooperatives: deactivate them from the Officers page, which "
        "hands their cooperatives over to a successor."
    ),
}


class UserForm(Form):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=choices((k.value, v) for k, v in ROLE_LABELS.items()))
    regency_id = SelectField(_l("Home regency"), coerce=db_int, default=0)
    cohort_year = IntegerField(
        _l("Cohort year (DAK)"), validators=[Optional(), NumberRange(min=2000, max=2100)]
    )
    contract_end = DateField(_l("Contract end"), validators=[Optional()])
    active = BooleanField(_l("Active"), default=True)

    def details(self) -> AccountDetails:
        return AccountDetails(
            full_name=self.full_name.data,
            role=self.role.data,
            regency_id=self.regency_id.data or None,
            cohort_year=self.cohort_year.data,
            contract_end=self.contract_end.data,
            active=self.active.data,
        )


class NewUserForm(UserForm):
    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(),
            Length(min=3, max=50),
            Regexp(
                r"^[A-Za-z0-9._-]+$", message=_l("Use letters, digits, dot, dash or underscore.")
            ),
        ],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class PasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired()])


class ConfirmForm(Form):
    """An empty form: a POST button with its CSRF token."""
