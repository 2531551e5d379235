"""Report pages: pick a report, see it (the same template as the PDF), download it, batches."""

import re
from io import BytesIO

from flask import abort, current_app, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ppkl import audit
from ppkl.access import load_officer, requires
from ppkl.clock import office_today
from ppkl.cooperatives.pickers import officer_picker as picker_of_officers
from ppkl.coverage import made_within, province_ids, sees_nation
from ppkl.extensions import db
from ppkl.forms import regency_choices
from ppkl.inputs import db_int
from ppkl.models import Province, Regency, ReportJob, ReportJobItem, User
from ppkl.permissions import Permission, can_print_officer_report, has_permission
from ppkl.reports import jobs, services
from ppkl.reports.blueprint import bp
from ppkl.reports.forms import (
    BatchForm,
    OfficerReportForm,
    PeriodPostForm,
    RecapForm,
    RecapPostForm,
    refusal_message,
)
from ppkl.reports.periods import ReportRefused, default_period
from ppkl.storage.app import send
from ppkl.transaction import after_commit

JOB_ID = re.compile(r"[0-9a-f]{32}")


BATCH_DOWNLOADED = audit.AuditAction("report_batch.downloaded", _l("Report batch downloaded"))


def load_printable_officer(officer_id: int) -> User:
    """404 when no such officer; 403 when the user may not print this officer's report."""
    officer = load_officer(officer_id)
    if not can_print_officer_report(current_user, officer):
        abort(403)
    return officer


def load_job(job_id: str) -> ReportJob:
    """404 for anything but an existing job's id (32 hex digits; junk never reaches the DB)
    started by an account within the user's scope."""
    if not JOB_ID.fullmatch(job_id):
        abort(404)
    job = db.session.scalar(
        select(ReportJob).where(
            ReportJob.id == job_id, made_within(ReportJob.created_by_id, current_user)
        )
    )
    if job is None:
        abort(404)
    return job


def officer_choices() -> list[tuple[int, str]]:
    """An officer prints their own report; supervisors choose with the picker."""
    return [(current_user.id, current_user.full_name)]


def index_page(officer_form=None, recap_form=None, batch_form=None, status=200):
    period = default_period(office_today())
    officer_form = officer_form or OfficerReportForm(
        formdata=None, officer=current_user.id, start=period.start, end=period.end
    )
    officer_form.officer.choices = officer_choices()
    officer_picker = None
    if has_permission(current_user, Permission.PRINT_ANY_REPORT):
        officer_picker = picker_of_officers(
            "officer",
            str(officer_form.officer.label.text),
            officer_form.officer.data,
            errors=officer_form.officer.errors,
            required=True,
            search_form="officer-report-search",
        )
    recap_form = recap_form or RecapForm(formdata=None, as_of=office_today())
    recap_form.province.choices = province_choices()
    recent = []
    if has_permission(current_user, Permission.PRINT_ANY_REPORT):
        batch_form = batch_form or BatchForm(
            formdata=None, prefix="batch", start=period.start, end=period.end
        )
        batch_form.regency.choices = regency_choices(_("All regencies"))
        recent = db.session.scalars(
            select(ReportJob)
            .where(made_within(ReportJob.created_by_id, current_user))
            .order_by(ReportJob.created_at.desc())
            .limit(10)
        ).all()
    page = render_template(
        "reports/index.html",
        officer_form=officer_form,
        officer_picker=officer_picker,
        recap_form=recap_form,
        batch_form=batch_form,
        recent=recent,
    )
    return page, status


@bp.route("/")
@requires(Permission.PRINT_REPORTS)
def index():
    """Choose a report: an officer's progress, the province recap, or a batch."""
    return index_page()


@bp.route("/officer")
@requires(Permission.PRINT_REPORTS)
def officer():
    """An officer's progress report as a web page, from the PDF's template."""
    officer = load_printable_officer(request.args.get("officer", current_user.id, type=db_int))
    form = OfficerReportForm(request.args)
    form.officer.choices = [(officer.id, officer.full_name)]
    period = form.period(current_app.config["REPORT_MAX_DAYS"]) if form.validate() else None
    if period is None:
        return index_page(officer_form=form, status=400)
    try:
        return services.officer_html(db.session, officer, period, current_user)
    except ReportRefused as error:
        form.add_error(error)
        return index_page(officer_form=form, status=400)


