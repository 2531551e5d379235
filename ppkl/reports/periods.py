"""A report's period and the caps that keep one report from running for minutes. Plain Python."""

from dataclasses import dataclass
from datetime import date


class ReportRefused(ValueError):
    """A report that may not be made as asked; field names the form field to blame."""

    def __init__(self, code: str, field: str | None = None, **detail):
        super().__init__(code)
        self.code = code
        self.field = field
        self.detail = detail


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def slug(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def checked_period(start: date | None, end: date | None, max_days: int) -> Period:
    """The period from start to end inclusive, refused when empty, reversed or over the cap."""
    if start is None:
        raise ReportRefused("missing_start", "start")
    if end is None:
        raise ReportRefused("missing_end", "end")
    if end < start:
        raise ReportRefused("end_before_start", "end")
    period = Period(start, end)
    if period.days > max_days:
        raise ReportRefused("period_too_long", "end", days=period.days, max_days=max_days)
    return period


def default_period(today: date) -> Period:
    """The period every report form starts with: this month so far."""
    return Period(today.replace(day=1), today)


def months_in(period: Period) -> float:
    """The period's length in months (30.44 days each), for prorating monthly targets."""
    return period.days / 30.44
