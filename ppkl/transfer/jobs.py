"""Large web imports, run in the background: a confirmed upload over IMPORT_SYNC_MAX_ROWS rows
is imported by a worker while its page shows the progress.

The job is named by the upload's token and its state is a small JSON file beside the upload in
the shared storage (any machine may serve the page or run the job). The worker writes it
between batches, outside the import's transaction: SQLite has one writer at a time, so a
progress row in the database would wait on the import's own lock. The import itself is one
transaction, as on the confirmation page; it spends the upload's one-time key, so a committed
import is known from the database even if the worker stops before writing the state.
"""

import json
import logging
import time
from dataclasses import asdict, dataclass, field

from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from ppkl.background import redis_queue, runner_for, wait_for
from ppkl.clock import utcnow
from ppkl.extensions import db
from ppkl.form_keys import spend_key, spent_key
from ppkl.models import User
from ppkl.storage.app import IMPORTS, storage_for
from ppkl.storage.base import NotStored
from ppkl.transfer.services import ConcurrentChange, import_cooperatives, import_options
from ppkl.transfer.tabular import N_, FileRefused
from ppkl.transfer.uploads import TOKEN, PendingUpload, UploadStore

log = logging.getLogger(__name__)

RUNNER_KEY = "ppkl_import_runner"
FINISHED = ("done", "failed")
# The problems a failed job's page lists (the count covers them all).
PROBLEMS_SHOWN = 50
# A job whose state has not moved for this long has stopped (RQ's timeout for it is lower).
STALLED_AFTER = 1800
FAILURES = {
    "problems": N_(
        "The file has %(count)s problems. Nothing was imported. Correct the file and upload it "
        "again."
    ),
    "reason_missing": N_(
        "Some rows move a cooperative back a stage or deactivate it, and no reason was given. "
        "Nothing was imported."
    ),
    "changed_meanwhile": N_("Cooperatives changed while you were importing. Nothing was imported."),
    "expired": N_("That upload has expired. Upload the file again."),
    "refused": N_("The file could not be read. Nothing was imported."),
    "error": N_(
        "The import could not be completed. Nothing was imported; the error has been recorded "
        "in the server log."
    ),
    "stalled": N_("The import stopped before it finished. Nothing was imported."),
}


@dataclass
class ImportJob:
    token: str
    user_id: int
    filename: str
    rows: int
    url: str  # the job's page
    reason: str | None = None
    status: str = "queued"  # queued, running, done, failed
    checked: int = 0
    written: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    new_regencies: list[str] = field(default_factory=list)
    failure: str | None = None  # a key of FAILURES
    problem_count: int = 0
    problems: list[dict] = field(default_factory=list)  # row, column, value, code, params
    changed_at: float = field(default_factory=time.time)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.finished or not self.rows:
            return 100 if self.finished else 0
        return min(100, round(100 * self.checked / self.rows))

    @property
    def changes_nothing(self) -> bool:
        return not (self.created or self.updated or self.new_regencies)

    def stalled(self) -> bool:
        return not self.finished and time.time() - self.changed_at > STALLED_AFTER


def upload_store(app: Flask | None = None) -> UploadStore:
    app = app or current_app
    return UploadStore(storage_for(IMPORTS, app), app.config["IMPORT_UPLOAD_MAX_AGE"])


def job_key(token: str) -> str:
    return f"{token}.job"


def save_job(store: UploadStore, job: ImportJob) -> None:
    job.changed_at = time.time()
    store.storage.put(job_key(job.token), json.dumps(asdict(job)).encode())


def load_job(store: UploadStore, token: str) -> ImportJob | None:
    if not TOKEN.fullmatch(token or ""):
        return None
    try:
        return ImportJob(**json.loads(store.storage.get(job_key(token))))
    except (NotStored, ValueError, TypeError):
        return None


def start_job(app: Flask, pending: PendingUpload, url: str, reason: str | None) -> ImportJob:
    """Record the job and hand it to the RQ queue, or to the in-process thread without Redis."""
    store = upload_store(app)
    job = ImportJob(pending.token, pending.user_id, pending.filename, pending.rows, url, reason)
    save_job(store, job)
    if app.config.get("REDIS_URL"):
        redis_queue(app).enqueue_call(
            "ppkl.transfer.jobs.run_import",
            args=(pending.token,),
            job_id=f"import-{pending.token}",
            timeout=STALLED_AFTER // 2,
            result_ttl=0,
            failure_ttl=24 * 3600,
        )
    else:
        runner_for(app, RUNNER_KEY, run_import).submit(pending.token)
    return job


def run_import(token: str) -> str:
    """Import a confirmed upload (runs in a worker, inside an app context): every row or none."""
    store = upload_store()
    job = load_job(store, token)
    if job is None or job.status != "queued":
        return "skipped"
    pending = store.load(token, job.user_id)
    user = db.session.get(User, job.user_id)
    if pending is None or user is None:
        return fail(store, job, "expired")
    job.status = "running"
    save_job(store, job)

    def heard(checked: int, written: int) -> None:
        job.checked, job.written = checked, written
        save_job(store, job)

    options = import_options(
        current_app.config, pending.create_regencies, dry_run=False, reason=job.reason
    )
    try:
        spend_key(token, user.id, "import", utcnow()).url = job.url
        result = import_cooperatives(
            db.session, user, pending.filename, pending.data, options, heard
        )
    except IntegrityError:
        db.session.rollback()  # a second job of the same upload: the first one imports it
        return "skipped"
    except ConcurrentChange:
        db.session.rollback()
        return fail(store, job, "changed_meanwhile")
    except FileRefused:
        db.session.rollback()
        return fail(store, job, "refused")
    except Exception:  # the page says so; the whole story goes to the server log
        db.session.rollback()
        log.exception("import job %s failed", token)
        return fail(store, job, "error")
    plan = result.plan
    if not result.applied:
        db.session.rollback()  # the batches written before the problem, and the spent key
        job.problem_count = len(plan.problems)
        job.problems = [
            {"row": p.row, "column": p.column, "value": p.value, "code": p.code, "params": p.params}
            for p in plan.problems[:PROBLEMS_SHOWN]
        ]
        return fail(store, job, "reason_missing" if result.reason_missing else "problems")
    db.session.commit()
    job.status = "done"
    job.checked = result.created + result.updated + result.unchanged
    job.written = result.created + result.updated
    job.created, job.updated, job.unchanged = result.created, result.updated, result.unchanged
    job.new_regencies = plan.new_regencies
    save_job(store, job)
    store.discard(token)
    log.info("import job %s: %s", token, result.summary())
    return "done"


def settle_stalled(job: ImportJob) -> bool:
    """A job whose worker stopped is done or failed as the database says: the import's
    transaction spent the upload's key, or nothing was kept. Answers whether the job's counts
    are known (a job that committed without writing them has none)."""
    if not job.stalled():
        return True
    committed = spent_key(job.token, job.user_id) is not None
    job.status, job.failure = ("done", None) if committed else ("failed", "stalled")
    return not committed


def fail(store: UploadStore, job: ImportJob, failure: str) -> str:
    job.status, job.failure = "failed", failure
    save_job(store, job)
    store.discard(job.token)  # the user uploads a corrected file
    return "failed"


def wait_for_import_runner(app: Flask) -> None:
    wait_for(app, RUNNER_KEY)
