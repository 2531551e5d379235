"""The certification workflow (issue 3): stage moves, RAT ledger, deadlines, targets."""

from flask import Blueprint, current_app
from flask_login import current_user

bp = Blueprint("certification", __name__)


@bp.app_template_global()
def certification_panel(coop):
    """The workflow section of the cooperative page (flags, actions, compliance, timeline)."""
    from ppkl.certification.panel import build_panel
    from ppkl.clock import office_today
    from ppkl.deadlines import rules_from_config

    return build_panel(current_user, coop, office_today(), rules_from_config(current_app.config))


def _register_filters() -> None:
    from ppkl.certification.labels import evidence_items, flag_label, kind_label

    for function in (evidence_items, flag_label, kind_label):
        bp.add_app_template_filter(function)


_register_filters()

from ppkl.certification import ledger_views, lists, views  # noqa: E402,F401
