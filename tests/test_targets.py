"""Progress toward a yearly target and the monthly pace still needed."""

from datetime import date
from decimal import Decimal

import pytest

from ppkl.certification.targets import TargetProgress, months_left


@pytest.mark.parametrize(
    ("today", "year", "expected"),
    [
        (date(2019, 1, 1), 2019, 12),
        (date(2019, 6, 30), 2019, 7),  # June counts: June to December
        (date(2019, 12, 31), 2019, 1),
        (date(2020, 1, 1), 2019, 0),
        (date(2018, 11, 5), 2019, 12),
    ],
)
def test_months_left_counts_the_current_month(today, year, expected):
    assert months_left(today, year) == expected


def test_the_office_2019_target():
    # 70 certified by 30 June 2019, 500 wanted by 31 December: 430 in 7 months.
    progress = TargetProgress(
        "Kalimantan Utara", 2019, 500, 70, months_left(date(2019, 6, 30), 2019)
    )
    assert progress.remaining == 430
    assert progress.pace_per_month == 62  # 61.4 rounded up: 61 a month would fall short
    assert progress.percent == Decimal("14.00")


def test_reached_and_missed_targets():
    assert TargetProgress("x", 2019, 10, 12, 3).pace_per_month == 0
    assert TargetProgress("x", 2019, 10, 12, 3).remaining == 0
    assert TargetProgress("x", 2019, 10, 4, 0).pace_per_month is None
    assert TargetProgress("x", 2019, 10, 4, 1).pace_per_month == 6
