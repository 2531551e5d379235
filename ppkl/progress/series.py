"""The progress charts' data: the recap at each month end of the year (one query, by the
recap's own as-of rule) turned into each area's year (ppkl.progress.pace)."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ppkl.certification.queries import targets_by_row, targets_in_force
from ppkl.coverage import RecapScope
from ppkl.i18n import scope_label
from ppkl.models import Regency
from ppkl.progress.pace import FIRST_YEAR, YearProgress, series_days, year_progress
from ppkl.recap import recap_series


def area_progress(
    session: Session, day: date, today: date, shown: RecapScope
) -> list[YearProgress]:
    """The recap's whole area (a province, or the nation) and then, for a province, each
    regency by name, for `day`'s year up to the end of `day`, with the targets in force that
    day (as the dashboard's target progress has them). Three queries: the province's
    regencies, the targets and the series."""
    if day.year < FIRST_YEAR:
        return []
    regency_ids: Iterable[int] | None = None
    if not shown.by_province:
        regency_ids = list(session.scalars(select(Regency.id).where(shown.regencies)))
    days = series_days(day)
    recaps = recap_series(session, days, regency_ids=regency_ids)
    target_of = targets_by_row(targets_in_force(day, shown, today), shown)
    areas = [
        year_progress(
            scope_label(shown),
            day,
            {d: recap.total.certified for d, recap in recaps.items()},
            target_of.get(None),
        )
    ]
    if shown.by_province:
        return areas  # the nation's chart; each province's is one click away
    for row in recaps[day].rows:
        counts = {d: _certified(recap, row.regency) for d, recap in recaps.items()}
        areas.append(year_progress(row.regency, day, counts, target_of.get(row.regency)))
    return areas


def _certified(recap, regency: str) -> int:
    return next((r.certified for r in recap.rows if r.regency == regency), 0)
