"""RAT deadlines and the "terlambat" flags: the one definition of overdue. Plain Python.

Every function takes `today` and the rules (built from configuration by `rules_from_config`),
so pages, worklists, PDFs and the CLI agree. Defaults, all configurable:

- fiscal year Y ends on 31 December of Y (FISCAL_YEAR_END = "12-31");
- the RAT for fiscal year Y is due by 30 June of Y+1 (RAT_DUE = "06-30"), with a warning from
  31 March of Y+1 (RAT_WARNING_FROM = "03-31");
- the RAT report is due within 30 days of the meeting (RAT_REPORT_DUE_DAYS = 30);
- a cooperative is a deactivation candidate when it held no RAT in the last 3 ended fiscal
  years (INACTIVITY_YEARS = 3).

Definitions (a deadline day itself is still on time; the flag starts the day after):
- RAT terlambat (`rat_overdue`): an active cooperative has no RAT record for
  `overdue_fiscal_year(today)`, the latest fiscal year whose due date has passed.
- RAT warning (`rat_due_soon`): no RAT record for `warning_fiscal_year(today)`, a fiscal year
  whose warning date has come and whose due date has not passed yet.
- Laporan terlambat (`report_overdue`): a RAT held more than RAT_REPORT_DUE_DAYS days ago whose
  report has not been received (`report_overdue_before(today)` gives the held-on cut-off).

Each flag is about one fiscal year, and says so (`deadline_flags`): a cooperative can be
"RAT 2018 due 30 June 2019" and "RAT 2017 overdue" on the same day, which reads as two facts,
not a contradiction. ppkl.certification.labels.deadline_flag_label words them for every page,
list and PDF.

The same definitions, for readers: docs/certification.md.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Flag(StrEnum):
    RAT_OVERDUE = "rat_overdue"
    RAT_DUE_SOON = "rat_due_soon"
    REPORT_OVERDUE = "report_overdue"


def _month_day(text: str) -> tuple[int, int]:
    month, day = (int(part) for part in str(text).split("-"))
    date(2000, month, day)  # refuses 02-30 and friends (2000 is a leap year: 02-29 passes)
    return month, day


@dataclass(frozen=True)
class DeadlineRules:
    fiscal_year_end: tuple[int, int] = (12, 31)
    rat_due: tuple[int, int] = (6, 30)
    rat_warning_from: tuple[int, int] = (3, 31)
    report_due_days: int = 30
    inactivity_years: int = 3


def rules_from_config(config: Mapping) -> DeadlineRules:
    """Build the rules from app.config (or any mapping) with the documented defaults."""
    return DeadlineRules(
        fiscal_year_end=_month_day(config.get("FISCAL_YEAR_END", "12-31")),
        rat_due=_month_day(config.get("RAT_DUE", "06-30")),
        rat_warning_from=_month_day(config.get("RAT_WARNING_FROM", "03-31")),
        report_due_days=int(config.get("RAT_REPORT_DUE_DAYS", 30)),
        inactivity_years=int(config.get("INACTIVITY_YEARS", 3)),
    )


def _safe_date(year: int, month_day: tuple[int, int]) -> date:
    month, day = month_day
    if (month, day) == (2, 29):
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 2, 28)
    return date(year, month, day)


def fiscal_year_end(fiscal_year: int, rules: DeadlineRules) -> date:
    return _safe_date(fiscal_year, rules.fiscal_year_end)


def rat_due_date(fiscal_year: int, rules: DeadlineRules) -> date:
    """The last day the RAT for `fiscal_year` is on time (30 June of Y+1 by default)."""
    return _safe_date(fiscal_year + 1, rules.rat_due)


def rat_warning_date(fiscal_year: int, rules: DeadlineRules) -> date:
    return _safe_date(fiscal_year + 1, rules.rat_warning_from)


def report_due_date(held_on: date, rules: DeadlineRules) -> date:
    return held_on + timedelta(days=rules.report_due_days)


def last_ended_fiscal_year(today: date, rules: DeadlineRules) -> int:
    """The latest fiscal year that has ended on `today`."""
    year = today.year
    return year if today > fiscal_year_end(year, rules) else year - 1


def overdue_fiscal_year(today: date, rules: DeadlineRules) -> int:
    """The latest fiscal year whose RAT deadline has passed on `today`."""
    year = today.year
    while rat_due_date(year, rules) >= today:
        year -= 1
    return year


def warning_fiscal_year(today: date, rules: DeadlineRules) -> int | None:
    """The fiscal year whose RAT is due soon (warning started, deadline not passed), if any."""
    year = last_ended_fiscal_year(today, rules)
    if rat_warning_date(year, rules) <= today <= rat_due_date(year, rules):
        return year
    return None


def report_overdue_before(today: date, rules: DeadlineRules) -> date:
    """A RAT held before this date without a received report is laporan terlambat."""
    return today - timedelta(days=rules.report_due_days)


def inactivity_window(today: date, rules: DeadlineRules) -> tuple[int, int]:
    """The fiscal years (first, last) in which a RAT keeps a cooperative off the candidate list."""
    last = last_ended_fiscal_year(today, rules)
    return last - rules.inactivity_years + 1, last


@dataclass(frozen=True)
class RatFacts:
    """The part of a RAT record the flags look at."""

    fiscal_year: int
    held_on: date
    report_received_on: date | None


FLAG_ORDER = (Flag.RAT_OVERDUE, Flag.REPORT_OVERDUE, Flag.RAT_DUE_SOON)


@dataclass(frozen=True)
class DeadlineFlag:
    """One flag about one fiscal year, with the deadline it is about."""

    flag: Flag
    fiscal_year: int
    due_on: date  # the RAT's due date, or for a report the report's due date


def deadline_flags(
    active: bool, rats: Iterable[RatFacts], today: date, rules: DeadlineRules
) -> list[DeadlineFlag]:
    """The deadline flags of one cooperative on `today`, each naming its fiscal year, most
    pressing first (none for an inactive cooperative)."""
    if not active:
        return []
    rats = list(rats)
    years = {r.fiscal_year for r in rats}
    flags = []
    overdue = overdue_fiscal_year(today, rules)
    if overdue not in years:
        flags.append(DeadlineFlag(Flag.RAT_OVERDUE, overdue, rat_due_date(overdue, rules)))
    due_soon = warning_fiscal_year(today, rules)
    if due_soon is not None and due_soon not in years:
        flags.append(DeadlineFlag(Flag.RAT_DUE_SOON, due_soon, rat_due_date(due_soon, rules)))
    cut_off = report_overdue_before(today, rules)
    flags += [
        DeadlineFlag(Flag.REPORT_OVERDUE, r.fiscal_year, report_due_date(r.held_on, rules))
        for r in rats
        if r.report_received_on is None and r.held_on < cut_off
    ]
    return sorted(flags, key=lambda f: (FLAG_ORDER.index(f.flag), -f.fiscal_year))


def flags_for(
    active: bool, rats: Iterable[RatFacts], today: date, rules: DeadlineRules
) -> set[Flag]:
    """Which kinds of flag a cooperative has on `today` (the SQL filters' counterpart)."""
    return {f.flag for f in deadline_flags(active, rats, today, rules)}


@dataclass(frozen=True)
class YearCompliance:
    """One line of the cooperative page's RAT compliance table."""

    fiscal_year: int
    due_on: date
    held_on: date | None
    rat_on_time: bool | None  # None: not held (yet)
    report_due_on: date | None
    report_received_on: date | None
    report_on_time: bool | None


def compliance(
    rats: Iterable[RatFacts], first_year: int, today: date, rules: DeadlineRules
) -> list[YearCompliance]:
    """RAT compliance year by year, newest first, from `first_year` to the last ended year."""
    by_year = {r.fiscal_year: r for r in rats}
    last = max([last_ended_fiscal_year(today, rules), *by_year])
    lines = []
    for year in range(last, min([first_year, *by_year]) - 1, -1):
        rat = by_year.get(year)
        due = rat_due_date(year, rules)
        if rat is None:
            lines.append(YearCompliance(year, due, None, None, None, None, None))
            continue
        report_due = report_due_date(rat.held_on, rules)
        received = rat.report_received_on
        lines.append(
            YearCompliance(
                year,
                due,
                rat.held_on,
                rat.held_on <= due,
                report_due,
                received,
                None if received is None else received <= report_due,
            )
        )
    return lines
