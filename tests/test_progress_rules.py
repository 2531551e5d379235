"""The progress rules in plain Python: month ends, pace line, recent rate, projection, verdict."""

from datetime import date
from decimal import Decimal

import pytest

from ppkl.progress.chart import ChartWords, nice_top, progress_chart
from ppkl.progress.pace import (
    Verdict,
    last_complete_month_end,
    month_end,
    position,
    recent_rate,
    series_days,
    year_progress,
)


def monthly(year: int, values: dict[int, int], day: date | None = None) -> dict[date, int]:
    """Counts at month ends of `year` (month 0 = 31 December before), plus `day`."""
    counts = {}
    for month, value in values.items():
        end = date(year - 1, 12, 31) if month == 0 else month_end(year, month)
        counts[end] = value
    return counts


def test_series_days_reach_back_for_the_rate_and_end_on_the_day():
    assert series_days(date(2019, 6, 30)) == [
        date(2018, 12, 31),
        date(2019, 1, 31),
        date(2019, 2, 28),
        date(2019, 3, 31),
        date(2019, 4, 30),
        date(2019, 5, 31),
        date(2019, 6, 30),
    ]
    # In February only January is complete: the rate looks back to October.
    assert series_days(date(2020, 2, 10)) == [
        date(2019, 10, 31),
        date(2019, 11, 30),
        date(2019, 12, 31),
        date(2020, 1, 31),
        date(2020, 2, 10),
    ]
    assert series_days(date(2019, 1, 1))[0] == date(2018, 9, 30)
    assert len(series_days(date(2019, 12, 31))) == 13


def test_complete_months_and_positions():
    assert last_complete_month_end(date(2019, 6, 30)) == date(2019, 6, 30)
    assert last_complete_month_end(date(2019, 6, 29)) == date(2019, 5, 31)
    assert last_complete_month_end(date(2019, 1, 5)) == date(2018, 12, 31)
    assert position(date(2019, 1, 31)) == 1
    assert position(date(2019, 12, 31)) == 12
    assert position(date(2019, 6, 15)) == Decimal(5) + Decimal(15) / 30


def test_recent_rate_is_the_mean_of_the_last_three_complete_months():
    counts = monthly(2019, {0: 10, 1: 10, 2: 12, 3: 20, 4: 25, 5: 30})
    # On 20 June: the complete months are March to May, from 12 (end of February) to 30.
    assert recent_rate(counts, date(2019, 6, 20)) == 6
    # On 31 May the window is the same months; on 30 April it is February to April.
    assert recent_rate(counts, date(2019, 5, 31)) == 6
    assert recent_rate(counts, date(2019, 4, 30)) == Decimal("5.0")
    # Not reaching back far enough: no rate.
    assert recent_rate(counts, date(2019, 2, 28)) is None
    assert recent_rate(monthly(2019, {1: 3, 2: 4, 3: 5}), date(2019, 3, 31)) is None
    # One decimal, half up; a falling count gives a negative rate.
    assert recent_rate(monthly(2019, {0: 0, 1: 1, 2: 1, 3: 2}), date(2019, 3, 31)) == Decimal("0.7")
    assert recent_rate(monthly(2019, {0: 9, 1: 8, 2: 7, 3: 6}), date(2019, 3, 31)) == -1


def test_pace_line_runs_from_the_baseline_to_the_target():
    counts = monthly(2019, {0: 20, 1: 25, 2: 30, 3: 35})
    progress = year_progress("P", date(2019, 3, 31), counts, target=140)
    assert progress.baseline == 20
    assert progress.pace_at(date(2018, 12, 31)) == 20
    assert progress.pace_at(date(2019, 3, 31)) == 50  # a quarter of the way from 20 to 140
    assert progress.pace_at(date(2019, 12, 31)) == 140
    assert year_progress("P", date(2019, 3, 31), counts, None).pace_at(date(2019, 6, 30)) is None


