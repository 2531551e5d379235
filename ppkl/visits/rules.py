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


# Field work recorded here began long after this; an earlier date is a typing mistake.
EARLIEST_VISIT = date(2000, 1, 1)
# A follow-up is planned within a year of the visit; a later one is a typing mistake.
FOLLOW_UP_MAX_DAYS = 366


def visit_date_problem(visited_on: date, today: date) -> str | None:
    if visited_on > today:
        return "future_date"
    if visited_on < EARLIEST_VISIT:
        return "visit_too_early"
    return None


def follow_up_problem(visited_on: date, follow_up_on: date | None) -> str | None:
    if follow_up_on is not None and follow_up_on < visited_on:
        return "follow_up_before_visit"
    if follow_up_on is not None and (follow_up_on - visited_on).days > FOLLOW_UP_MAX_DAYS:
        return "follow_up_too_late"
    return None
