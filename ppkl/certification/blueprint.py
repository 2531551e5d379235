"""The certification blueprint; importing this module registers its views, filters and checks."""

from flask import Blueprint

from ppkl.certification.deadlines import rules_from_config
from ppkl.certification.labels import (
    deadline_flag_label,
    evidence_items,
    flag_label,
    kind_label,
    reading_message,
)

bp = Blueprint("certification", __name__)


@bp.record_once
def _check_settings(state) -> None:
    """Refuse to start with unreadable deadline settings rather than fail on the first page."""
    try:
        rules_from_config(state.app.config)
    except (TypeError, ValueError) as error:
        raise ValueError(
            "FISCAL_YEAR_END, RAT_DUE and RAT_WARNING_FROM must be MM-DD dates, "
            f"RAT_REPORT_DUE_DAYS and INACTIVITY_YEARS whole numbers: {error}"
        ) from error
    if not state.app.config.get("HEALTH_CATEGORIES"):
        raise ValueError("HEALTH_CATEGORIES must list at least one category")


for function in (deadline_flag_label, evidence_items, flag_label, kind_label, reading_message):
    bp.add_app_template_filter(function)

from ppkl.certification import file_views, ledger_views, lists, views  # noqa: E402,F401
