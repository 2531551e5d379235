"""Forms of the certification workflow, and the messages of the rules' problem codes."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from ppkl.certification.deadlines import last_ended_fiscal_year
from ppkl.domain import DomainError
from ppkl.form_keys import OneTimeKey
from ppkl.forms import DateField, Form, IntegerField, show_refusal
from ppkl.inputs import db_int
from ppkl.workflow import (
    NOTE_MAX,
    ODS_NAME_MAX,
    CertificateEvidence,
    OdsEvidence,
    Problem,
    RatEvidence,
    ReportEvidence,
    Stage,
)

PROBLEM_MESSAGES = {
    "in_future": _l("This date is in the future."),
    "before_fiscal_year_end": _l("The RAT cannot be held before the fiscal year has ended."),
    "fiscal_year_out_of_range": _l("Enter a fiscal year that has ended."),
    "members_total_positive": _l("A cooperative has at least one member."),
    "not_negative": _l("This number cannot be negative."),
    "more_than_total": _l("More members present than members in total."),
    "before_rat": _l("The report cannot arrive before the RAT was held (%(date)s)."),
    "before_report": _l("ODS entry cannot precede the report's arrival (%(date)s)."),
    "before_ods": _l("The certificate cannot precede the ODS entry (%(date)s)."),
    "required": _l("This field is required."),
    "too_long": _l("This text is too long."),
    "too_many": _l("This number is too large."),
    "nik_pattern": _l("The NIK does not have the required form (%(pattern)s)."),
    "nik_taken": _l("Another cooperative already holds this NIK."),
    "wrong_evidence": _l("This evidence does not belong to this move."),
    "reason_required": _l("Write the reason."),
    "inactive": _l("This cooperative is inactive: its stage cannot change."),
    "not_next_stage": _l("Moves go forward one stage at a time; reload the page."),
    "not_allowed": _l("You may not make this change for this cooperative."),
    "not_earlier_stage": _l("Choose an earlier stage."),
    "already_active": _l("The cooperative is already active."),
    "already_inactive": _l("The cooperative is already inactive."),
    "changed_meanwhile": _l("Changed by someone else meanwhile; reload the list."),
    "none_selected": _l("Select at least one cooperative."),
    "not_for_bulk": _l("Only report receipt and ODS entry can be recorded in bulk."),
    "low_attendance": _l("Fewer than half of the members attended the RAT."),
    "rat_exists": _l("A RAT for this fiscal year is already recorded."),
    "unknown_health": _l("Choose a category from the list."),
    "target_positive": _l("Enter a number above zero."),
    "nik_taken_by": _l("This NIK is already recorded for %(cooperative)s."),
    "nik_differs_from_code": _l(
        "The NIK typed differs from the one read from the code (%(read)s): check the "
        "certificate and save again."
    ),
    "too_large": _l("%(name)s is too large."),
    "wrong_type": _l("%(name)s is not a JPEG, PNG or PDF file."),
    "not_an_image": _l("%(name)s is not a readable JPEG, PNG or PDF file."),
    "damaged_pdf": _l("%(name)s is not a complete PDF file: it may be damaged."),
    "upload_expired": _l("The file sent earlier is no longer available: choose it again."),
}


def problem_message(problem: Problem) -> str:
    params = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in problem.params.items()}
    return (
        str(PROBLEM_MESSAGES[problem.code]) % params
        if params
        else str(PROBLEM_MESSAGES[problem.code])
    )


def show_problems(form, error: DomainError) -> list[str]:
    """A refused move on its form; returns the messages about the move as a whole."""
    return show_refusal(
        form, error, problem_message, general_fields=("stage", "evidence", "active")
    )


class VersionedForm(OneTimeKey, Form):
    version = HiddenField(validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=NOTE_MAX)])

    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class RatForm(VersionedForm):
    fiscal_year = IntegerField(
        _l("Fiscal year"), validators=[InputRequired(), NumberRange(min=1900, max=2100)]
    )
    held_on = DateField(_l("Date the RAT was held"), validators=[InputRequired()])
    members_present = IntegerField(_l("Members present"), validators=[InputRequired()])
    members_total = IntegerField(_l("Members in total"), validators=[InputRequired()])

    def evidence(self) -> RatEvidence:
        return RatEvidence(
            self.fiscal_year.data,
            self.held_on.data,
            self.members_present.data,
            self.members_total.data,
        )


class ReportForm(VersionedForm):
    received_on = DateField(_l("Date the RAT report was received"), validators=[InputRequired()])

    def evidence(self) -> ReportEvidence:
        return ReportEvidence(self.received_on.data)


class OdsForm(VersionedForm):
    entered_on = DateField(_l("Date entered in ODS"), validators=[InputRequired()])
    entered_by = StringField(
        _l("Entered by"), validators=[DataRequired(), Length(max=ODS_NAME_MAX)]
    )

    def evidence(self) -> OdsEvidence:
        return OdsEvidence(self.entered_on.data, self.entered_by.data.strip())


class CertificateForm(VersionedForm):
    nik = StringField(_l("NIK (Nomor Induk Koperasi)"), validators=[DataRequired()])
    issued_on = DateField(_l("Certificate issue date"), validators=[InputRequired()])

    def evidence(self) -> CertificateEvidence:
        return CertificateEvidence(self.nik.data.strip(), self.issued_on.data)


class CertificateUpload:
    """The certificate photo or scan a form may carry, and the upload already sent."""

    certificate = FileField(
        _l("Photo or scan of the certificate (JPEG, PNG or PDF)"),
        render_kw={"accept": "image/*,application/pdf", "capture": "environment"},
    )
    # The signed token of an upload waiting for confirmation (ppkl.certification.documents).
    pending = HiddenField()
    # The NIK the page showed as read from the code: typing another one after seeing it is a
    # choice the user made, not a slip.
    code_nik = HiddenField()


class CertificateUploadForm(CertificateUpload, CertificateForm):
    """The certificate move on its own page, where the certificate itself can be sent."""


MOVE_FORMS = {
    Stage.RAT_HELD: RatForm,
    Stage.REPORT_RECEIVED: ReportForm,
    Stage.ODS_ENTERED: OdsForm,
    Stage.CERTIFIED: CertificateForm,
}


class CorrectionForm(VersionedForm):
    to_stage = SelectField(_l("Correct back to"))
    note = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=NOTE_MAX)])


class StatusForm(VersionedForm):
    note = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=NOTE_MAX)])


class BulkReportForm(ReportForm):
    version = HiddenField()


class BulkOdsForm(OdsForm):
    version = HiddenField()


BULK_FORMS = {Stage.REPORT_RECEIVED: BulkReportForm, Stage.ODS_ENTERED: BulkOdsForm}


class LedgerForm(OneTimeKey, CertificateUpload, Form):
    version = HiddenField(validators=[DataRequired()])
    fiscal_year = IntegerField(
        _l("Fiscal year"), validators=[InputRequired(), NumberRange(min=1900, max=2100)]
    )
    held_on = DateField(_l("Date the RAT was held"), validators=[InputRequired()])
    members_present = IntegerField(_l("Members present"), validators=[InputRequired()])
    members_total = IntegerField(_l("Members in total"), validators=[InputRequired()])
    report_received_on = DateField(_l("Date the RAT report was received"), validators=[Optional()])
    health = SelectField(_l("Health category"), validators=[Optional()])

    expected_version = VersionedForm.expected_version

    def evidence(self) -> RatEvidence:
        return RatEvidence(
            self.fiscal_year.data,
            self.held_on.data,
            self.members_present.data,
            self.members_total.data,
        )


class WholeNumberField(IntegerField):
    """An IntegerField that, when the text is not a whole number ("2.5"), says only that: the
    range and required checks would add a second message about the same input."""

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


class TargetForm(Form):
    year = WholeNumberField(
        _l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)]
    )
    province_id = SelectField(_l("Province"), coerce=db_int, default=0)
    regency_id = SelectField(_l("Regency"), coerce=db_int, default=0)
    target = WholeNumberField(
        _l("Cooperatives to certify by 31 December"),
        validators=[InputRequired(), NumberRange(min=1, max=100000)],
    )


class RemoveTargetForm(Form):
    year = IntegerField(validators=[InputRequired()])
    regency_id = IntegerField(validators=[Optional()])
    province_id = IntegerField(validators=[Optional()])


def prefill_move(form, coop, user, today, rules) -> None:
    """A move form's sensible defaults, wherever it is shown (its own page, the visit form):
    the version shown, the last ended fiscal year, the member count, who entered it in ODS."""
    form.version.data = coop.version
    if hasattr(form, "entered_by"):
        form.entered_by.data = user.full_name
    if hasattr(form, "fiscal_year"):
        form.fiscal_year.data = last_ended_fiscal_year(today, rules)
        form.members_total.data = coop.members