@bp.route("/officer/<int:officer_id>/pdf", methods=["POST"])
@requires(Permission.PRINT_REPORTS)
def officer_pdf(officer_id: int):
    """Download the officer report PDF (served from the cache while its data is unchanged)."""
    officer = load_printable_officer(officer_id)
    form = PeriodPostForm()
    period = form.period(current_app.config["REPORT_MAX_DAYS"]) if form.validate() else None
    if period is None:
        return index_page(status=400)
    try:
        result = services.officer_pdf(db.session, officer, period, str(get_locale()), current_user)
    except ReportRefused as error:
        form.add_error(error)
        return index_page(status=400)
    return pdf_response(result.pdf, f"laporan-{officer.username}-{period.slug()}.pdf")


def province_choices() -> list[tuple[int, str]]:
    """The recaps an account may print: its own; a national account the nation's or one
    province's."""
    choices = [(0, _("Indonesia (one row per province)"))]
    if sees_nation(current_user):
        choices += [
            (province_id, name) for name, province_id in sorted(province_ids(db.session).items())
        ]
    return choices


@bp.route("/recap")
@requires(Permission.VIEW_RECAP)
def recap():
    """The province recap (Capaian Koperasi Provinsi) as a web page."""
    form = RecapForm(request.args)
    form.province.choices = province_choices()
    if not form.validate():
        return index_page(recap_form=form, status=400)
    try:
        return services.recap_html(
            db.session, form.as_of.data, current_user, form.province.data or None
        )
    except ReportRefused as error:
        form.as_of.errors = [refusal_message(error)]
        return index_page(recap_form=form, status=400)


@bp.route("/recap/pdf", methods=["POST"])
@requires(Permission.VIEW_RECAP)
def recap_pdf():
    """Download the province recap PDF."""
    form = RecapPostForm()
    form.province.choices = province_choices()
    if not form.validate():
        return index_page(status=400)
    try:
        rendered = services.recap_pdf(
            db.session, form.as_of.data, current_user, form.province.data or None
        )
    except ReportRefused as error:
        form.as_of.errors = [refusal_message(error)]
        return index_page(recap_form=RecapForm(formdata=None, as_of=form.as_of.data), status=400)
    province = db.session.get(Province, form.province.data) if form.province.data else None
    place = f"{province.code}-" if province else ""
    return pdf_response(rendered.pdf, f"capaian-koperasi-{place}{form.as_of.data.isoformat()}.pdf")


@bp.route("/batch", methods=["POST"])
@requires(Permission.PRINT_ANY_REPORT)
def batch():
    """Start printing many officers' reports in the background; show its progress page."""
    form = BatchForm(prefix="batch")
    form.regency.choices = regency_choices(_("All regencies"))
    period = form.period(current_app.config["REPORT_MAX_DAYS"]) if form.validate() else None
    if period is None:
        return index_page(batch_form=form, status=400)
    regency = db.session.get(Regency, form.regency.data) if form.regency.data else None
    try:
        job = services.start_batch(db.session, current_user, regency, period, str(get_locale()))
    except ReportRefused as error:
        form.add_error(error)
        return index_page(batch_form=form, status=400)
    item_ids = [item_id for (item_id,) in db.session.execute(job_item_ids(job.id))]
    app = current_app._get_current_object()
    after_commit(lambda: jobs.dispatch(app, item_ids))
    return redirect(url_for("reports.job", job_id=job.id))


def job_item_ids(job_id: str):

    return (
        select(ReportJobItem.id)
        .where(ReportJobItem.job_id == job_id)
        .order_by(ReportJobItem.position)
    )


@bp.route("/jobs/<job_id>")
@requires(Permission.PRINT_ANY_REPORT)
def job(job_id: str):
    """A batch's progress; reloads itself until the ZIP is ready."""
    labels = {
        "queued": _("waiting"),
        "running": _("printing"),
        "done": _("done"),
        "failed": _("failed"),
    }
    return render_template(
        "reports/job.html",
        progress=jobs.progress(db.session, load_job(job_id)),
        status_labels=labels,
    )


@bp.route("/jobs/<job_id>/download", methods=["POST"])
@requires(Permission.PRINT_ANY_REPORT)
def job_download(job_id: str):
    """The finished batch as one ZIP of PDFs."""
    job = load_job(job_id)
    storage = jobs.job_storage()
    if job.finished_at is None or not storage.exists(jobs.zip_key(job.id)):
        abort(404)
    audit.record(BATCH_DOWNLOADED, target=f"job:{job.id}")
    name = f"laporan-petugas-{job.period_start.isoformat()}_{job.period_end.isoformat()}.zip"
    return send(storage, jobs.zip_key(job.id), "application/zip", download_name=name)


def pdf_response(pdf: bytes, filename: str):
    return send_file(
        BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=filename
    )
