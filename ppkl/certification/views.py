"""Moves on one cooperative: forward with evidence, corrections, (de)activation.

Each form carries what it was made for (the target stage or status, and the version the page
showed); a cooperative changed since answers 409 with templates/_stale.html and the typed form.
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ppkl.access import load_cooperative, requires
from ppkl.certification.blueprint import bp
from ppkl.certification.deadlines import rules_from_config
from ppkl.certification.documents import DocumentError, PhotoStore, certify
from ppkl.certification.forms import (
    MOVE_FORMS,
    CertificateUploadForm,
    CorrectionForm,
    StatusForm,
    prefill_move,
    problem_message,
    show_problems,
)
from ppkl.certification.services import (
    MoveRefused,
    advance_stage,
    correct_stage,
    set_active,
)
from ppkl.certification.stale import move_stale
from ppkl.certification.uploads import (
    Upload,
    certificate_storage,
    forget_written,
    show_reading,
    stored,
    take_upload,
)
from ppkl.clock import office_today
from ppkl.cooperatives.changes import check_version
from ppkl.cooperatives.stale import stale_notice
from ppkl.domain import StaleEdit
from ppkl.form_keys import already_saved, lost_race, spend
from ppkl.forms import choices
from ppkl.i18n import stage_label
from ppkl.permissions import Permission, can_correct, can_move, can_set_active
from ppkl.workflow import (
    Stage,
    correction_targets,
    evidence_warnings,
    is_backward_move,
    next_stage,
)


def detail_url(coop_id: int) -> str:
    return url_for("cooperatives.detail", cooperative_id=coop_id, _anchor="timeline")


def render_form(template: str, coop_id: int, form, general=(), stale=None, **context):
    """Render a move form; after a rollback the cooperative is loaded afresh."""
    coop = load_cooperative(coop_id)
    status = 409 if stale else 400 if form.errors or general else 200
    return (
        render_template(
            template, coop=coop, form=form, general=list(general), stale=stale, **context
        ),
        status,
    )


def posted_move_stage() -> Stage:
    """The stage the submitted move form was made for (never the cooperative's next stage now:
    that would validate the user's evidence against a form they never saw)."""
    value = request.form.get("to_stage")
    if value not in {s.value for s in MOVE_FORMS}:
        abort(400)
    return Stage(value)


def move_form_for(to_stage: Stage):
    """The move's form; the certificate move on its own page also takes the certificate."""
    return CertificateUploadForm() if to_stage == Stage.CERTIFIED else MOVE_FORMS[to_stage]()


@bp.route("/<int:cooperative_id>/move", methods=["GET", "POST"])
@requires(Permission.MOVE_STAGE)
def move(cooperative_id: int):
    """Move a cooperative one stage forward, with the evidence that stage needs."""
    coop = load_cooperative(cooperative_id)
    if request.method == "POST":
        to_stage = posted_move_stage()
    else:
        to_stage = next_stage(coop.stage)
        if to_stage is None or not can_move(current_user, coop, to_stage):
            abort(403)
    form = move_form_for(to_stage)
    replay = already_saved(form)
    if replay is not None:
        return replay
    if request.method == "GET":
        prefill_move(
            form, coop, current_user, office_today(), rules_from_config(current_app.config)
        )
    if to_stage == Stage.CERTIFIED and form.is_submitted():
        return certify_move(coop, form)
    general, stale = [], None
    try:
        if form.is_submitted():
            check_version(coop, form.expected_version())  # stale before rules and fields
        if form.validate_on_submit():
            if not can_move(current_user, coop, to_stage):
                abort(403)
            evidence = form.evidence()
            spend(form, "move", detail_url(cooperative_id))
            advance_stage(
                current_user,
                coop,
                to_stage,
                evidence,
                form.note.data,
                form.expected_version(),
                office_today(),
            )
            return moved(cooperative_id, to_stage, evidence)
    except IntegrityError as error:
        return lost_race(form, error)
    except MoveRefused as error:
        general = show_problems(form, error)
    except StaleEdit as error:
        stale = move_stale(error, form, to_stage)
    return render_form(
        "certification/move.html", cooperative_id, form, general, stale, to_stage=to_stage
    )


def moved(cooperative_id: int, to_stage: Stage, evidence):
    flash(_("Moved to %(stage)s.", stage=stage_label(to_stage)), "success")
    for warning in evidence_warnings(evidence):
        flash(problem_message(warning), "warning")
    return redirect(detail_url(cooperative_id))


def certify_move(coop, form):
    """The certificate move, posted: a new file's code is read and shown for the user to
    confirm ("Read the code" never saves); the move is saved with the file as its evidence."""
    to_stage = Stage.CERTIFIED
    general, stale, upload = [], None, Upload()
    store = PhotoStore(certificate_storage())
    reading_only = request.form.get("action") == "read"
    try:
        upload = take_upload(form, coop.id, read_code=True)  # kept on a stale page too
        check_version(coop, form.expected_version())
        if reading_only and upload.document is None:
            form.certificate.errors = [_("Choose the photo or scan to read.")]
        elif reading_only or (upload.fresh and needs_confirmation(form, upload)):
            show_reading(form, upload)
        elif form.validate_on_submit():
            if not can_move(current_user, coop, to_stage):
                abort(403)
            evidence = form.evidence()
            certify(
                current_user,
                coop,
                evidence,
                form.note.data,
                form.expected_version(),
                office_today(),
                upload.document,
                store,
                form.code_nik.data or None,
            )
            stored(store, upload.document)
            return moved(coop.id, to_stage, evidence)
    except DocumentError as error:
        show_problems(form, error)
    except MoveRefused as error:
        forget_written(store)
        general = show_problems(form, error)
        if any(p.code == "nik_differs_from_code" for p in error.problems):
            show_reading(form, upload)
    except StaleEdit as error:
        forget_written(store)
        stale = move_stale(error, form, to_stage)
    except Exception:
        forget_written(store)
        raise
    return render_form(
        "certification/move.html",
        coop.id,
        form,
        general,
        stale,
        to_stage=to_stage,
        upload=upload,
    )


def needs_confirmation(form, upload: Upload) -> bool:
    """A file sent with "Save": saved at once only when the typed NIK is what the code holds,
    or nothing was read from it."""
    read = upload.document.reading.nik
    return read is not None and (form.nik.data or "").strip() != read


@bp.route("/<int:cooperative_id>/correct", methods=["GET", "POST"])
@requires(Permission.SUPERVISE_CERTIFICATION)
def correct(cooperative_id: int):
    """Move a cooperative back to an earlier stage, with a reason (supervisors)."""
    coop = load_cooperative(cooperative_id)
    if not can_correct(current_user, coop):
        abort(403)
    form = CorrectionForm()
    # The stage the page offered stays a choice on a stale page, so what was picked is kept.
    offered = set(correction_targets(coop.stage))
    if request.form.get("to_stage") in {s.value for s in Stage}:
        offered.add(Stage(request.form["to_stage"]))
    form.to_stage.choices = choices((s.value, stage_label(s)) for s in Stage if s in offered)
    if request.method == "GET":
        form.version.data = coop.version
    general, stale = [], None
    try:
        if form.is_submitted():
            check_version(coop, form.expected_version())
        if form.validate_on_submit():
            correct_stage(
                current_user,
                coop,
                form.to_stage.data,
                form.note.data,
                form.expected_version(),
                office_today(),
            )
            flash(_("Stage corrected."), "success")
            return redirect(detail_url(cooperative_id))
    except MoveRefused as error:
        general = show_problems(form, error)
    except StaleEdit as error:
        target = form.to_stage.data
        stale = stale_notice(
            error,
            form,
            lambda now: now.active and target in offered and is_backward_move(now.stage, target),
        )
    return render_form("certification/correct.html", cooperative_id, form, general, stale)


def posted_active() -> bool | None:
    """The status the submitted form was made to set ("1" active, "0" inactive)."""
    return {"1": True, "0": False}.get(request.form.get("to_active", ""))


@bp.route("/<int:cooperative_id>/status", methods=["GET", "POST"])
@requires(Permission.SUPERVISE_CERTIFICATION)
def status(cooperative_id: int):
    """Deactivate or reactivate a cooperative, with a reason (supervisors)."""
    coop = load_cooperative(cooperative_id)
    if not can_set_active(current_user, coop):
        abort(403)
    form = StatusForm()
    to_active = not coop.active
    if request.method == "GET":
        form.version.data = coop.version
    elif (posted := posted_active()) is None:
        abort(400)
    else:
        to_active = posted
    general, stale = [], None
    try:
        if form.is_submitted():
            check_version(coop, form.expected_version())
        if form.validate_on_submit():
            set_active(
                current_user,
                coop,
                to_active,
                form.note.data,
                form.expected_version(),
                office_today(),
            )
            flash(_("Status changed."), "success")
            return redirect(detail_url(cooperative_id))
    except MoveRefused as error:
        general = show_problems(form, error)
    except StaleEdit as error:
        stale = stale_notice(error, form, lambda now: now.active != to_active)
    return render_form(
        "certification/status.html", cooperative_id, form, general, stale, to_active=to_active
    )
