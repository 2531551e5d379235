"""Batch jobs: officer reports printed in the background, never inside a web request.

With REDIS_URL set, each officer's report is an RQ job on the REPORT_QUEUE queue, run by
`flask --app ppkl report worker` processes (as many as the machine has cores). Without it, one
worker thread inside the web process runs them, so `make run` needs nothing extra. The state of
a batch lives in the database (report_job, report_job_item), so its page survives a reload; the
last item to finish writes the ZIP, with FAILED.txt naming any officer whose report failed.
"""

import logging
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from ppkl.background import redis_queue, runner_for, wait_for
from ppkl.clock import utcnow
from ppkl.extensions import db
from ppkl.models import ReportJob, ReportJobItem, User
from ppkl.reports.forms import refusal_message
from ppkl.reports.periods import Period, ReportRefused
from ppkl.reports.render import report_context
from ppkl.reports.services import officer_pdf
from ppkl.storage.app import REPORT_JOBS, storage_for
from ppkl.storage.base import Storage

log = logging.getLogger(__name__)

PENDING = ("queued", "running")
RUNNER_KEY = "ppkl_report_runner"


@dataclass(frozen=True)
class JobProgress:
    job: ReportJob
    items: list[ReportJobItem]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def done(self) -> int:
        return sum(1 for i in self.items if i.status == "done")

    @property
    def failed(self) -> list[ReportJobItem]:
        return [i for i in self.items if i.status == "failed"]

    @property
    def finished(self) -> bool:
        return self.job.finished_at is not None

    @property
    def percent(self) -> int:
        return round(100 * (self.done + len(self.failed)) / self.total) if self.total else 100


def job_storage() -> Storage:
    """Where batch files go: whichever machine prints an item or serves the ZIP reads it."""
    return storage_for(REPORT_JOBS)


def item_key(item: ReportJobItem) -> str:
    # By item id, not user name: a key takes fewer characters than a name may hold.
    return f"{item.job_id}/{item.id}.pdf"


def zip_key(job_id: str) -> str:
    return f"{job_id}.zip"


def progress(session, job: ReportJob) -> JobProgress:
    items = session.scalars(
        select(ReportJobItem).where(ReportJobItem.job_id == job.id).order_by(ReportJobItem.position)
    ).all()
    return JobProgress(job, list(items))


def dispatch(app: Flask, item_ids: list[int]) -> None:
    """Hand the items to the RQ queue, or to the in-process worker thread without Redis."""
    if app.config.get("REDIS_URL"):
        rq_queue = redis_queue(app)
        for item_id in item_ids:
            rq_queue.enqueue_call(
                "ppkl.reports.jobs.run_item",
                args=(item_id,),
                job_id=f"{rq_queue.name}-{item_id}",
                timeout=900,
                result_ttl=0,
                failure_ttl=24 * 3600,
            )
        return
    runner = runner_for(app, RUNNER_KEY, run_item)
    for item_id in item_ids:
        runner.submit(item_id)


def run_item(item_id: int) -> str:
    """Render one officer's report of a batch (runs in a worker, inside an app context)."""

    session = db.session
    item = session.get(ReportJobItem, item_id)
    if item is None or item.status not in PENDING:
        return "skipped"
    job = session.get(ReportJob, item.job_id)
    item.status = "running"
    session.commit()
    started = time.perf_counter()
    try:
        officer = session.get(User, item.officer_id)
        actor = session.get(User, job.created_by_id)
        period = Period(job.period_start, job.period_end)
        with report_context(job.language):
            result = officer_pdf(session, officer, period, job.language, actor)
        job_storage().put(item_key(item), result.pdf)
        item.status = "done"
        if result.rendered:
            item.pages = result.rendered.pages
            item.pdf_seconds = result.rendered.pdf_seconds
    except Exception as error:  # a failed officer is reported on the job page, not skipped
        session.rollback()
        log.exception("batch %s: report of %s failed", item.job_id, item.username)
        item = session.get(ReportJobItem, item_id)
        item.status = "failed"
        item.error = failure_text(error, job.language)
    item.finished_at = utcnow()
    item.seconds = time.perf_counter() - started
    session.commit()
    finish_if_complete(session, item.job_id)
    return item.status


def failure_text(error: Exception, language: str) -> str:
    """What the job page says about a failed report: the refusal's message, or for anything
    unexpected a translated sentence; the exception itself (paths, SQL, values) stays in the
    server log, written by the caller."""
    from flask_babel import gettext as _

    with report_context(language):
        if isinstance(error, ReportRefused):
            return refusal_message(error)
        return _("The report could not be made. The error has been recorded in the server log.")


def finish_if_complete(session, job_id: str) -> bool:
    """When no item is pending, write the ZIP and mark the job finished.

    Each item counts after its own commit, so the last one to finish always sees none pending.
    """
    pending = session.scalar(
        select(db.func.count(ReportJobItem.id)).where(
            ReportJobItem.job_id == job_id, ReportJobItem.status.in_(PENDING)
        )
    )
    if pending:
        return False
    job = session.get(ReportJob, job_id)
    items = progress(session, job).items
    storage = job_storage()
    failed = [f"{i.username}: {i.error}" for i in items if i.status == "failed"]
    # Built in a local scratch file (a country's batch is hundreds of MB), then stored whole.
    with tempfile.TemporaryFile() as scratch:
        with zipfile.ZipFile(scratch, "w", zipfile.ZIP_STORED) as archive:
            for item in items:
                if item.status == "done":
                    with (
                        storage.open(item_key(item)) as source,
                        archive.open(f"{item.username}.pdf", "w") as entry,
                    ):
                        shutil.copyfileobj(source, entry, 1024 * 1024)
            if failed:
                archive.writestr("FAILED.txt", "\n".join(failed) + "\n")
        scratch.seek(0)
        storage.put(zip_key(job_id), scratch)
    job.finished_at = job.finished_at or utcnow()
    session.commit()
    log.info("batch %s finished: %d items, %d failed", job_id, len(items), len(failed))
    return True


def wait_for_thread_runner(app: Flask) -> None:
    wait_for(app, RUNNER_KEY)
