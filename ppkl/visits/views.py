from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ppkl.access import requires
from ppkl.certification.deadlines import rules_from_config
from ppkl.certification.forms import (
    MOVE_FORMS,
    CertificateUploadForm,
    prefill_move,
    problem_message,
    show_problems,
)
from ppkl.certification.services import MoveRefused
from ppkl.certification.stale import move_stale
from ppkl.clock import office_today, utcnow
from ppkl.cooperatives.forms import LocationForm
from ppkl.cooperatives.pickers import cooperative_picker, officer_filter
from ppkl.cooperatives.places import describe_all
from ppkl.coverage import in_scope
from ppkl.domain import DomainError, Problem, StaleEdit
from ppkl.extensions import db
from ppkl.form_keys import already_saved, lost_race, spend
from ppkl.forms import refusal_texts, show_refusal
from ppkl.i18n import format_long_date, stage_label
from ppkl.inputs import db_int
from ppkl.models import Cooperative, Visit, VisitPhoto
from ppkl.pagination import paginate
from ppkl.permissions import Permission, can_move, can_view_cooperative, has_permission
from ppkl.storage.app import VISIT_PHOTOS, send, storage_for
from ppkl.storage.base import Storage
from ppkl.transaction import after_commit, commit_early
from ppkl.visits.blueprint import bp
from ppkl.visits.certificate import (
    after_refusal,
    after_save,
    certificate_move,
    show_certificate,
    take_certificate,
)
from ppkl.visits.forms import VISIT_MESSAGES, RemoveVisitForm, VisitEditForm, VisitForm
from ppkl.visits.pending import KeptPhotos, PhotoLimits, keep_uploads, load_pending
from ppkl.visits.photos import discard
from ppkl.visits.queries import (
    VISIT_ORDER,
    LostCooperative,
    covered_cooperative,
    lost_cooperative,
    photos_of,
    visit_list,
)
from ppkl.visits.rules import edit_window_open
from ppkl.visits.services import (
    NotYourCooperative,
    PhotoChanges,
    StageMove,
    VisitError,
    check_editable,
    edit_visit,
    log_visit,
    remove_visit,
)
from ppkl.workflow import Stage, evidence_warnings, next_stage


def photo_storage() -> Storage:
    return storage_for(VISIT_PHOTOS)


def edit_days() -> int:
    return int(current_app.config["VISIT_EDIT_DAYS"])


def sees_removed() -> bool:
    return has_permission(current_user, Permission.VIEW_ALL_COOPERATIVES)


def load_visit(visit_id: int) -> Visit:
    """404 when absent (or removed, for officers) or another province's, 403 when not the
    user's cooperative."""
    visit = db.session.get(Visit, visit_id)
    if visit is None or (visit.deleted_at is not None and not sees_removed()):
        abort(404)
    coop = db.session.get(Cooperative, visit.cooperative_id)
    if not in_scope(current_user, coop):
        abort(404)
    if not can_view_cooperative(current_user, coop):
        abort(403)
    return visit


def message(code: str, name: str = "") -> str:
    limit = current_app.config["VISIT_PHOTO_MAX_BYTES"] / (1024 * 1024)
    return str(VISIT_MESSAGES[code]) % {
        "name": name,
        "days": edit_days(),
        "limit": f"{limit:g}",
        "count": current_app.config["VISIT_PHOTO_MAX_COUNT"],
    }


def visit_problem_message(problem: Problem) -> str:
    return message(problem.code, problem.params.get("filename", ""))


def show_error(form, error: VisitError) -> None:
    show_refusal(form, error, visit_problem_message, fallback="visited_on")


def photo_limits() -> PhotoLimits:
    config = current_app.config
    return PhotoLimits(config["VISIT_PHOTO_MAX_BYTES"], config["VISIT_PHOTO_MAX_COUNT"])


def kept_photos(form, already_saved: int = 0) -> KeptPhotos:
    """On a POST: the form's pending photos, less those removed, plus the new uploads that
    pass, committed at once so that no later error or refusal loses them."""
    if request.method != "POST":
        return KeptPhotos()
    kept = keep_uploads(
        current_user,
        request.form.getlist("pending"),
        request.form.getlist("drop_pending"),
        form.photos.data or [],
        photo_storage(),
        photo_limits(),
        utcnow(),
        already_saved,
    )
    commit_early()
    return kept


