import tempfile
from collections.abc import Callable
from functools import partial
from typing import BinaryIO

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.utils import secure_filename

from ppkl.access import requires
from ppkl.clock import office_today, utcnow
from ppkl.cooperatives.queries import CooperativeFilter
from ppkl.coverage import made_within
from ppkl.dashboard.views import parse_as_of
from ppkl.extensions import db
from ppkl.form_keys import spend_key, spent_key
from ppkl.inputs import db_int
from ppkl.models import User
from ppkl.permissions import Permission
from ppkl.tasks.worklist import Thresholds
from ppkl.transfer import exports, jobs
from ppkl.transfer.blueprint import bp
from ppkl.transfer.forms import ConfirmImportForm, ExportForm, ImportForm, VisitExportForm
from ppkl.transfer.problems import PROBLEMS
from ppkl.transfer.services import ConcurrentChange, import_cooperatives, import_options
from ppkl.transfer.tabular import FileRefused
from ppkl.transfer.uploads import PendingUpload, UploadStore
from ppkl.transfer.writers import CONTENT_TYPES

# An export larger than this is spooled to a temporary file on disk rather than kept in memory.
SPOOL_BYTES = 4 * 1024 * 1024


def upload_store() -> UploadStore:
    return jobs.upload_store()


def download(write_export: Callable[[BinaryIO], exports.Export]):
    """Write the export into a temporary file (in memory up to SPOOL_BYTES, on disk beyond),
    then send it in blocks: memory stays flat whatever the number of rows."""
    # Closed by blocks_of when the response ends, not here.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        result = write_export(spool)
    except BaseException:
        spool.close()
        raise
    size = spool.tell()
    spool.seek(0)
    return current_app.response_class(
        blocks_of(spool),
        mimetype=CONTENT_TYPES[result.fmt],
        headers={
            "Content-Disposition": f"attachment; filename={result.filename}",
            "Content-Length": str(size),
        },
        direct_passthrough=True,
    )


def blocks_of(spool: BinaryIO, size: int = 64 * 1024):
    """The file's content in blocks; the file is closed when the response ends, read or not."""
    with spool:
        while block := spool.read(size):
            yield block


@bp.route("/transfer/")
@requires(Permission.VIEW_COOPERATIVES)
def index():
    """Import and export: what the user may take in and out."""
    return render_template(
        "transfer/index.html", export_form=ExportForm(), visit_form=VisitExportForm()
    )


@bp.route("/import/cooperatives", methods=["GET", "POST"])
@requires(Permission.IMPORT_COOPERATIVES)
def import_upload():
    """Upload a file; the check of what it would change is shown on its own page."""
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("transfer/import.html", form=form)
    filename = secure_filename(form.file.data.filename or "") or "upload"
    data = form.file.data.read()
    options = import_options(current_app.config, form.create_regencies.data, dry_run=True)
    try:
        plan = import_cooperatives(db.session, current_user, filename, data, options).plan
    except FileRefused as error:
        form.file.errors = [_(error.message_id, **error.params)]
        return render_template("transfer/import.html", form=form)
    finally:
        db.session.rollback()
    rows = plan.created + plan.updated + plan.unchanged
    token = upload_store().save(
        current_user.id, filename, options.create_regencies, data, rows, plan.needs_reason
    )
    return redirect(url_for("transfer.import_preview", token=token))


def imported_already(token: str):
    """The redirect to where an import of this upload led, when it was imported already."""
    row = spent_key(token, current_user.id)
    if row is None:
        return None
    flash(_("This file was already imported; it was not imported a second time."), "info")
    return redirect(row.url)


@bp.route("/import/cooperatives/<token>")
@requires(Permission.IMPORT_COOPERATIVES)
def import_preview(token: str):
    """What an uploaded file would change (a dry run), and the button to apply it."""
    done = imported_already(token)
    if done is not None:
        return done
    pending = upload_store().load(token, current_user.id)
    if pending is None:
        flash(_("That upload has expired. Upload the file again."), "warning")
        return redirect(url_for("transfer.import_upload"))
    options = import_options(current_app.config, pending.create_regencies, dry_run=True)
    result = import_cooperatives(db.session, current_user, pending.filename, pending.data, options)
    db.session.rollback()
    confirm = ConfirmImportForm(formdata=None, token=token) if result.plan.ok else None
    in_background = pending.rows > current_app.config["IMPORT_SYNC_MAX_ROWS"]
    return render_template(
        "transfer/preview.html", result=result, confirm_form=confirm, in_background=in_background
    )


