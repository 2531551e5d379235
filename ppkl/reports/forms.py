"""Report forms, and the messages shown for refused reports."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import InputRequired, Optional

from ppkl.forms import DateField, Form
from ppkl.inputs import db_int
from ppkl.reports.periods import Period, ReportRefused, checked_period

MESSAGES = {
    "missing_start": _l("Enter the first day of the period."),
    "missing_end": _l("Enter the last day of the period."),
    "end_before_start": _l("The last day is before the first day."),
    "period_too_long": _l(
        "The period is %(days)s days long; a report covers at most %(max_days)s days. "
        "Choose a shorter period."
    ),
    "too_many_cooperatives": _l(
        "This report would list more than %(max_rows)s cooperatives. "
        "Choose a shorter period or print per regency."
    ),
    "too_many_visits": _l(
        "This report would list more than %(max_rows)s visits. Choose a shorter period."
    ),
    "as_of_future": _l("The date may not be in the future."),
    "no_officers": _l("There are no active officers to print."),
    "not_an_officer": _l("Reports are printed for PPKL officers and DAK assistants only."),
}


def refusal_message(error: ReportRefused) -> str:
    """The refusal in the current language, with its figures."""
    message = MESSAGES.get(error.code)
    if message is None:
        return error.code
    return str(message) % error.detail if error.detail else str(message)


class PeriodMixin:
    def period(self, max_days: int) -> Period | None:
        """The checked period, or None with the message put next to the field to blame."""
        try:
            return checked_period(self.start.data, self.end.data, max_days)
        except ReportRefused as error:
            self.add_error(error)
            return None

    def add_error(self, error: ReportRefused) -> None:
        field = getattr(self, error.field or "", None)
        if field is None:
            self.form_errors.append(refusal_message(error))
        else:
            field.errors = [*field.errors, refusal_message(error)]


class OfficerReportForm(PeriodMixin, Form):
    """Shown on a GET form: no CSRF token needed, nothing changes."""

    class Meta:
        csrf = False

    officer = SelectField(_l("Officer"), coerce=db_int, validators=[Optional()])
    start = DateField(_l("From"), validators=[InputRequired()])
    end = DateField(_l("To"), validators=[InputRequired()])


class PeriodPostForm(PeriodMixin, Form):
    start = DateField(_l("From"), validators=[InputRequired()])
    end = DateField(_l("To"), validators=[InputRequired()])


class RecapForm(Form):
    class Meta:
        csrf = False

    as_of = DateField(_l("As of"), validators=[InputRequired()])
    # Offered to national accounts only (a province's account always gets its own province):
    # 0 is the nation, one row per province.
    province = SelectField(_l("Province"), coerce=db_int, default=0)


class RecapPostForm(Form):
    as_of = DateField(_l("As of"), validators=[InputRequired()])
    province = SelectField(_l("Province"), coerce=db_int, default=0)


class BatchForm(PeriodMixin, Form):
    regency = SelectField(_l("Regency"), coerce=db_int, validators=[Optional()])
    start = DateField(_l("From"), validators=[InputRequired()])
    end = DateField(_l("To"), validators=[InputRequired()])
