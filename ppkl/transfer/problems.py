"""What a row of an import file can be refused for: the messages (English msgids, translated
by the caller: the web translates, the command line prints them as they are)."""

from dataclasses import dataclass, field

from ppkl.transfer.tabular import N_

PROBLEMS = {
    "missing_column": N_("The required column is missing from the header."),
    "duplicate_column": N_("Two columns of the header mean the same field."),
    "required": N_("A value is required."),
    "too_long": N_("Longer than %(limit)s characters."),
    "unknown_regency": N_(
        "Unknown regency. Create it first, or tick 'Create regencies that do not exist yet' "
        "(--create-regencies)."
    ),
    "unknown_province": N_(
        "Unknown province. Use a province's name or official code, as listed under Provinces."
    ),
    "regency_outside_province": N_("This regency lies in another province: %(province)s."),
    "province_required": N_(
        "Which province is this new regency in? Fill the province column (or --province)."
    ),
    "unknown_stage": N_("Unknown stage. Use a stage name such as 'RAT terlaksana' or its key."),
    "unknown_status": N_("Unknown status. Use aktif, tidak aktif, yes, no, 1 or 0."),
    "nik_pattern": N_("The NIK does not have the expected form (%(pattern)s)."),
    "members": N_("Members must be a whole number of 0 or more."),
    "certified_without_nik": N_("A certified cooperative needs a NIK."),
    "repeated_in_file": N_("The same value appears in row %(first)s of this file."),
    "belongs_to_other": N_("Already belongs to another cooperative: %(other)s."),
    "nik_differs": N_("This cooperative already holds NIK %(nik)s; an import does not change it."),
    "ambiguous_name": N_(
        "%(count)s cooperatives have this name in this regency; add a NIK or legal entity "
        "number to say which one."
    ),
    "same_cooperative": N_("Row %(first)s of this file already updates the same cooperative."),
}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    code: str
    params: dict = field(default_factory=dict)

    @property
    def message_id(self) -> str:
        return PROBLEMS[self.code]

    @property
    def message(self) -> str:
        return self.message_id % self.params

    def line(self) -> str:
        return f"row {self.row}, column {self.column}, value {self.value!r}: {self.message}"
