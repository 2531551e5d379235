from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ppkl.access import load_cooperative, requires
from ppkl.assignments.blueprint import bp
from ppkl.assignments.forms import (
    ASSIGNMENT_MESSAGES,
    AssignOneForm,
    BulkAssignForm,
)
from ppkl.assignments.pickers import assignment_picker
from ppkl.assignments.services import AssignmentError, assign_officer, unassign_role
from ppkl.clock import office_today
from ppkl.cooperatives.pickers import officer_filter
from ppkl.cooperatives.queries import (
    CooperativeFilter,
    cooperative_rows,
    filter_options,
    matching_ids,
)
from ppkl.cooperatives.stale import stale_notice
from ppkl.domain import StaleEdit
from ppkl.extensions import db
from ppkl.forms import refusal_texts, row_versions, show_refusal, whole_number
from ppkl.inputs import db_int
from ppkl.models import User
from ppkl.pagination import page_request, per_page
from ppkl.permissions import Permission
from ppkl.tasks.worklist import Thresholds


def thresholds() -> Thresholds:
    return Thresholds.from_config(current_app.config, office_today())


def apply_choice(form, cooperative_ids: list[int], versions: dict[int, int] | None) -> int:
    """Run the service the officer choice names: assign someone, or remove a role."""
    kind, _sep, value = form.officer.data.partition(":")
    if kind == "none":
        return unassign_role(current_user, cooperative_ids, value, office_today(), versions)
    try:
        officer = db.session.get(User, db_int(value))
    except ValueError:
        officer = None
    if officer is None:
        raise AssignmentError("officer", "not_an_officer")
    return assign_officer(current_user, cooperative_ids, officer, office_today(), versions)


def show_error(form, error: AssignmentError) -> None:
    show_refusal(form, error, ASSIGNMENT_MESSAGES, fallback="officer")


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.ASSIGN_COOPERATIVES)
def index():
    """Assign many cooperatives at once, ticked by hand or all matching a filter."""
    flt = CooperativeFilter.from_args(request.args)
    form = BulkAssignForm()
    status, stale_notices = 200, []
    if form.validate_on_submit():
        # "All matching the filter" acts on the cooperatives as they are now: the page showed
        # a count, not each one. Ticked rows carry the version they showed.
        by_filter = form.target.data == "filter"
        ids = (
            matching_ids(db.session, current_user, flt, thresholds())
            if by_filter
            else form.cooperative_ids.data
        )
        try:
            changed = apply_choice(
                form, ids, None if by_filter else row_versions(request.form, ids)
            )
        except AssignmentError as error:
            show_error(form, error)
            status = 400
        except StaleEdit as error:
            stale_notices, status = [stale_notice(error, named=True)], 409
        else:
            flash(_("%(count)s cooperatives changed.", count=changed), "success")
            return redirect(url_for("assignments.index", **flt.as_args()))
    elif request.method == "POST":
        status = 400
    page = cooperative_rows(
        db.session,
        current_user,
        flt,
        thresholds(),
        page_request(),
        per_page(),
    )
    return render_template(
        "assignments/index.html",
        form=form,
        flt=flt,
        page=page,
        stale_notices=stale_notices,
        officer_picker=assignment_picker(form.officer, search_form="officer-search"),
        **filter_options(db.session, officer_filter(flt.officer_id), current_user),
    ), status


@bp.route("/cooperative/<int:cooperative_id>", methods=["POST"])
@requires(Permission.ASSIGN_COOPERATIVES)
def assign_one(cooperative_id: int):
    """Assign (or remove) the PPKL or DAK assistant of one cooperative."""
    coop = load_cooperative(cooperative_id)
    form = AssignOneForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        apply_choice(form, [coop.id], {coop.id: whole_number(form.version.data) or 0})
    except AssignmentError as error:
        for text in refusal_texts(error, ASSIGNMENT_MESSAGES):
            flash(text, "danger")
    except StaleEdit as error:
        stale = stale_notice(error, form)
        return render_template(
            "assignments/stale.html",
            coop=coop,
            form=form,
            stale=stale,
            officer_picker=assignment_picker(form.officer, search_form="officer-search"),
        ), 409
    else:
        flash(_("Assignment saved."), "success")
    return redirect(url_for("cooperatives.detail", cooperative_id=coop.id))
