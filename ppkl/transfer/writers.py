"""Write a sheet (header and rows) as CSV or XLSX, neutralising cells that look like formulas.

Both formats are written row by row into a binary file, so memory stays flat whatever the
number of rows: the rows may be a database cursor read in batches.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO

from ppkl.transfer.columns import neutralise
from ppkl.transfer.xlsx import write_workbook

FORMATS = ("csv", "xlsx")
# Media types only: Flask adds "; charset=utf-8" to text types itself.
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Column:
    key: str  # the CSV header: stable English keys that import back
    label: str  # the XLSX header, in the user's language
    width: int = 15  # XLSX column width in characters
    number_format: str | None = None  # XLSX format for numbers and dates


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: Iterable[tuple]


def write(sheet: Sheet, fmt: str, out: BinaryIO) -> int:
    """Write the sheet into `out`; returns the number of data rows written."""
    return write_xlsx(sheet, out) if fmt == "xlsx" else write_csv(sheet, out)


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def write_csv(sheet: Sheet, out: BinaryIO) -> int:
    """UTF-8 with a BOM, so Excel opens Indonesian names correctly; comma separated."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([c.key for c in sheet.columns])
        count = 0
        for row in sheet.rows:
            writer.writerow([csv_cell(v) for v in row])
            count += 1
        text.flush()
    finally:
        # The caller owns `out`: leave it open.
        text.detach()
    return count


def write_xlsx(sheet: Sheet, out: BinaryIO) -> int:
    """A one-sheet workbook: bold header, column widths, frozen header, real dates and numbers."""
    return write_workbook(
        out,
        sheet.title,
        [c.label for c in sheet.columns],
        [c.width for c in sheet.columns],
        [c.number_format for c in sheet.columns],
        ([xlsx_value(v) for v in row] for row in sheet.rows),
    )


def xlsx_value(value):
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, Decimal):
        return float(value)
    return value