def test_projection_carries_the_rate_from_the_day_to_year_end():
    counts = monthly(2019, {0: 0, 1: 2, 2: 4, 3: 6, 4: 8, 5: 10, 6: 12})
    progress = year_progress("P", date(2019, 6, 30), counts, target=30)
    assert progress.rate == 2
    assert progress.current == 12
    assert progress.projected_at(date(2019, 6, 30)) is None  # not after the day
    assert progress.projected_at(date(2019, 9, 30)) == 18
    assert progress.projected_year_end == 24
    assert progress.verdict == Verdict.OFF_TRACK
    assert progress.reached_in is None
    on_track = year_progress("P", date(2019, 6, 30), counts, target=20)
    assert on_track.verdict == Verdict.ON_TRACK
    assert on_track.reached_in == date(2019, 10, 31)  # 12 + 2 x 4 = 20


def test_projection_from_a_day_inside_a_month():
    counts = monthly(2019, {0: 0, 3: 3, 4: 6, 5: 9, 6: 12})
    counts[date(2019, 7, 15)] = 13
    counts[date(2019, 1, 31)] = counts[date(2019, 2, 28)] = 0
    progress = year_progress("P", date(2019, 7, 15), counts, target=100)
    assert progress.rate == 3  # April to June
    assert [p.day for p in progress.points][-1] == date(2019, 7, 15)
    # From 15 July to 31 July is 16/31 of a month.
    assert progress.projected_at(date(2019, 7, 31)) == Decimal("14.5")
    rows = progress.rows()
    assert [r.day for r in rows][6] == date(2019, 7, 15)
    assert rows[6].certified == 13 and rows[6].projected is None
    assert rows[7].certified is None and rows[7].projected == Decimal("17.5")
    assert len(rows) == 12 and rows[-1].day == date(2019, 12, 31)


def test_verdicts():
    counts = monthly(2019, {0: 0, 1: 10, 2: 20, 3: 30})
    assert year_progress("P", date(2019, 3, 31), counts, 25).verdict == Verdict.REACHED
    assert year_progress("P", date(2019, 3, 31), counts, None).verdict == Verdict.NO_TARGET
    december = monthly(2019, {9: 40, 10: 41, 11: 42, 12: 43})
    over = year_progress("P", date(2019, 12, 31), december, 50)
    assert over.verdict == Verdict.YEAR_OVER
    assert over.projected_year_end == 43
    without_rate = year_progress("P", date(2019, 3, 31), monthly(2019, {3: 5}), 50)
    assert without_rate.rate is None and without_rate.verdict == Verdict.OFF_TRACK


WORDS = ChartWords("Title", "Certified", "Pace", "Projection", [f"M{m}" for m in range(1, 13)])


def test_nice_top():
    values = (0, 4, 7, 11, 26, 99, 101, 520, 230, 1_100)
    assert [nice_top(v) for v in values] == [4, 4, 8, 12, 40, 100, 120, 600, 300, 1_200]


@pytest.mark.parametrize("target", [None, 30])
def test_the_chart_draws_each_line_inside_the_drawing(target):
    counts = monthly(2019, {0: 0, 1: 2, 2: 4, 3: 6, 4: 8, 5: 10, 6: 12})
    svg = str(progress_chart(year_progress("Area", date(2019, 6, 30), counts, target), WORDS))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'class="certified"' in svg and 'class="projection"' in svg
    assert ('class="pace"' in svg) == (target is not None)
    assert "style=" not in svg and "<script" not in svg
    assert svg.count("<circle") == 6  # January to June
    assert all(f">M{m}<" in svg for m in range(1, 13))


def test_the_chart_escapes_words():
    counts = monthly(2019, {0: 0, 1: 1})
    words = ChartWords("<b>", "a&b", "P", "Q", ["<"] * 12)
    svg = str(progress_chart(year_progress("A", date(2019, 1, 31), counts, None), words))
    assert "<b>" not in svg and "a&amp;b" in svg
