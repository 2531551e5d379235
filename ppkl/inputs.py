"""Bounds on what a request may carry into a query: integers the database's integer column can
hold, dates a calendar computation cannot overflow. Plain Python.

Every integer read from a path, a query argument or a form goes through these bounds (the `int`
URL converter of ppkl.converters, `type=db_int`, `coerce=db_int`, ppkl.forms.IntegerField);
a test keeps it so.
"""

import re
from datetime import date

# PostgreSQL's `integer`, the type of every id and count column here.
DB_INT_MIN = -(2**31)
DB_INT_MAX = 2**31 - 1
# Dates outside these years are typing mistakes here, and year 1 or 9999 makes date
# arithmetic (a period's month, a deadline a year later) overflow.
FIRST_YEAR = 1900
LAST_YEAR = 2100
MIN_DATE = date(FIRST_YEAR, 1, 1)
MAX_DATE = date(LAST_YEAR, 12, 31)


# Bidirectional controls (U+202E RIGHT-TO-LEFT OVERRIDE and its kin) reorder how the text
# around them is shown, in pages and PDFs alike; nothing typed here needs them.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def strip_bidi(value):
    """The text without bidirectional controls; anything else is returned as it is."""
    return BIDI_CONTROLS.sub("", value) if isinstance(value, str) else value


def db_int(value) -> int:
    """int(value) when it fits the database's integer, else ValueError (Werkzeug's
    `args.get(type=...)` then answers the default; WTForms shows a field error)."""
    if isinstance(value, bool):
        raise ValueError("not an integer")
    number = int(str(value).strip()) if not isinstance(value, int) else value
    if not DB_INT_MIN <= number <= DB_INT_MAX:
        raise ValueError("out of the database's integer range")
    return number


def db_year(value) -> int:
    """A year between FIRST_YEAR and LAST_YEAR, else ValueError."""
    year = db_int(value)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError("year out of range")
    return year


def date_in_range(day: date | None) -> bool:
    return day is None or MIN_DATE <= day <= MAX_DATE
