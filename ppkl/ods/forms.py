from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms.validators import InputRequired, ValidationError

from ppkl.clock import office_today
from ppkl.forms import DateField, Form


class ReconcileForm(Form):
    file = FileField(
        _l("ODS extract (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file to check."))]
    )
    extract_date = DateField(_l("Date of the extract"), validators=[InputRequired()])

    def validate_extract_date(self, field):
        # The date becomes the evidence of every move: a move cannot be dated in the future.
        if field.data and field.data > office_today():
            raise ValidationError(_l("The extract cannot be dated after today."))


class ApplyForm(Form):
    """The ticked lines travel as `line` values beside the form's CSRF token."""
