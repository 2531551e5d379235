import io

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from ppkl.access import requires
from ppkl.clock import office_today
from ppkl.extensions import db
from ppkl.forms import whole_number
from ppkl.ods import exports, labels
from ppkl.ods.blueprint import bp
from ppkl.ods.forms import ApplyForm, ReconcileForm
from ppkl.ods.labels import apply_problem_message
from ppkl.ods.queries import certificate_files, lines_of, load_run, runs
from ppkl.ods.rules import GROUPS, Group
from ppkl.ods.services import ApplyRefused, apply_run, ods_options, reconcile_file, save_run
from ppkl.pagination import paginate
from ppkl.permissions import Permission
from ppkl.transfer.tabular import FileRefused
from ppkl.transfer.writers import CONTENT_TYPES


def render_index(form, outcome=None, status=200):
    page = paginate(db.session, runs(current_user))
    return render_template("ods/index.html", form=form, page=page, outcome=outcome), status


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.SUPERVISE_CERTIFICATION)
def index():
    """Upload an ODS extract (checked, nothing applied), and the runs kept so far."""
    form = ReconcileForm()
    if request.method == "GET":
        form.extract_date.data = office_today()
    if not form.validate_on_submit():
        return render_index(form, status=400 if form.errors else 200)
    filename = secure_filename(form.file.data.filename or "") or "ods"
    options = ods_options(current_app.config, form.extract_date.data)
    try:
        outcome = reconcile_file(db.session, current_user, filename, form.file.data.read(), options)
    except FileRefused as error:
        form.file.errors = [_(error.message_id, **error.params)]
        return render_index(form, status=400)
    if not outcome.ok:
        return render_index(form, outcome, status=400)
    run = save_run(db.session, current_user, outcome, options.extract_date)
    return redirect(url_for("ods.run", run_id=run.id))


def chosen_group(run) -> Group:
    value = request.args.get("group")
    if value in {g.value for g in GROUPS}:
        return Group(value)
    # The group that needs the supervisor first.
    for group in (Group.ODS_AHEAD, Group.CONFLICT, Group.ONLY_ODS, Group.PPKL_AHEAD):
        if run.counts.get(group.value):
            return group
    return Group.CONSISTENT


def render_run(run, group: Group, refusals=(), general=(), status=200):
    page = paginate(db.session, lines_of(run.id, group))
    shown = [line.cooperative_id for line in page.items if line.cooperative_id]
    files = certificate_files(shown) if group == Group.CONFLICT else {}
    return render_template(
        "ods/run.html",
        run=run,
        group=group,
        groups=GROUPS,
        page=page,
        files=files,
        apply_form=ApplyForm(formdata=None),
        export_form=ApplyForm(formdata=None),
        refusals=list(refusals),
        general=list(general),
        labels=labels,
        ticked={i for i in map(whole_number, request.form.getlist("line")) if i},
    ), status


def found_run(run_id: int):
    run = load_run(run_id, current_user)
    if run is None:
        abort(404)
    return run


@bp.route("/runs/<int:run_id>")
@requires(Permission.SUPERVISE_CERTIFICATION)
def run(run_id: int):
    """A kept run: its counts, and one group's lines with why each is there."""
    found = found_run(run_id)
    return render_run(found, chosen_group(found))


@bp.route("/runs/<int:run_id>/apply", methods=["POST"])
@requires(Permission.SUPERVISE_CERTIFICATION)
def apply(run_id: int):
    """Apply the ticked proposals in one step: all of them, or none with the reasons."""
    found = found_run(run_id)
    form = ApplyForm()
    posted = request.form.get("group")
    group = Group(posted) if posted in {g.value for g in GROUPS} else Group.ODS_AHEAD
    if not form.validate_on_submit():
        abort(400)
    ids = {i for i in map(whole_number, request.form.getlist("line")) if i}
    try:
        applied = apply_run(current_user, found, ids, office_today())
    except ApplyRefused as error:
        db.session.rollback()
        names = exports.line_names(found.id, list(error.refusals))
        refusals = [
            (names.get(line_id, "—"), [apply_problem_message(p) for p in problems])
            for line_id, problems in error.refusals.items()
        ]
        general = [apply_problem_message(p) for p in error.problems]
        stale = any(p.code == "changed_meanwhile" for ps in error.refusals.values() for p in ps)
        found = found_run(run_id)
        return render_run(found, group, refusals, general, status=409 if stale else 400)
    flash(
        _(
            "Applied: %(moved)s cooperatives moved, %(created)s created.",
            moved=applied.moved,
            created=applied.created,
        ),
        "success",
    )
    return redirect(url_for("ods.run", run_id=run_id, group=group.value))


@bp.route("/runs/<int:run_id>/export", methods=["POST"])
@requires(Permission.SUPERVISE_CERTIFICATION)
def export(run_id: int):
    """The whole run, every group, as an XLSX file."""
    found = found_run(run_id)
    if not ApplyForm().validate_on_submit():
        abort(400)
    content = exports.export_run(db.session, current_user, found)
    return send_file(
        io.BytesIO(content),
        mimetype=CONTENT_TYPES["xlsx"],
        as_attachment=True,
        download_name=f"rekonsiliasi-ods-{found.id}.xlsx",
    )