@bp.route("/import/cooperatives/confirm", methods=["POST"])
@requires(Permission.IMPORT_COOPERATIVES)
def import_confirm():
    """Apply a previewed file: every row or, on any problem, none. The upload's token is the
    one-time key: confirming twice imports once."""
    form = ConfirmImportForm()
    store = upload_store()
    token = form.token.data if form.validate() else None
    done = imported_already(token) if token else None
    if done is not None:
        return done
    pending = store.load(token, current_user.id) if token else None
    if pending is None:
        flash(_("That upload has expired. Upload the file again."), "warning")
        return redirect(url_for("transfer.import_upload"))
    if pending.rows > current_app.config["IMPORT_SYNC_MAX_ROWS"]:
        return start_import_job(pending, (form.reason.data or "").strip() or None)
    options = import_options(
        current_app.config, pending.create_regencies, dry_run=False, reason=form.reason.data
    )
    try:
        spend_key(token, current_user.id, "import", utcnow()).url = url_for("cooperatives.index")
        result = import_cooperatives(
            db.session, current_user, pending.filename, pending.data, options
        )
        if result.reason_missing:
            db.session.rollback()  # the spent key too
            form.reason.errors = [_("Give the reason for these changes.")]
            return render_template("transfer/preview.html", result=result, confirm_form=form), 400
        if not result.applied:
            db.session.rollback()  # the spent key too: the preview shows the problems
            return redirect(url_for("transfer.import_preview", token=token))
    except IntegrityError:
        db.session.rollback()
        done = imported_already(token)
        if done is None:
            raise
        return done
    except ConcurrentChange:
        db.session.rollback()  # the rows written before the change was seen
        flash(_("Cooperatives changed while you were importing. Nothing was imported."), "danger")
        return redirect(url_for("transfer.import_upload"))
    store.discard(pending.token)
    if result.plan.changes_nothing:
        flash(
            _(
                "Nothing changed: all %(unchanged)s rows of %(file)s already match the register.",
                file=pending.filename,
                unchanged=result.unchanged,
            ),
            "info",
        )
        return redirect(url_for("cooperatives.index"))
    flash(
        _(
            "Imported %(file)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
            file=pending.filename,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        ),
        "success",
    )
    return redirect(url_for("cooperatives.index"))


def start_import_job(pending: PendingUpload, reason: str | None):
    """A large upload is imported by a worker; its page follows the job."""
    url = url_for("transfer.import_job", token=pending.token)
    if jobs.load_job(upload_store(), pending.token) is not None:
        return redirect(url)  # confirmed twice: one job
    if pending.needs_reason and not reason:
        flash(_("Give the reason for these changes."), "warning")
        return redirect(url_for("transfer.import_preview", token=pending.token))
    jobs.start_job(current_app._get_current_object(), pending, url, reason)
    return redirect(url)


@bp.route("/import/cooperatives/jobs/<token>")
@requires(Permission.IMPORT_COOPERATIVES)
def import_job(token: str):
    """A background import's progress, then its result; follows the job until it ends."""
    job = visible_job(token)
    counts_known = jobs.settle_stalled(job)
    return render_template(
        "transfer/job.html",
        job=job,
        counts_known=counts_known,
        failures=jobs.FAILURES,
        problems=PROBLEMS,
    )


def visible_job(token: str) -> jobs.ImportJob:
    """The job, to its uploader and to importers whose scope holds the uploader; else 404."""
    job = jobs.load_job(upload_store(), token)
    if job is None:
        abort(404)
    if job.user_id != current_user.id and not db.session.scalar(
        select(User.id).where(User.id == job.user_id, made_within(User.id, current_user))
    ):
        abort(404)
    return job


@bp.route("/export/cooperatives", methods=["POST"])
@requires(Permission.VIEW_COOPERATIVES)
def export_cooperatives():
    """The cooperatives list as shown, with its filters, as a file."""
    form = ExportForm()
    if not form.validate_on_submit():
        return redirect(url_for("cooperatives.index"))
    flt = CooperativeFilter.from_args(request.form)
    thresholds = Thresholds.from_config(current_app.config, office_today())
    fmt = form.fmt.data
    return download(
        partial(exports.export_cooperatives, db.session, current_user, flt, thresholds, fmt)
    )


@bp.route("/export/visits", methods=["POST"])
@requires(Permission.VIEW_COOPERATIVES)
def export_visits():
    """Visits in a period (officers: their own) as a file."""
    form = VisitExportForm()
    if not form.validate_on_submit():
        return render_template(
            "transfer/index.html", export_form=ExportForm(), visit_form=form
        ), 400
    period = exports.VisitPeriod(
        form.start.data, form.end.data, request.form.get("officer", type=db_int)
    )
    fmt, today = form.fmt.data, office_today()
    return download(
        lambda out: exports.export_visits(db.session, current_user, period, fmt, out, today)
    )


@bp.route("/export/recap", methods=["POST"])
@requires(Permission.VIEW_RECAP)
def export_recap():
    """The recap as a file."""
    return dashboard_export(exports.export_recap)


@bp.route("/export/progress", methods=["POST"])
@requires(Permission.VIEW_RECAP)
def export_progress():
    """The dashboard's progress charts' numbers as a file."""
    return dashboard_export(exports.export_progress)


def dashboard_export(export):
    """An export of what the dashboard shows, for its day (as_of) and province drill-down."""
    form = ExportForm()
    today = office_today()
    as_of, error = parse_as_of(request.form.get("as_of"), today)
    if not form.validate_on_submit() or error:
        return redirect(url_for("dashboard.index"))
    fmt, province_id = form.fmt.data, request.form.get("province", type=db_int)
    return download(
        lambda out: export(db.session, current_user, fmt, out, today, as_of, province_id)
    )
