"""The province recap report (Capaian Koperasi Provinsi): the recap of ppkl.recap for a date,
laid out as the office's table, with a chart row per regency."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import Session

from ppkl.certification.queries import target_progress
from ppkl.clock import office_today
from ppkl.coverage import NATION, RecapScope, recap_scope
from ppkl.i18n import format_number, format_percent
from ppkl.progress.display import ProgressChart, charts, rate_note
from ppkl.progress.series import area_progress
from ppkl.recap import Recap
from ppkl.recap_past import recap_of
from ppkl.reports.chart import Segment, stacked_bars
from ppkl.reports.periods import ReportRefused

CERTIFIED_COLOUR = "#198754"
PROGRESS_COLOUR = "#fd7e14"
OTHER_COLOUR = "#ced4da"


@dataclass(frozen=True)
class RecapReport:
    as_of: date
    recap: Recap
    chart: Markup
    targets: tuple = ()  # ppkl.certification.targets.TargetProgress, for the as-of date's year
    target_chart: Markup | None = None
    progress: tuple[ProgressChart, ...] = ()  # the province, then each regency (ppkl.progress)
    progress_note: str = ""
    shown: RecapScope | None = None


def recap_for(session: Session, as_of: date, shown: RecapScope) -> Recap:
    """The recap at the end of as_of, by the one recap definition (today's from current state)."""
    today = office_today()
    if as_of > today:
        raise ReportRefused("as_of_future", "as_of")
    return recap_of(session, shown, None if as_of == today else as_of)


def recap_chart(recap: Recap, by_province: bool = False) -> Markup:
    """Per regency (or province): active cooperatives split into certified, in progress and
    the rest."""
    certified = _("Certified with NIK")
    progress = _("In progress")
    other = _("Not started")
    rows = [
        (
            row.regency,
            (
                Segment(row.certified, CERTIFIED_COLOUR, certified),
                Segment(row.in_progress, PROGRESS_COLOUR, progress),
                Segment(row.active - row.certified - row.in_progress, OTHER_COLOUR, other),
            ),
        )
        for row in recap.rows
    ]

    labels = [f"{format_percent(row.percentage)}%" for row in recap.rows]
    legend = (
        Segment(0, CERTIFIED_COLOUR, certified),
        Segment(0, PROGRESS_COLOUR, progress),
        Segment(0, OTHER_COLOUR, other),
    )
    return stacked_bars(
        rows,
        title=_("Active cooperatives by province")
        if by_province
        else _("Active cooperatives by regency"),
        legend=legend,
        value_labels=labels,
        label_width=label_width([row.regency for row in recap.rows]),
    )


def label_width(labels: list[str]) -> int:
    """Room for the longest row label (about 6.5 px a character), 120 to 220 px."""
    return max(120, min(220, round(6.5 * max(map(len, labels), default=0)) + 10))


def build_recap_report(
    session: Session, as_of: date, shown: RecapScope | None = None
) -> RecapReport:
    """The recap report of a scope (the nation's when none is given)."""
    shown = shown or recap_scope(NATION)
    recap = recap_for(session, as_of, shown)
    today = office_today()
    targets = tuple(target_progress(recap, as_of, shown, today))
    chart = target_chart(targets) if targets else None
    progress = tuple(charts(area_progress(session, as_of, today, shown, recap)))
    return RecapReport(
        as_of,
        recap,
        recap_chart(recap, shown.by_province),
        targets,
        chart,
        progress,
        rate_note(),
        shown,
    )


def target_chart(targets) -> Markup:
    """Per target: certified so far, and what is still needed to reach it."""
    achieved, needed = _("Certified with NIK"), _("Still needed")
    rows = [
        (
            t.label,
            (
                Segment(min(t.achieved, t.target), CERTIFIED_COLOUR, achieved),
                Segment(t.remaining, OTHER_COLOUR, needed),
            ),
        )
        for t in targets
    ]

    labels = [f"{format_number(t.achieved)} / {format_number(t.target)}" for t in targets]
    legend = (Segment(0, CERTIFIED_COLOUR, achieved), Segment(0, OTHER_COLOUR, needed))
    return stacked_bars(
        rows,
        title=_("Progress toward the target"),
        legend=legend,
        value_labels=labels,
        label_width=label_width([t.label for t in targets]),
    )
