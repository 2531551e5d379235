"""Rules of visit logging: the purposes list and the edit window. Plain Python."""

from datetime import date, datetime, timedelta

# The fixed list of visit purposes, in the order the form shows them.
PURPOSES: tuple[str, ...] = (
    "pembinaan",
    "pendampingan_rat",
    "pendampingan_ods",
    "verifikasi_data",
    "monitoring_usaha",
    "lainnya",
)

DEFAULT_EDIT_DAYS = 7


def edit_window_open(created_at: datetime, now: datetime, days: int = DEFAULT_EDIT_DAYS) -> bool:
    """A visit can be changed by its officer for `days` days after it was recorded."""
    return now - created_at <= timedelta(days=days)


def visit_date_problem(visited_on: date, today: date) -> str | None:
    if visited_on > today:
        return "future_date"
    return None


def follow_up_problem(visited_on: date, follow_up_on: date | None) -> str | None:
    if follow_up_on is not None and follow_up_on < visited_on:
        return "follow_up_before_visit"
    return None
