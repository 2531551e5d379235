"""Read the ODS extract's rows: header to fields, each cell checked, problems by row number.

Plain Python: ppkl.transfer.tabular reads the file (CSV or XLSX, BOM, semicolons, limits);
this turns its table into OdsRow values. A file with any problem is refused as a whole.
"""

import functools
import re
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from ppkl.ods.columns import MATCH_KEYS, field_for_header
from ppkl.transfer.columns import unneutralise
from ppkl.transfer.planning import Problem as _Problem
from ppkl.transfer.tabular import N_, Table
from ppkl.workflow import NAME_MAX, NIK_MAX

MAX_LENGTHS = {
    "nik": NIK_MAX,
    "name": NAME_MAX,
    "regency": 100,
    "legal_entity_number": 100,
    "district": 100,
    "ods_status": 60,
}
DATE_FIELDS = ("ods_date", "nik_issued_on")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")

PROBLEMS = {
    "no_match_column": N_(
        "The header has no column to match by: give NIK, the legal entity number, or the "
        "cooperative's name with its regency."
    ),
    "duplicate_column": N_("Two columns of the header mean the same field."),
    "nothing_to_match": N_(
        "The row has no NIK, no legal entity number and no name with a regency to match by."
    ),
    "too_long": N_("Longer than %(limit)s characters."),
    "nik_pattern": N_("The NIK does not have the expected form (%(pattern)s)."),
    "bad_date": N_("Not a date: write it as YYYY-MM-DD or DD/MM/YYYY."),
    "bad_year": N_("Not a year: write four digits, such as 2024."),
}


class Problem(_Problem):
    """A cell or header the extract cannot be read with (the import's problem, ODS messages)."""

    @property
    def message_id(self) -> str:
        return PROBLEMS[self.code]


class OdsRow(NamedTuple):
    row: int  # the spreadsheet row number (the header is row 1)
    nik: str | None = None
    name: str | None = None
    regency: str | None = None
    legal_entity_number: str | None = None
    district: str | None = None
    ods_date: date | None = None
    nik_issued_on: date | None = None
    last_rat_year: int | None = None
    ods_status: str | None = None

    def as_json(self) -> dict:
        return {
            "row": self.row,
            "nik": self.nik,
            "name": self.name,
            "regency": self.regency,
            "legal_entity_number": self.legal_entity_number,
            "district": self.district,
            "ods_date": self.ods_date.isoformat() if self.ods_date else None,
            "nik_issued_on": self.nik_issued_on.isoformat() if self.nik_issued_on else None,
            "last_rat_year": self.last_rat_year,
            "ods_status": self.ods_status,
        }


@dataclass
class Extract:
    rows: list[OdsRow]
    columns: frozenset[str]  # the fields the header offers
    unknown_columns: list[str]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


@functools.lru_cache(maxsize=4096)  # an extract repeats its dates many times
def parse_date(text: str) -> date | None:
    """YYYY-MM-DD (what XLSX dates become), or DD/MM/YYYY, DD-MM-YYYY, DD.MM.YYYY."""
    for pattern, order in ((_ISO, (0, 1, 2)), (_DAY_FIRST, (2, 1, 0))):
        match = pattern.fullmatch(text)
        if match:
            parts = [int(match.group(i + 1)) for i in order]
            try:
                day = date(*parts)
            except ValueError:
                return None
            return day if 1900 <= day.year <= 2100 else None
    return None


def read_extract(table: Table, nik_pattern: str) -> Extract:
    positions: dict[str, int] = {}
    unknown: list[str] = []
    problems: list[Problem] = []
    for index, header in enumerate(table.header):
        name = field_for_header(header)
        if name is None:
            if header.strip():
                unknown.append(header)
        elif name in positions:
            problems.append(Problem(1, header, header, "duplicate_column"))
        else:
            positions[name] = index
    if not any(all(k in positions for k in keys) for keys in MATCH_KEYS):
        problems.append(Problem(1, "", "", "no_match_column"))
    extract = Extract([], frozenset(positions), unknown, problems)
    if problems:
        return extract
    # The one pattern of NIK_PATTERN (workflow.nik_matches), compiled once for every row.
    nik_form = re.compile(nik_pattern)
    for number, cells in table.rows:
        row, row_problems = _parse_row(number, cells, positions, nik_form)
        if row_problems:
            problems.extend(row_problems)
        elif not problems:
            extract.rows.append(row)
    if problems:
        extract.rows = []
    return extract


def _parse_row(number: int, cells: list[str], positions: dict[str, int], nik_form: re.Pattern):
    count = len(cells)
    raw = {name: cells[at].strip() if at < count else "" for name, at in positions.items()}
    for name, value in raw.items():
        if value[:1] == "'":  # an exported cell that looked like a formula
            raw[name] = unneutralise(value)
    problems = []
    values: dict = {}

    def problem(column: str, code: str, **params):
        problems.append(Problem(number, column, raw.get(column, ""), code, params))

    for name, limit in MAX_LENGTHS.items():
        value = raw.get(name)
        value = " ".join(value.split()) if value else ""
        if len(value) > limit:
            problem(name, "too_long", limit=limit)
        values[name] = value or None
    nik = values["nik"]
    if nik and len(nik) <= NIK_MAX and nik_form.fullmatch(nik) is None:
        problem("nik", "nik_pattern", pattern=nik_form.pattern)
    for name in DATE_FIELDS:
        text = raw.get(name, "")
        values[name] = parse_date(text) if text else None
        if text and values[name] is None:
            problem(name, "bad_date")
    year = raw.get("last_rat_year", "")
    values["last_rat_year"] = None
    if year:
        if year.isascii() and year.isdigit() and 1900 <= int(year) <= 2100:
            values["last_rat_year"] = int(year)
        else:
            problem("last_rat_year", "bad_year")
    by_name = values["name"] and values["regency"]
    if not (nik or values["legal_entity_number"] or by_name):
        problem("", "nothing_to_match")
    # Left to right, as the user reads the row.
    problems.sort(key=lambda p: positions.get(p.column, len(positions)))
    return OdsRow(number, **values), problems
