"""The progress charts' data: the recap at each month end of the year (ppkl.recap_past, by the
recap's own as-of rule) turned into each area's year (ppkl.progress.pace)."""

from datetime import date

from sqlalchemy.orm import Session

from ppkl.certification.queries import targets_by_row, targets_in_force
from ppkl.coverage import RecapScope
from ppkl.i18n import scope_label
from ppkl.progress.pace import FIRST_YEAR, YearProgress, series_days, year_progress
from ppkl.recap import Recap
from ppkl.recap_past import recap_of, recap_series


def area_progress(
    session: Session, day: date, today: date, shown: RecapScope, at_day: Recap | None = None
) -> list[YearProgress]:
    """The recap's whole area (a province, or the nation) and then, for a province, each
    regency by name, for `day`'s year up to the end of `day`, with the targets in force that
    day (as the dashboard's target progress has them).

    `day` itself counts as the recap of that day has it (today's from the present state, as
    the page's table beside the chart): `at_day` when the caller has it already. The month
    ends before it are the stored ones (ppkl.recap_past), so the series reads no history."""
    if day.year < FIRST_YEAR:
        return []
    if at_day is None:
        at_day = recap_of(session, shown, None if day == today else day)
    month_ends = [d for d in series_days(day) if d != day]
    recaps = recap_series(
        session, month_ends, regencies=shown.regencies, by_province=shown.by_province
    )
    recaps[day] = at_day
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
