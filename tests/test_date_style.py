"""One date style and one time style per language, from one definition in ppkl.i18n."""

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale

from ppkl.i18n import format_long_date, format_timestamp

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("locale", "day", "stamp"),
    [
        ("id", "9 Juli 2019", "9 Juli 2019 17.00"),
        ("en", "9 July 2019", "9 July 2019 5:00\u202fPM"),
    ],
)
def test_dates_and_times_in_each_language(app, locale, day, stamp):
    with app.test_request_context(), force_locale(locale):
        assert format_long_date(date(2019, 7, 9)) == day
        # Stored as naive UTC; shown in the office's time zone (WITA, UTC+8).
        assert format_timestamp(datetime(2019, 7, 9, 9, 0)) == stamp


def test_no_other_date_style_in_templates_or_code():
    """Templates use the long_date and timestamp filters; code uses ppkl.i18n's functions."""
    other = re.compile(r"strftime|short_date|dd/MM|%d/%m|format_date\(|format_datetime\(")
    offenders = [
        str(path.relative_to(ROOT))
        for pattern in ("templates/**/*.html", "ppkl/**/*.py")
        for path in ROOT.glob(pattern)
        if path.name != "i18n.py" and other.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
