"""WTForms' built-in validation messages, answered from ppkl's own catalog.

WTForms ships no Indonesian translation, so its messages ("This field is required.") would
show in English on Indonesian pages. The markers below put them into ppkl's catalog for
pybabel (keywords N_ and Np_ in the Makefile); install() points Flask-WTF at that catalog.
"""

import flask_wtf.form
from flask_babel import get_translations


def N_(msgid: str) -> str:
    return msgid


def Np_(singular: str, plural: str) -> tuple[str, str]:
    return singular, plural


MESSAGES = (
    N_("This field is required."),
    N_("Invalid input."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
    N_("Not a valid date value."),
    N_("Not a valid datetime value."),
    N_("Not a valid time value."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Date must be at least %(min)s."),
    N_("Date must be at most %(max)s."),
    N_("Date must be between %(min)s and %(max)s."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Field must be equal to %(other_name)s."),
    N_("Invalid email address."),
    N_("Invalid value, must be one of: %(values)s."),
    N_("Invalid value, can't be any of: %(values)s."),
    N_("Invalid CSRF Token."),
    N_("CSRF token missing."),
    N_("CSRF failed."),
    N_("CSRF token expired."),
    Np_(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
    ),
    Np_(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
    ),
    Np_(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
    ),
    Np_(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
    ),
)


class CatalogMessages:
    """The gettext interface WTForms asks for; WTForms fills in the values itself."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


def install() -> None:
    """Every FlaskForm takes its built-in messages from ppkl's catalog."""
    flask_wtf.form.translations = CatalogMessages()
