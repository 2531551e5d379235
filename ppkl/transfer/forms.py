from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ppkl.forms import DateField, Form, choices

FORMAT_CHOICES = choices([("csv", "CSV"), ("xlsx", "Excel (XLSX)")])


class ImportForm(Form):
    file = FileField(
        _l("File (CSV or XLSX)"), validators=[FileRequired(_l("Choose a file to import."))]
    )
    create_regencies = BooleanField(_l("Create regencies that do not exist yet"))


class ConfirmImportForm(Form):
    token = HiddenField(validators=[DataRequired(), Regexp(r"^[A-Za-z0-9_-]{20,64}$")])
    reason = TextAreaField(
        _l("Reason for the stages moved back and the deactivations"),
        validators=[Optional(), Length(max=2000)],
    )


class ExportForm(Form):
    """The format button; the list's filters travel as extra fields of the same form."""

    fmt = SelectField(_l("Format"), choices=FORMAT_CHOICES)


class VisitExportForm(ExportForm):
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end date is before the start date."))
