"""Template filters the reports need beyond ppkl.i18n's."""

from datetime import date

from flask_babel import format_date

from ppkl.reports.blueprint import bp


@bp.app_template_filter("short_date")
def short_date(value: date | None) -> str:
    """09/07/2019: compact enough for table cells, the same in both languages."""
    return "" if value is None else format_date(value, format="dd/MM/yyyy")
