"""Progress over a year: the certified count month by month, the target's pace line, the
projection at the recent rate and the verdict. Plain Python (no Flask): the dashboard, the recap
PDF, the export and the tests read the same rules.

- Points: the count at the end of each month of the year up to the day shown, then the day
  itself when it is not a month end. The count is the recap's Bersertifikat NIK as of that day.
- Baseline: the count at the end of the previous year (31 December).
- Pace line: straight from the baseline at the start of the year to the target on 31 December.
- Recent rate: the mean monthly increase over the last three complete months before the day
  (a month is complete once its last day has ended; the window may reach into the previous
  year). It may be negative when cooperatives lose their certificate or become inactive.
- Projection: from the day's count, the recent rate carried on to 31 December.
- Verdict: reached (the count is at or above the target), on track (projected year-end at or
  above the target), off track, or the year is over.

For readers: docs/progress.md.
"""

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

RATE_MONTHS = 3
# Progress is drawn for days from this year on: nothing the office records is older, and the
# rules read the year before (year 1 has none; the office-time bounds of year 1 overflow).
FIRST_YEAR = 1900
HALF_UP = Decimal("0.1")


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def is_month_end(day: date) -> bool:
    return day == month_end(day.year, day.month)


def last_complete_month_end(day: date) -> date:
    """The end of the last month fully over at the end of `day`."""
    if is_month_end(day):
        return day
    return date(day.year, day.month, 1) - timedelta(days=1)


def months_back(end: date, count: int) -> date:
    """The month end `count` months before the month end `end`."""
    index = end.year * 12 + end.month - 1 - count
    return month_end(index // 12, index % 12 + 1)


def series_days(day: date) -> list[date]:
    """Every day whose count the progress of `day`'s year needs, oldest first: the month ends
    the recent rate may look back to (into the previous year), the month ends of the year up
    to `day`, and `day`."""
    last = last_complete_month_end(day)
    first = min(months_back(last, RATE_MONTHS), date(day.year - 1, 12, 31))
    days = []
    current = first
    while current < day:
        days.append(current)
        current = months_back(current, -1)
    days.append(day)
    return days


def position(day: date) -> Decimal:
    """Where `day` falls in its year, in months: 31 January is 1, 31 December is 12, and the
    end of the previous year 0."""
    length = calendar.monthrange(day.year, day.month)[1]
    return Decimal(day.month - 1) + Decimal(day.day) / Decimal(length)


class Verdict(StrEnum):
    REACHED = "reached"
    ON_TRACK = "on_track"
    OFF_TRACK = "off_track"
    YEAR_OVER = "year_over"  # 31 December shown and the target not reached
    NO_TARGET = "no_target"


@dataclass(frozen=True)
class Point:
    day: date
    certified: int

    @property
    def x(self) -> Decimal:
        return position(self.day)


@dataclass(frozen=True)
class MonthRow:
    """One line of the chart's table and export: a month of the year."""

    day: date  # the month end, or the day shown for its own month
    certified: int | None  # None after the day shown
    pace: Decimal | None  # the pace line's value at `day`; None without a target
    projected: Decimal | None  # None up to the day shown, or without a rate


@dataclass(frozen=True)
class YearProgress:
    label: str
    day: date
    baseline: int
    points: tuple[Point, ...]
    target: int | None
    rate: Decimal | None

    @property
    def year(self) -> int:
        return self.day.year

    @property
    def current(self) -> int:
        return self.points[-1].certified if self.points else self.baseline

    def pace_at(self, day: date) -> Decimal | None:
        if self.target is None:
            return None
        share = position(day) / 12 if day.year == self.year else Decimal(0)
        return _one_decimal(self.baseline + (self.target - self.baseline) * share)

    def projected_at(self, day: date) -> Decimal | None:
        if self.rate is None or day <= self.day:
            return None
        return _one_decimal(self.current + self.rate * (position(day) - position(self.day)))

    @property
    def year_end(self) -> date:
        return date(self.year, 12, 31)

    @property
    def projected_year_end(self) -> Decimal | None:
        if self.day >= self.year_end:
            return Decimal(self.current)
        return self.projected_at(self.year_end)

    @property
    def verdict(self) -> Verdict:
        if self.target is None:
            return Verdict.NO_TARGET
        if self.current >= self.target:
            return Verdict.REACHED
        if self.day >= self.year_end:
            return Verdict.YEAR_OVER
        projected = self.projected_year_end
        if projected is not None and projected >= self.target:
            return Verdict.ON_TRACK
        return Verdict.OFF_TRACK

    @property
    def reached_in(self) -> date | None:
        """The month end by which the projection reaches the target (on track only)."""
        if self.verdict != Verdict.ON_TRACK:
            return None
        for month in range(self.day.month, 13):
            end = month_end(self.year, month)
            value = self.projected_at(end)
            if value is not None and value >= self.target:
                return end
        return self.year_end

    def rows(self) -> list[MonthRow]:
        """Twelve months: counts up to the day shown, pace throughout, projection after."""
        by_day = {p.day: p.certified for p in self.points}
        rows = []
        for month in range(1, 13):
            end = month_end(self.year, month)
            if month == self.day.month:
                end = self.day
            rows.append(MonthRow(end, by_day.get(end), self.pace_at(end), self.projected_at(end)))
        return rows


def _one_decimal(value) -> Decimal:
    return Decimal(value).quantize(HALF_UP, rounding=ROUND_HALF_UP)


def recent_rate(counts: Mapping[date, int], day: date) -> Decimal | None:
    """The mean monthly increase over the last RATE_MONTHS complete months before the end of
    `day`; None when the counts do not reach back that far."""
    last = last_complete_month_end(day)
    first = months_back(last, RATE_MONTHS)
    if last not in counts or first not in counts:
        return None
    return _one_decimal(Decimal(counts[last] - counts[first]) / RATE_MONTHS)


def year_progress(
    label: str, day: date, counts: Mapping[date, int], target: int | None
) -> YearProgress:
    """The progress of `day`'s year from the counts at `series_days(day)`."""
    baseline = counts.get(date(day.year - 1, 12, 31), 0)
    points = tuple(Point(d, counts[d]) for d in sorted(counts) if d.year == day.year and d <= day)
    return YearProgress(label, day, baseline, points, target, recent_rate(counts, day))
