"""Language choice, translated labels of domain keys, and locale-aware formatting."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app, session
from flask_babel import format_date, format_datetime, format_decimal, format_time, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ppkl.models.user import Role
from ppkl.pagination import count_label, kept_args, page_url
from ppkl.pickers import short_select
from ppkl.workflow import Stage

STAGE_LABELS = {
    Stage.NOT_STARTED: _l("Not started"),
    Stage.RAT_HELD: _l("RAT held"),
    Stage.REPORT_RECEIVED: _l("RAT report received"),
    Stage.ODS_ENTERED: _l("Entered in ODS"),
    Stage.CERTIFIED: _l("Certified (NIK)"),
}

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.PPKL: _l("PPKL (field counsellor)"),
    Role.DAK: _l("DAK assistant"),
    Role.NATIONAL: _l("National (ministry)"),
}

PURPOSE_LABELS = {
    "pembinaan": _l("Guidance"),
    "pendampingan_rat": _l("RAT assistance"),
    "pendampingan_ods": _l("ODS input assistance"),
    "verifikasi_data": _l("Data verification"),
    "monitoring_usaha": _l("Business monitoring"),
    "lainnya": _l("Other"),
}

REASON_LABELS = {
    "follow_up_overdue": _l("Follow-up overdue"),
    "deadline_overdue": _l("RAT or report overdue"),
    "follow_up_due": _l("Follow-up due this week"),
    "stuck": _l("Stuck in this stage"),
    "not_visited": _l("Not visited for a long time"),
}

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def stage_label(stage: str | None) -> str:
    return str(STAGE_LABELS[Stage(stage)]) if stage else ""


def role_label(role: str | None) -> str:
    return str(ROLE_LABELS[Role(role)]) if role else ""


def purpose_label(purpose: str) -> str:
    return str(PURPOSE_LABELS.get(purpose, purpose))


def reason_label(reason: str) -> str:
    return str(REASON_LABELS.get(reason, reason))


def format_number(value: int | Decimal | None) -> str:
    return "" if value is None else format_decimal(value, format="#,##0")


def format_tenths(value: Decimal | float | None) -> str:
    """A rate or a projection: one decimal at most (4,3 / 4.3; 12 stays 12)."""
    return "" if value is None else format_decimal(value, format="#,##0.#")


def format_percent(value: Decimal | float | None) -> str:
    """37,61 in Indonesian and 37.61 in English: always two decimals."""
    return "" if value is None else format_decimal(value, format="#,##0.00")


# The one date style and the one time style of each language, on screens and in PDFs alike:
# "9 Juli 2019 17.00" / "9 July 2019 5:00 PM" (CLDR's short time of the language). Exported
# CSV/XLSX files keep ISO dates: they are data to re-import, not text to read.
DATE_FORMAT = "d MMMM y"
TIME_FORMAT = "short"


def format_long_date(value: date | datetime | None) -> str:
    """9 Juli 2019 / 9 July 2019."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, format=DATE_FORMAT)


def format_day_month(value: date | None) -> str:
    """31 Jan / 31 Jan: a table's rows when the year is in its caption."""
    return "" if value is None else format_date(value, format="d MMM")


def short_month_names() -> list[str]:
    """Jan … Des / Jan … Dec: a chart's month axis."""
    return [format_date(date(2001, month, 1), format="MMM") for month in range(1, 13)]


def format_month_year(value: date) -> str:
    """Oktober 2019 / October 2019."""
    return format_date(value, format="MMMM y")


def format_timestamp(value: datetime | None, zone: str | None = None) -> str:
    """A stored naive-UTC timestamp in the office's time zone (or `zone`, a report's
    province's): the date style, then the time."""
    if value is None:
        return ""
    if zone is None:
        return (
            f"{format_datetime(value, format=DATE_FORMAT)} {format_time(value, format=TIME_FORMAT)}"
        )
    from babel import dates

    tz, locale = ZoneInfo(zone), get_locale()
    aware = value.replace(tzinfo=UTC)
    day = dates.format_datetime(aware, DATE_FORMAT, tzinfo=tz, locale=locale)
    clock = dates.format_time(aware, TIME_FORMAT, tzinfo=tz, locale=locale)
    return f"{day} {clock}"


def register(app) -> None:
    app.jinja_env.filters.update(
        stage_label=stage_label,
        role_label=role_label,
        number=format_number,
        percent=format_percent,
        tenths=format_tenths,
        long_date=format_long_date,
        day_month=format_day_month,
        timestamp=format_timestamp,
        purpose_label=purpose_label,
        reason_label=reason_label,
    )
    app.jinja_env.globals.update(
        STAGES=list(Stage),
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        get_locale=get_locale,
        page_url=page_url,
        kept_args=kept_args,
        short_select=short_select,
        count_label=lambda page: count_label(page, format_number),
    )


def scope_label(shown) -> str:
    """The name a recap's total row and headings carry: the province's, or the nation's."""
    return shown.province.name if shown.province is not None else str(_l("Indonesia"))
