"""Read an uploaded CSV or XLSX file into a header and rows of text, with the office's limits."""

import csv
import io
import logging
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import PurePath

from ppkl.inputs import BIDI_CONTROLS, strip_bidi

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
    "xlsx_too_big_unpacked": N_(
        "The workbook unpacks to more than %(limit)s bytes. Delete unused sheets, rows and "
        "formatting, or save it as CSV UTF-8, and upload it again."
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
    # (spreadsheet row number, cells); the header is row 1, blank rows are left out. A list
    # (read_table), or rows read from the file anew on each pass (open_table).
    rows: Iterable[tuple[int, list[str]]] = field(default_factory=list)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_rows: int = 50_000
    # An XLSX is a zip: a small file can unpack to gigabytes. Checked before any parsing.
    max_unpacked_bytes: int = 200 * 1024 * 1024
    # openpyxl holds the shared strings in memory, whatever read_only says.
    max_shared_strings_bytes: int = 32 * 1024 * 1024
    max_zip_members: int = 200


def read_table(filename: str, data: bytes, limits: Limits) -> Table:
    """Header and data rows of a .csv or .xlsx file, all in memory; raises FileRefused for the
    whole file."""
    table = open_table(filename, data, limits)
    return Table(table.header, list(table.rows))


def open_table(filename: str, data: bytes, limits: Limits) -> Table:
    """The header now, and rows parsed from `data` again on each pass over `table.rows`: a
    national register is never held as rows in memory. Raises FileRefused for the whole file;
    a file over the row limit is refused during the first pass."""
    if len(data) > limits.max_bytes:
        raise FileRefused("too_large", size=len(data), limit=limits.max_bytes)
    extension = PurePath(filename).suffix.lower()
    if extension == ".xlsx":
        check_zip_sizes(data, limits)
    elif extension != ".csv":
        raise FileRefused("unsupported_type", extension=extension or filename)
    rows = _FileRows(extension, data, limits)
    first_two = list(islice(rows.numbered(), 2))
    if not first_two:
        raise FileRefused("empty")
    if len(first_two) == 1:
        raise FileRefused("header_only")
    return Table(header=first_two[0][1], rows=rows)


class _FileRows:
    """The data rows of a file, parsed anew each time they are iterated."""

    def __init__(self, extension: str, data: bytes, limits: Limits):
        self.extension = extension
        self.data = data
        self.limits = limits

    def numbered(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of every non-blank row, the header first."""
        lines = _csv_lines(self.data) if self.extension == ".csv" else _xlsx_lines(self.data)
        for number, cells in enumerate(lines, start=1):
            # Blank rows count too: five million empty rows cost as much to read as full ones.
            if number > self.limits.max_rows + 1:
                raise FileRefused("too_many_rows", limit=self.limits.max_rows)
            if any(cells):
                yield number, cells

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return islice(self.numbered(), 1, None)


def _csv_lines(data: bytes):
    try:
        # Checked whole, then read in pieces: the decoded text of a national register, held
        # as one string (and io.StringIO's four bytes per character), cost 130 MiB.
        # Bidirectional controls are looked for once here, not in each of millions of cells.
        bidi = BIDI_CONTROLS.search(data.decode("utf-8-sig")) is not None
    except UnicodeDecodeError as error:
        raise FileRefused("not_utf8", position=error.start) from error
    if b"\x00" in data:
        # A binary file, or UTF-16 read as UTF-8: no database takes NUL characters as text.
        raise FileRefused("bad_csv", reason="NUL")
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    first_line = text.readline()
    text.seek(0)
    # Indonesian Excel writes semicolons; the header line tells which one this file uses.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(text, delimiter=delimiter)
    try:
        for cells in reader:
            yield [strip_bidi(c.strip()) for c in cells] if bidi else [c.strip() for c in cells]
    except csv.Error as error:
        raise FileRefused("bad_csv", reason=str(error)) from error


def check_zip_sizes(data: bytes, limits: Limits) -> None:
    """Refuse a workbook whose members unpack to more than the limits. zipfile never inflates
    a member past the size its directory declares (a lie fails the CRC check), so the
    declared sizes bound the work."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        log.info("unreadable xlsx: %s", error)
        raise FileRefused("bad_xlsx") from error
    total = sum(member.file_size for member in members)
    shared = sum(m.file_size for m in members if m.filename.lower().endswith("sharedstrings.xml"))
    if len(members) > limits.max_zip_members or total > limits.max_unpacked_bytes:
        raise FileRefused("xlsx_too_big_unpacked", limit=limits.max_unpacked_bytes)
    if shared > limits.max_shared_strings_bytes:
        raise FileRefused("xlsx_too_big_unpacked", limit=limits.max_shared_strings_bytes)


# What openpyxl raises on a broken or hostile workbook: bad zips, XML syntax errors, entity
# declarations (defusedxml, which openpyxl uses when installed), shared-string indexes out of
# range, missing parts.
XLSX_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    SyntaxError,  # xml.etree.ElementTree.ParseError
    KeyError,
    IndexError,
    ValueError,  # also defusedxml's DTDForbidden / EntitiesForbidden
    EOFError,
    OSError,
)


def _xlsx_lines(data: bytes):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, *XLSX_ERRORS) as error:
        log.info("unreadable xlsx: %r", error)
        raise FileRefused("bad_xlsx") from error
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [strip_bidi(cell_text(value)) for value in values]
    except XLSX_ERRORS as error:
        log.info("unreadable xlsx sheet: %r", error)
        raise FileRefused("bad_xlsx") from error
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
