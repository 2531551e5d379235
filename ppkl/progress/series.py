"""The progress charts' data: the recap at each month end of the year (one query, by the
recap's own as-of rule) turned into each area's year (ppkl.progress.pace)."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from ppkl.certification.queries import targets_in_force
from ppkl.progress.pace import FIRST_YEAR, YearProgress, series_days, year_progress
from ppkl.recap import recap_series


def area_progress(
    session: Session,
    day: date,
    today: date,
    province_label: str,
    regency_ids: Iterable[int] | None = None,
) -> list[YearProgress]:
    """The province (the regencies of `regency_ids`, all when None) and then each regency by
    name, for `day`'s year up to the end of `day`, with the targets in force that day (as the
    dashboard's target progress has them). Two queries: the targets and the series."""
    if day.year < FIRST_YEAR:
        return []
    days = series_days(day)
    recaps = recap_series(session, days, regency_ids=regency_ids)
    target_of = dict(targets_in_force(day, today))
    areas = [
        year_progress(
            province_label,
            day,
            {d: recap.total.certified for d, recap in recaps.items()},
            target_of.get(None),
        )
    ]
    for row in recaps[day].rows:
        counts = {d: _certified(recap, row.regency) for d, recap in recaps.items()}
        areas.append(year_progress(row.regency, day, counts, target_of.get(row.regency)))
    return areas


def _certified(recap, regency: str) -> int:
    return next((r.certified for r in recap.rows if r.regency == regency), 0)