def show_photo_error(form, kept: KeptPhotos) -> None:
    """After validation (which resets errors): name the refused upload next to the field."""
    if kept.error is not None:
        form.photos.errors = [message(kept.error.code, kept.error.filename)]


@bp.route("/")
@requires(Permission.VIEW_COOPERATIVES)
def index():
    """Visits: an officer's own; for supervisors all of them, removed ones on request."""
    officer_id = request.args.get("officer", type=db_int)
    removed = sees_removed() and request.args.get("removed") == "1"
    stmt = visit_list(current_user, officer_id, removed)
    page = paginate(db.session, stmt, entities=False, keyset=VISIT_ORDER)
    return render_template(
        "visits/index.html",
        page=page,
        officer_filter=officer_filter(officer_id) if sees_removed() else None,
        officer_id=officer_id,
        removed=removed,
    )


def move_form_for(coop: Cooperative | None):
    """The workflow's evidence form for the cooperative's next stage, when the user may move.
    A submitted form keeps the stage it was made for (the service refuses it if it no longer
    fits), so the user's evidence is never checked against a form they did not see."""
    if coop is None:
        return None, None
    posted = request.form.get("move-to_stage") if request.method == "POST" else None
    if posted:
        if posted not in {s.value for s in MOVE_FORMS}:
            abort(400)
        to_stage = Stage(posted)
    else:
        to_stage = next_stage(coop.stage) if coop.active else None
        if to_stage is None or not can_move(current_user, coop, to_stage):
            return None, None
    # The certificate move takes the certificate's photo here too, as on its own page.
    kind = CertificateUploadForm if to_stage == Stage.CERTIFIED else MOVE_FORMS[to_stage]
    form = kind(prefix="move", meta={"csrf": False})
    if request.method == "GET":
        prefill_move(
            form, coop, current_user, office_today(), rules_from_config(current_app.config)
        )
    return form, to_stage


def preselected_cooperative() -> Cooperative | None:
    """?cooperative=ID: 404 when absent, 403 when not the user's. A POST goes on without it:
    the assignment may have ended while the officer was typing, and the form says so."""
    cooperative_id = request.args.get("cooperative", type=db_int)
    if not cooperative_id:
        return None
    coop = db.session.get(Cooperative, cooperative_id)
    if coop is None or not in_scope(current_user, coop):
        abort(404)
    if not can_view_cooperative(current_user, coop):
        if request.method == "POST":
            return None
        abort(403)
    return coop


