from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ppkl.admin.services import AccountDetails, ProvinceDetails
from ppkl.auth.forms import PASSWORD_MESSAGES
from ppkl.forms import DateField, Form, IntegerField, choices
from ppkl.i18n import ROLE_LABELS
from ppkl.inputs import db_int

ACCOUNT_MESSAGES = {
    **PASSWORD_MESSAGES,
    "username_taken": _l("This username is already taken."),
    "unknown_role": _l("Choose a role from the list."),
    "officer_needs_regency": _l("Officers need a home regency."),
    "needs_province": _l("Supervisors and officers need a province."),
    "regency_outside_province": _l("This regency is not in the chosen province."),
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
    province_id = SelectField(_l("Province"), coerce=db_int, default=0)
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
            province_id=self.province_id.data or None,
            cohort_year=self.cohort_year.data,
            contract_end=self.contract_end.data,
            active=self.active.data,
        )


PROVINCE_MESSAGES = {
    "name_taken": _l("Another province has this name."),
    "code_taken": _l("Another province has this code."),
    "unknown_timezone": _l("Choose WIB, WITA or WIT."),
}
TIMEZONE_CHOICES = (
    ("Asia/Jakarta", _l("WIB (Asia/Jakarta)")),
    ("Asia/Makassar", _l("WITA (Asia/Makassar)")),
    ("Asia/Jayapura", _l("WIT (Asia/Jayapura)")),
)


class ProvinceForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    code = StringField(
        _l("Official code"),
        validators=[
            DataRequired(),
            Regexp(r"^\s*\d{2}\s*$", message=_l("Two digits, as in the official list (65).")),
        ],
    )
    office_name = StringField(
        _l("Office (letterhead)"), validators=[DataRequired(), Length(max=200)]
    )
    office_place = StringField(
        _l("City of the signature line"), validators=[DataRequired(), Length(max=100)]
    )
    signatory_name = StringField(_l("Signatory"), validators=[DataRequired(), Length(max=120)])
    signatory_title = StringField(
        _l("Signatory's title"), validators=[DataRequired(), Length(max=120)]
    )
    signatory_nip = StringField(
        _l("Signatory's NIP"),
        validators=[Optional(), Regexp(r"^[\d ]{1,30}$", message=_l("Digits only."))],
    )
    timezone = SelectField(_l("Time zone"), choices=choices(TIMEZONE_CHOICES))

    def details(self) -> ProvinceDetails:
        return ProvinceDetails(
            name=self.name.data,
            code=self.code.data,
            office_name=self.office_name.data,
            office_place=self.office_place.data,
            signatory_name=self.signatory_name.data,
            signatory_title=self.signatory_title.data,
            signatory_nip=self.signatory_nip.data or None,
            timezone=self.timezone.data,
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
