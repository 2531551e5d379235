from urllib.parse import parse_qsl, urlencode

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ppkl.access import load_cooperative, requires
from ppkl.assignments.forms import AssignOneForm
from ppkl.assignments.pickers import assignment_picker
from ppkl.assignments.queries import fieldwork_context
from ppkl.certification.deadlines import rules_from_config
from ppkl.certification.panel import build_panel
from ppkl.clock import office_today, utcnow
from ppkl.cooperatives.blueprint import bp
from ppkl.cooperatives.changes import check_version
from ppkl.cooperatives.forms import DETAILS_MESSAGES, CooperativeForm, LocationForm
from ppkl.cooperatives.pickers import officer_filter
from ppkl.cooperatives.places import place_context, set_place
from ppkl.cooperatives.queries import (
    CooperativeFilter,
    cooperative_rows,
    filter_options,
)
from ppkl.cooperatives.services import (
    DetailsError,
    create_cooperative,
    update_details,
)
from ppkl.cooperatives.stale import stale_notice
from ppkl.domain import StaleEdit
from ppkl.extensions import db
from ppkl.forms import regency_choices, show_refusal, whole_number
from ppkl.models import Visit
from ppkl.pagination import page_request, per_page
from ppkl.permissions import Permission, has_permission
from ppkl.tasks.worklist import Thresholds


@bp.route("/")
@requires(Permission.VIEW_COOPERATIVES)
def index():
    """The cooperatives the user may see: searched, filtered, sorted and paginated."""
    flt = CooperativeFilter.from_args(request.args)
    sees_all = has_permission(current_user, Permission.VIEW_ALL_COOPERATIVES)
    thresholds = Thresholds.from_config(current_app.config, office_today())
    page = cooperative_rows(
        db.session,
        current_user,
        flt,
        thresholds,
        page_request(),
        per_page(),
    )
    return render_template(
        "cooperatives/index.html",
        page=page,
        flt=flt,
        **filter_options(
            db.session, officer_filter(flt.officer_id) if sees_all else None, current_user
        ),
        list_query=urlencode(list(request.args.items(multi=True))),
    )


def list_url(query: str) -> str:
    """The list as the user left it (filters, sort, page): only ever the list's own path, with
    the query re-encoded, so the parameter cannot lead anywhere else."""
    pairs = parse_qsl(query[:2000], keep_blank_values=False)
    return url_for("cooperatives.index") + ("?" + urlencode(pairs) if pairs else "")


@bp.route("/<int:cooperative_id>")
@requires(Permission.VIEW_COOPERATIVES)
def detail(cooperative_id: int):
    """One cooperative."""
    coop = load_cooperative(cooperative_id)
    panel = build_panel(current_user, coop, office_today(), rules_from_config(current_app.config))
    assign_form = officer_picker = None
    if has_permission(current_user, Permission.ASSIGN_COOPERATIVES):
        assign_form = AssignOneForm(formdata=None, version=coop.version)
        officer_picker = assignment_picker(assign_form.officer, search_form="officer-search")
    context = fieldwork_context(db.session, current_user, coop)
    context.update(place_context(db.session, coop, [row[0] for row in context["visits"]]))
    if has_permission(current_user, Permission.MANAGE_COOPERATIVES):
        context["location_form"] = LocationForm(formdata=None, obj=context["place"])
    return render_template(
        "cooperatives/detail.html",
        coop=coop,
        cert=panel,
        assign_form=assign_form,
        officer_picker=officer_picker,
        back_to_list=list_url(request.args.get("list", "")),
        **context,
    )


@bp.route("/<int:cooperative_id>/location", methods=["POST"])
@requires(Permission.MANAGE_COOPERATIVES)
def set_location(cooperative_id: int):
    """Record where the cooperative is: typed in, or taken from one of its visits."""
    coop = load_cooperative(cooperative_id)
    form = LocationForm()
    back = redirect(url_for("cooperatives.detail", cooperative_id=coop.id, _anchor="location"))
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return back
    latitude, longitude, visit = form.latitude.data, form.longitude.data, None
    if form.visit_id.data is not None:
        visit = db.session.get(Visit, form.visit_id.data)
        if visit is None or visit.cooperative_id != coop.id:
            abort(404)
        latitude, longitude = visit.latitude, visit.longitude
    try:
        if latitude is None or longitude is None:
            raise DetailsError("latitude", "visit_without_location")
        set_place(current_user, coop, latitude, longitude, utcnow(), visit)
    except DetailsError as error:
        db.session.rollback()
        flash(str(DETAILS_MESSAGES[error.code]), "danger")
        return back
    flash(_("Location of %(name)s saved.", name=coop.name), "success")
    return back


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_COOPERATIVES)
def new():
    """Register a cooperative."""
    form = CooperativeForm()
    form.regency_id.choices = regency_choices()
    if form.validate_on_submit():
        try:
            coop = create_cooperative(current_user, form.details())
        except DetailsError as error:
            show_refusal(form, error, DETAILS_MESSAGES)
        else:
            flash(_("Cooperative %(name)s registered.", name=coop.name), "success")
            return redirect(url_for("cooperatives.detail", cooperative_id=coop.id))
    return render_template("cooperatives/form.html", form=form, coop=None)


@bp.route("/<int:cooperative_id>/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_COOPERATIVES)
def edit(cooperative_id: int):
    """Correct a cooperative's register details."""
    coop = load_cooperative(cooperative_id)
    form = CooperativeForm(obj=coop)
    form.regency_id.choices = regency_choices()
    if not form.is_submitted():
        form.version.data = coop.version
    stale, status = None, 200
    try:
        if form.is_submitted():
            check_version(coop, whole_number(form.version.data) or 0)
        if form.validate_on_submit():
            update_details(current_user, coop, form.details(), int(form.version.data))
            flash(_("Cooperative %(name)s saved.", name=coop.name), "success")
            return redirect(url_for("cooperatives.detail", cooperative_id=coop.id))
        if form.is_submitted():
            status = 400
    except DetailsError as error:
        show_refusal(form, error, DETAILS_MESSAGES)
        status = 400
    except StaleEdit as error:
        stale, status = stale_notice(error, form), 409
        coop = load_cooperative(cooperative_id)
    return render_template("cooperatives/form.html", form=form, coop=coop, stale=stale), status
