"""Translated labels of the workflow's keys (history kinds, evidence fields, flags)."""

from flask_babel import lazy_gettext as _l

from ppkl.certification.codes import CodeReading, Reading
from ppkl.certification.deadlines import DeadlineFlag, Flag
from ppkl.i18n import format_long_date
from ppkl.models.history import HistoryKind

HISTORY_KIND_LABELS = {
    HistoryKind.CREATED: _l("Registered"),
    HistoryKind.MOVE: _l("Stage moved"),
    HistoryKind.CORRECTION: _l("Stage corrected"),
    HistoryKind.DEACTIVATED: _l("Deactivated"),
    HistoryKind.REACTIVATED: _l("Reactivated"),
    HistoryKind.IMPORT: _l("Imported"),
}

EVIDENCE_LABELS = {
    "fiscal_year": _l("Fiscal year"),
    "held_on": _l("Date the RAT was held"),
    "members_present": _l("Members present"),
    "members_total": _l("Members in total"),
    "received_on": _l("Date the RAT report was received"),
    "entered_on": _l("Date entered in ODS"),
    "entered_by": _l("Entered by"),
    "nik": _l("NIK (Nomor Induk Koperasi)"),
    "issued_on": _l("Certificate issue date"),
    "removed_nik": _l("NIK removed"),
    "removed_report_received_on": _l("RAT report date taken off"),
    "voided_rat_fiscal_year": _l("RAT voided, fiscal year"),
    "voided_rat_held_on": _l("Date of the voided RAT"),
}

FLAG_LABELS = {
    Flag.RAT_OVERDUE: _l("RAT overdue"),
    Flag.RAT_DUE_SOON: _l("RAT due soon"),
    Flag.REPORT_OVERDUE: _l("RAT report overdue"),
}


def kind_label(kind: str) -> str:
    return str(HISTORY_KIND_LABELS.get(kind, kind))


def evidence_label(key: str) -> str:
    return str(EVIDENCE_LABELS.get(key, key))


# The same flags about one fiscal year, as every page, list and PDF shows them.
DEADLINE_FLAG_LABELS = {
    Flag.RAT_OVERDUE: _l("RAT %(year)s overdue"),
    Flag.RAT_DUE_SOON: _l("RAT %(year)s due %(date)s"),
    Flag.REPORT_OVERDUE: _l("RAT %(year)s report overdue"),
}


def flag_label(flag: str) -> str:
    """The kind of flag, without a year (the deadline list's filter)."""
    return str(FLAG_LABELS[Flag(flag)])


def deadline_flag_label(flag: DeadlineFlag) -> str:
    """ "RAT 2018 jatuh tempo 30 Juni 2019", "RAT 2017 terlambat": the flag and its year."""
    return str(DEADLINE_FLAG_LABELS[flag.flag]) % {
        "year": flag.fiscal_year,
        "date": format_long_date(flag.due_on),
    }


def evidence_items(evidence: dict | None) -> list[tuple[str, str]]:
    """(label, shown value) pairs of a history row's evidence; dates in the user's language."""
    from datetime import date

    items = []
    for key, value in (evidence or {}).items():
        shown = value
        if key.endswith("_on") and isinstance(value, str):
            try:
                shown = format_long_date(date.fromisoformat(value))
            except ValueError:
                shown = value
        items.append((evidence_label(key), str(shown)))
    return items


READING_MESSAGES = {
    Reading.NO_CODE: _l(
        "No barcode or QR code could be read in this picture. Type the NIK from the certificate."
    ),
    Reading.NO_NIK: _l("A code was read, but it holds no NIK. Type the NIK from the certificate."),
    Reading.SEVERAL_NIKS: _l(
        "The codes in this picture hold different NIKs. Type the NIK from the certificate."
    ),
    Reading.NOT_READ: _l(
        "Codes are read from photos (JPEG or PNG), not from PDF files. Type the NIK from the "
        "certificate."
    ),
}


def reading_message(reading: CodeReading) -> str:
    """What a certificate's code held, said to the user (the move page, the phone)."""
    if reading.status == Reading.FOUND:
        return str(_l("NIK read from the code: %(nik)s", nik=reading.nik))
    return str(READING_MESSAGES[reading.status])
