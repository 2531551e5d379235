from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length

from ppkl.forms import Form

PASSWORD_MESSAGES = {
    "too_short": _l("The password must have at least 8 characters."),
    "too_long": _l("The password may have at most 128 characters."),
    "common_password": _l("This password is too common. Choose another one."),
    "context_words": _l(
        "This password is mostly your username or words about this app (ppkl, koperasi). "
        "Choose a longer or different one."
    ),
    "wrong_password": _l("This is not your current password."),
    "same_password": _l("Choose a password other than the current one."),
}


class LoginForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=50)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=256)]
    )
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The two new passwords differ.")),
        ],
    )


class LanguageForm(Form):
    lang = HiddenField(validators=[AnyOf(["id", "en"])])
    next = HiddenField()
