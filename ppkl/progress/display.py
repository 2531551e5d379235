"""The progress charts in the user's language: the SVG with translated words, and the sentence
that says whether the target will be met; an officer's months as bars. Shared by the dashboard
and the reports."""

from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from ppkl.i18n import format_month_year, format_number, format_tenths, short_month_names
from ppkl.progress.chart import BarSeries, ChartWords, monthly_bars, progress_chart
from ppkl.progress.officer import OfficerMonth
from ppkl.progress.pace import RATE_MONTHS, Verdict, YearProgress


@dataclass(frozen=True)
class ProgressChart:
    progress: YearProgress
    svg: Markup
    sentence: str


def words(progress: YearProgress) -> ChartWords:
    return ChartWords(
        title=_(
            "Certified cooperatives in %(year)s, %(area)s", year=progress.year, area=progress.label
        ),
        certified=_("Certified"),
        pace=_("Target pace"),
        projection=_("Projection"),
        months=short_month_names(),
        number=format_number,
    )


def sentence(progress: YearProgress) -> str:
    """Whether the target of the year will be met, in one plain sentence."""
    verdict = progress.verdict
    rate = format_tenths(progress.rate) if progress.rate is not None else None
    target = format_number(progress.target) if progress.target is not None else None
    projected = progress.projected_year_end
    projected = format_number(projected.to_integral_value()) if projected is not None else None
    if verdict == Verdict.REACHED:
        return _(
            "The target of %(target)s is reached: %(current)s certified.",
            target=target,
            current=format_number(progress.current),
        )
    if verdict == Verdict.YEAR_OVER:
        return _(
            "The year ended with %(current)s certified, short of the target of %(target)s.",
            current=format_number(progress.current),
            target=target,
        )
    if rate is None:
        return _("Not enough months yet to measure the recent rate.")
    if verdict == Verdict.ON_TRACK:
        return _(
            "At the current rate (%(rate)s a month), the target of %(target)s will be met "
            "around %(month)s.",
            rate=rate,
            target=target,
            month=format_month_year(progress.reached_in),
        )
    if verdict == Verdict.OFF_TRACK:
        return _(
            "At the current rate (%(rate)s a month), the target of %(target)s will not be met: "
            "about %(projected)s by 31 December.",
            rate=rate,
            target=target,
            projected=projected,
        )
    return _(
        "No target set. At the current rate (%(rate)s a month), about %(projected)s certified "
        "by 31 December.",
        rate=rate,
        projected=projected,
    )


def rate_note() -> str:
    return _(
        "Current rate: the mean monthly increase over the last %(n)s complete months.",
        n=RATE_MONTHS,
    )


def charts(areas: list[YearProgress]) -> list[ProgressChart]:
    return [
        ProgressChart(area, progress_chart(area, words(area)), sentence(area)) for area in areas
    ]


VISITS_COLOUR = "#0d6efd"  # Bootstrap primary
MOVES_COLOUR = "#fd7e14"  # Bootstrap orange
CERTIFICATES_COLOUR = "#198754"  # Bootstrap success


@dataclass(frozen=True)
class MonthsChart:
    year: int
    months: list[OfficerMonth]
    svg: Markup

    @property
    def totals(self) -> OfficerMonth:
        return OfficerMonth(
            self.months[-1].day,
            sum(m.visits for m in self.months),
            sum(m.moves for m in self.months),
            sum(m.certificates for m in self.months),
        )


def months_chart(months: list[OfficerMonth], name: str) -> MonthsChart:
    """An officer's months as grouped bars: visits, stage moves, certificates."""
    year = months[-1].day.year
    series = [
        BarSeries(_("Visits"), VISITS_COLOUR, [m.visits for m in months]),
        BarSeries(_("Stage moves"), MOVES_COLOUR, [m.moves for m in months]),
        BarSeries(_("Certificates"), CERTIFICATES_COLOUR, [m.certificates for m in months]),
    ]
    title = _(
        "Visits, stage moves and certificates by month, %(name)s %(year)s", name=name, year=year
    )
    return MonthsChart(
        year, months, monthly_bars(series, short_month_names(), title, format_number)
    )