def chosen_cooperative(form: VisitForm, preselected: Cooperative | None, move_form):
    """The posted cooperative if the user covers it; NotYourCooperative for one that exists."""
    coop = covered_cooperative(db.session, current_user, form.cooperative_id.data)
    if coop is None:
        lost = lost_cooperative(db.session, current_user, form.cooperative_id.data)
        if lost is not None:
            raise NotYourCooperative(lost)
        raise VisitError("cooperative_id", "not_your_cooperative")
    if form.record_move.data and move_form is not None and coop.id != preselected.id:
        raise VisitError("cooperative_id", "move_other_cooperative")
    return coop


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.LOG_VISITS)
def new():
    """Log a visit (and optionally a stage move): phone-first, cooperatives searched on the
    server; visit, move and photos are saved together or not at all."""
    preselected = preselected_cooperative()
    form = VisitForm()
    move_form, to_stage = move_form_for(preselected)
    replay = already_saved(form)
    if replay is not None:
        return replay
    if request.method == "GET":
        form.visited_on.data = office_today()
        form.cooperative_id.data = preselected.id if preselected else None
    status, general, stale, lost = 200, [], None, None
    kept = kept_photos(form)
    moving = bool(move_form and form.record_move.data)
    certificate = (
        take_certificate(move_form, preselected.id)
        if moving and to_stage == Stage.CERTIFIED and form.is_submitted()
        else None
    )
    valid = form.validate_on_submit()
    if moving and form.is_submitted() and move_form.expected_version() != preselected.version:
        valid, stale = False, visit_stale(StaleEdit(preselected.id), form, move_form, to_stage)
    elif valid and moving:
        valid = move_form.validate()
    show_photo_error(form, kept)
    shown_again = show_certificate(move_form, certificate)
    if valid and kept.error is None and not shown_again:
        evidence = move_form.evidence() if moving else None
        try:
            coop = chosen_cooperative(form, preselected, move_form)
            move = (
                StageMove(
                    to_stage,
                    evidence,
                    move_form.note.data,
                    move_form.expected_version(),
                    **certificate_move(move_form, certificate),
                )
                if moving
                else None
            )
            key = spend(form, "visit")
            visit = log_visit(
                current_user,
                coop,
                form.details(),
                kept.photos,
                office_today(),
                move,
                location=form.location(),
            )
            if key is not None:
                key.url = url_for("visits.detail", visit_id=visit.id)
        except IntegrityError as error:
            after_refusal(move_form, certificate)
            return lost_race(form, error)
        except NotYourCooperative as error:
            db.session.rollback()
            lost = error.lost
            form.cooperative_id.errors = [unassigned_message(lost)]
            status = 403
        except StaleEdit as error:
            after_refusal(move_form, certificate)
            stale = visit_stale(error, form, move_form, to_stage)
        except (VisitError, MoveRefused) as error:
            general = show_visit_refusal(form, move_form, error)
            after_refusal(move_form, certificate, error.problems)
            status = 400
        except Exception:
            after_refusal(move_form, certificate)
            raise
        else:
            after_save(certificate)
            flash(_("Visit saved."), "success")
            if moving:
                flash(_("Moved to %(stage)s.", stage=stage_label(to_stage)), "success")
                for warning in evidence_warnings(evidence):
                    flash(problem_message(warning), "warning")
            if preselected is not None and request.args.get("back") == "cooperative":
                return redirect(url_for("cooperatives.detail", cooperative_id=coop.id))
            return redirect(url_for("visits.index", saved=visit.id))
    elif request.method == "POST":
        status = 400
    if stale:
        status = 409
    if preselected is not None:
        db.session.refresh(preselected)  # after a rollback, show the stage as it is now
    return render_template(
        "visits/new.html",
        form=form,
        cooperative_picker=cooperative_picker(
            "cooperative_id",
            str(form.cooperative_id.label.text),
            current_user,
            chosen_for_picker(form, preselected),
            errors=form.cooperative_id.errors,
            required=True,
            search_form="cooperative-search",
            # A cooperative taken off the officer while they typed: named, never chosen.
            placeholder=lost.cooperative.name if lost else None,
        ),
        today=office_today(),
        move_form=move_form,
        to_stage=to_stage,
        coop=preselected,
        general=general,
        stale=stale,
        pending=kept.photos,
        lost=lost,
        upload=certificate.upload if certificate else None,
    ), status


def chosen_for_picker(form: VisitForm, preselected: Cooperative | None) -> Cooperative | None:
    """The cooperative the picker shows as chosen: the posted one, else the one in the URL."""
    posted = form.cooperative_id.data
    if posted and (preselected is None or posted != preselected.id):
        return db.session.get(Cooperative, posted)
    return preselected


def visit_stale(error: StaleEdit, form, move_form, to_stage):
    """The move is refused as stale; when it no longer fits, the visit can still be saved alone."""
    notice = move_stale(error, move_form, to_stage)
    if not notice.may_apply:
        form.record_move.data = False
    return notice


def unassigned_message(lost: LostCooperative) -> str:
    """What happened, said next to the form; what was typed stays in it."""
    parts = [
        _(
            "%(name)s is no longer assigned to you since %(date)s.",
            name=lost.cooperative.name,
            date=format_long_date(lost.since),
        )
        if lost.since
        else _("%(name)s is not assigned to you.", name=lost.cooperative.name)
    ]
    if lost.now_with:
        parts.append(_("It is now with %(officer)s.", officer=lost.now_with))
    parts.append(_("Nothing was saved; what you typed is kept below to copy or hand on."))
    return " ".join(parts)


def show_visit_refusal(form, move_form, error: DomainError) -> list[str]:
    """Put a refusal next to its field; returns the messages that belong to no field."""
    if isinstance(error, MoveRefused):
        return show_problems(move_form, error)
    show_error(form, error)
    return []


