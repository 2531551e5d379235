"""Write a sheet (header and rows) as CSV or XLSX, neutralising cells that look like formulas."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

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


def write(sheet: Sheet, fmt: str) -> bytes:
    return write_xlsx(sheet) if fmt == "xlsx" else write_csv(sheet)


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def write_csv(sheet: Sheet) -> bytes:
    """UTF-8 with a BOM, so Excel opens Indonesian names correctly; comma separated."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.key for c in sheet.columns])
    writer.writerows([csv_cell(v) for v in row] for row in sheet.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(sheet: Sheet) -> bytes:
    """A one-sheet workbook: bold header, column widths, frozen header, real dates and numbers."""
    return write_workbook(
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
