"""Read an uploaded CSV or XLSX file into a header and rows of text, with the office's limits."""

import csv
import io
import logging
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

log = logging.getLogger(__name__)


def N_(message: str) -> str:
    """Mark a message for extraction; the caller translates it (web) or prints it as is (CLI)."""
    return message


REFUSALS = {
    "too_large": N_(
        "The file is %(size)s bytes; the largest accepted is %(limit)s bytes. "
        "Split it into smaller files."
    ),
    "too_many_rows": N_(
        "The file has more than %(limit)s rows. Split it into files of at most %(limit)s rows."
    ),
    "empty": N_("The file is empty. Export the sheet again and check it has a header and rows."),
    "header_only": N_("The file has a header row but no data rows."),
    "not_utf8": N_(
        "The file is not UTF-8 text (problem at byte %(position)s). In Excel choose "
        "'Save as' > 'CSV UTF-8 (Comma delimited)', or save it as XLSX, and upload it again."
    ),
    "bad_csv": N_(
        "The file is not a readable CSV text file (%(reason)s). Save it again as "
        "'CSV UTF-8' or as XLSX."
    ),
    "unsupported_type": N_(
        "Files of type '%(extension)s' are not accepted. Upload a .csv or .xlsx file."
    ),
    "bad_xlsx": N_(
        "The file is not a readable Excel workbook. Open it in Excel and save it again as .xlsx."
    ),
}


class FileRefused(Exception):
    """The file as a whole cannot be read; nothing in it was looked at row by row."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message_id(self) -> str:
        return REFUSALS[self.code]

    @property
    def message(self) -> str:
        return self.message_id % self.params


@dataclass
class Table:
    header: list[str]
    # (spreadsheet row number, cells); the header is row 1, blank rows are left out.
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_rows: int = 50_000


def read_table(filename: str, data: bytes, limits: Limits) -> Table:
    """Header and data rows of a .csv or .xlsx file; raises FileRefused for the whole file."""
    if len(data) > limits.max_bytes:
        raise FileRefused("too_large", size=len(data), limit=limits.max_bytes)
    extension = PurePath(filename).suffix.lower()
    if extension == ".csv":
        lines = _csv_lines(data)
    elif extension == ".xlsx":
        lines = _xlsx_lines(data)
    else:
        raise FileRefused("unsupported_type", extension=extension or filename)
    table = None
    for number, cells in enumerate(lines, start=1):
        if not any(cells):
            continue
        if table is None:
            table = Table(header=cells)
            continue
        if len(table.rows) >= limits.max_rows:
            raise FileRefused("too_many_rows", limit=limits.max_rows)
        table.rows.append((number, cells))
    if table is None:
        raise FileRefused("empty")
    if not table.rows:
        raise FileRefused("header_only")
    return table


def _csv_lines(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused("not_utf8", position=error.start) from error
    if "\x00" in text:
        # A binary file, or UTF-16 read as UTF-8: no database takes NUL characters as text.
        raise FileRefused("bad_csv", reason="NUL")
    first_line = text.split("\n", 1)[0]
    # Indonesian Excel writes semicolons; the header line tells which one this file uses.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield [cell.strip() for cell in cells]
    except csv.Error as error:
        raise FileRefused("bad_csv", reason=str(error)) from error


def _xlsx_lines(data: bytes):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
        log.info("unreadable xlsx: %s", error)
        raise FileRefused("bad_xlsx") from error
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [cell_text(value) for value in values]
    finally:
        workbook.close()


def cell_text(value) -> str:
    """A spreadsheet value as the text a person sees: 30 not 30.0, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