@bp.route("/<int:visit_id>")
@requires(Permission.VIEW_COOPERATIVES)
def detail(visit_id: int):
    """One visit with its photos."""
    visit = load_visit(visit_id)
    coop = db.session.get(Cooperative, visit.cooperative_id)
    return render_template(
        "visits/detail.html",
        visit=visit,
        coop=coop,
        photos=photos_of(db.session, visit.id),
        editable=visit.deleted_at is None
        and visit.officer_id == current_user.id
        and edit_window_open(visit.created_at, utcnow(), edit_days()),
        remove_form=RemoveVisitForm(),
        place=describe_all(db.session, [visit])[visit.id],
        location_form=LocationForm(formdata=None)
        if has_permission(current_user, Permission.MANAGE_COOPERATIVES)
        else None,
    )


@bp.route("/<int:visit_id>/edit", methods=["GET", "POST"])
@requires(Permission.LOG_VISITS)
def edit(visit_id: int):
    """Change a visit and its photos within the edit window."""
    visit = load_visit(visit_id)
    form = VisitEditForm(obj=visit)
    status = 200
    try:
        check_editable(current_user, visit, utcnow(), edit_days())
    except VisitError as error:
        show_error(form, error)
        return render_edit(form, visit, KeptPhotos()), 403
    saved = photos_of(db.session, visit.id)
    kept = kept_photos(form, len(saved))
    valid = form.validate_on_submit()
    show_photo_error(form, kept)
    if valid and kept.error is None:
        changes = PhotoChanges(
            kept.photos,
            request.form.getlist("remove_photo", type=db_int),
            current_app.config["VISIT_PHOTO_MAX_COUNT"],
        )
        try:
            removed = edit_visit(
                current_user, visit, form.details(), office_today(), utcnow(), edit_days(), changes
            )
        except VisitError as error:
            show_error(form, error)
            status = 400
        else:
            storage = photo_storage()
            after_commit(lambda: discard(removed, storage))  # files go once the rows have
            flash(_("Visit saved."), "success")
            return redirect(url_for("visits.detail", visit_id=visit.id))
    elif request.method == "POST":
        status = 400
    return render_edit(form, visit, kept), status


def render_edit(form, visit: Visit, kept: KeptPhotos):
    return render_template(
        "visits/edit.html",
        form=form,
        visit=visit,
        today=office_today(),
        photos=photos_of(db.session, visit.id),
        pending=kept.photos,
        removing=set(request.form.getlist("remove_photo", type=db_int)),
    )


@bp.route("/<int:visit_id>/remove", methods=["POST"])
@requires(Permission.VIEW_COOPERATIVES)
def remove(visit_id: int):
    """Remove a visit (soft delete with a reason)."""
    visit = load_visit(visit_id)
    form = RemoveVisitForm()
    if not form.validate_on_submit():
        flash(message("reason_required"), "danger")
        return redirect(url_for("visits.detail", visit_id=visit.id))
    try:
        remove_visit(
            current_user,
            visit,
            form.reason.data,
            utcnow(),
            edit_days(),
            any_time=has_permission(current_user, Permission.ASSIGN_COOPERATIVES),
        )
    except VisitError as error:
        if error.code in ("visit_locked", "not_your_visit"):
            abort(403)
        for text in refusal_texts(error, visit_problem_message):
            flash(text, "danger")
        return redirect(url_for("visits.detail", visit_id=visit.id))
    flash(_("Visit removed."), "success")
    return redirect(url_for("visits.index"))


@bp.route("/pending/<token>")
@requires(Permission.LOG_VISITS)
def pending_photo(token: str):
    """A photo waiting for its visit to be saved: only for the officer who uploaded it."""
    found = load_pending(current_user, [token])
    if not found:
        abort(404)
    response = send(photo_storage(), found[0].stored_name, found[0].content_type)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/photos/<int:photo_id>")
@requires(Permission.VIEW_COOPERATIVES)
def photo(photo_id: int):
    """A visit photo, only for users who may see the cooperative."""
    row = db.session.execute(
        select(VisitPhoto, Visit)
        .join(Visit, Visit.id == VisitPhoto.visit_id)
        .where(VisitPhoto.id == photo_id)
    ).first()
    if row is None:
        abort(404)
    load_visit(row.Visit.id)
    return send(photo_storage(), row.VisitPhoto.stored_name, row.VisitPhoto.content_type)
