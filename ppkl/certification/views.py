"""Moves on one cooperative: forward with evidence, corrections, (de)activation."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ppkl.access import load_cooperative, requires
from ppkl.certification.blueprint import bp
from ppkl.certification.deadlines import last_ended_fiscal_year, rules_from_config
from ppkl.certification.forms import (
    MOVE_FORMS,
    CorrectionForm,
    StatusForm,
    problem_message,
    show_problems,
)
from ppkl.certification.services import (
    MoveRefused,
    advance_stage,
    correct_stage,
    latest_change,
    set_active,
)
from ppkl.clock import office_today
from ppkl.domain import StaleEdit
from ppkl.extensions import db
from ppkl.forms import choices
from ppkl.i18n import stage_label
from ppkl.permissions import Permission, can_correct, can_move, can_set_active
from ppkl.workflow import correction_targets, evidence_warnings, next_stage


def detail_url(coop_id: int) -> str:
    return url_for("cooperatives.detail", cooperative_id=coop_id, _anchor="timeline")


def render_form(template: str, coop_id: int, form, general=(), stale=False, **context):
    """Render a move form; after a rollback the cooperative is loaded afresh."""
    coop = load_cooperative(coop_id)
    status = 200
    change = None
    if stale:
        change, status = latest_change(coop_id), 409
    elif form.errors or general:
        status = 400
    return (
        render_template(
            template, coop=coop, form=form, general=list(general), change=change, **context
        ),
        status,
    )


def refused(coop_id: int, form, error: Exception):
    """A refused change on its form page: (general messages, stale?)."""
    if isinstance(error, StaleEdit):
        db.session.rollback()
        return [], True
    return show_problems(form, error), False


def prefill(form, coop) -> None:
    """Sensible defaults: the version shown, the last ended fiscal year, the member count."""
    form.version.data = coop.version
    if hasattr(form, "entered_by"):
        form.entered_by.data = current_user.full_name
    if hasattr(form, "fiscal_year"):
        form.fiscal_year.data = last_ended_fiscal_year(
            office_today(), rules_from_config(current_app.config)
        )
        form.members_total.data = coop.members


@bp.route("/<int:cooperative_id>/move", methods=["GET", "POST"])
@requires(Permission.MOVE_STAGE)
def move(cooperative_id: int):
    """Move a cooperative one stage forward, with the evidence that stage needs."""
    coop = load_cooperative(cooperative_id)
    to_stage = next_stage(coop.stage)
    if to_stage is None or not can_move(current_user, coop, to_stage):
        abort(403)
    form = MOVE_FORMS[to_stage]()
    if request.method == "GET":
        prefill(form, coop)
    general, stale = [], False
    if form.validate_on_submit():
        evidence = form.evidence()
        try:
            advance_stage(
                current_user,
                coop,
                to_stage,
                evidence,
                form.note.data,
                form.expected_version(),
                office_today(),
            )
        except (MoveRefused, StaleEdit) as error:
            general, stale = refused(cooperative_id, form, error)
        else:
            flash(_("Moved to %(stage)s.", stage=stage_label(to_stage)), "success")
            for warning in evidence_warnings(evidence):
                flash(problem_message(warning), "warning")
            return redirect(detail_url(cooperative_id))
    return render_form(
        "certification/move.html", cooperative_id, form, general, stale, to_stage=to_stage
    )


@bp.route("/<int:cooperative_id>/correct", methods=["GET", "POST"])
@requires(Permission.SUPERVISE_CERTIFICATION)
def correct(cooperative_id: int):
    """Move a cooperative back to an earlier stage, with a reason (supervisors)."""
    coop = load_cooperative(cooperative_id)
    if not can_correct(current_user, coop):
        abort(403)
    form = CorrectionForm()
    form.to_stage.choices = choices(
        (s.value, stage_label(s)) for s in correction_targets(coop.stage)
    )
    if request.method == "GET":
        form.version.data = coop.version
    general, stale = [], False
    if form.validate_on_submit():
        try:
            correct_stage(
                current_user,
                coop,
                form.to_stage.data,
                form.note.data,
                form.expected_version(),
                office_today(),
            )
        except (MoveRefused, StaleEdit) as error:
            general, stale = refused(cooperative_id, form, error)
        else:
            flash(_("Stage corrected."), "success")
            return redirect(detail_url(cooperative_id))
    return render_form("certification/correct.html", cooperative_id, form, general, stale)


@bp.route("/<int:cooperative_id>/status", methods=["GET", "POST"])
@requires(Permission.SUPERVISE_CERTIFICATION)
def status(cooperative_id: int):
    """Deactivate or reactivate a cooperative, with a reason (supervisors)."""
    coop = load_cooperative(cooperative_id)
    if not can_set_active(current_user, coop):
        abort(403)
    form = StatusForm()
    if request.method == "GET":
        form.version.data = coop.version
    general, stale = [], False
    if form.validate_on_submit():
        try:
            set_active(
                current_user,
                coop,
                not coop.active,
                form.note.data,
                form.expected_version(),
                office_today(),
            )
        except (MoveRefused, StaleEdit) as error:
            general, stale = refused(cooperative_id, form, error)
        else:
            flash(_("Status changed."), "success")
            return redirect(detail_url(cooperative_id))
    return render_form("certification/status.html", cooperative_id, form, general, stale)
