"""Benchmark of the PDF reports on the demo data (not a test): prints seconds, pages and the
share of time outside WeasyPrint (queries and templates).

    .venv/bin/python bench/reports.py              # everything, about two minutes on 2 cores
    .venv/bin/python bench/reports.py --skip-batch # without the 37-officer batches

It seeds a fresh SQLite demo database (end date 2019-06-30) in a temporary folder. The batches
need Redis (REDIS_URL, default redis://127.0.0.1:6379/0): they start 1, then 2,
`flask --app ppkl report worker` processes on a queue of their own and time a batch of every
officer for June 2019 from the moment it is queued until the ZIP is written.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from ppkl import create_app  # noqa: E402
from ppkl.extensions import db  # noqa: E402

END = date(2019, 6, 30)
MONTH = (date(2019, 6, 1), END)
SIX_MONTHS = (date(2019, 1, 1), END)
FAST_HASH = "pbkdf2:sha256:1000"


def make_app(folder: Path, database: str, **extra):
    config = {
        "TESTING": True,
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": database,
        "REPORT_CACHE_DIR": str(folder / "cache"),
        "REPORT_JOB_DIR": str(folder / "jobs"),
        "PASSWORD_HASH_METHOD": FAST_HASH,
    }
    config.update(extra)
    return create_app(config)


def seed(app) -> None:
    from flask_migrate import upgrade

    from ppkl.demo import seed as demo

    with app.app_context():
        upgrade()
        demo.seed(db.session, END, FAST_HASH)
        db.session.commit()
        ensure_workload(db.session)


PURPOSES = (
    "pembinaan",
    "pendampingan_rat",
    "pendampingan_ods",
    "verifikasi_data",
    "monitoring_usaha",
)


def ensure_workload(session) -> None:
    """When the demo data has no assignments yet, give the benchmark a plausible workload of
    its own (deterministic): every active cooperative assigned to a PPKL and a DAK assistant of
    its regency, and a visit by each about every five weeks in the first half of 2019."""
    import random
    from datetime import datetime, timedelta

    from ppkl.models import Assignment, Cooperative, User, Visit

    if session.scalar(select(func.count(Assignment.id))):
        return
    print("note: the demo data has no assignments; adding the benchmark's own workload")
    rng = random.Random(5)
    officers = {}
    for user in session.scalars(
        select(User).where(User.role.in_(["ppkl", "dak"])).order_by(User.id)
    ):
        officers.setdefault((user.regency_id, user.role), []).append(user)
    coops = session.scalars(
        select(Cooperative).where(Cooperative.active.is_(True)).order_by(Cooperative.id)
    ).all()
    for i, coop in enumerate(coops):
        for role in ("ppkl", "dak"):
            team = officers[(coop.regency_id, role)]
            officer = team[i % len(team)]
            session.add(
                Assignment(
                    cooperative_id=coop.id,
                    officer_id=officer.id,
                    officer_role=role,
                    start_date=date(2018, 7, 1),
                )
            )
            day = date(2019, 1, 1) + timedelta(days=rng.randint(0, 30))
            while day <= END:
                follow_up = day + timedelta(days=14) if rng.random() < 0.35 else None
                session.add(
                    Visit(
                        cooperative_id=coop.id,
                        officer_id=officer.id,
                        visited_on=day,
                        purposes=rng.sample(PURPOSES, rng.randint(1, 2)),
                        people_met="Ketua dan bendahara",
                        notes="Pembinaan rutin",
                        outcome="Pengurus menyiapkan laporan keuangan untuk RAT",
                        follow_up_on=follow_up,
                        follow_up_action="Periksa laporan" if follow_up else None,
                        created_at=datetime.combine(
                            day + timedelta(days=rng.randint(0, 5)), datetime.min.time()
                        ),
                    )
                )
                day += timedelta(days=rng.randint(28, 42))
    session.commit()


def busiest_officer(session, period):
    """The officer with the most visits in the period (the longest one-month report)."""
    from ppkl.models import User, Visit

    row = session.execute(
        select(Visit.officer_id, func.count())
        .where(Visit.visited_on.between(*period), Visit.deleted_at.is_(None))
        .group_by(Visit.officer_id)
        .order_by(func.count().desc())
        .limit(1)
    ).first()
    if row is None:
        print("note: the demo data has no visits; reports show assignments and moves only")
        return session.scalar(select(User).where(User.username == "ppkl01"))
    return session.get(User, row[0])


def timed_officer(session, officer, period, language="id"):
    from ppkl.reports.periods import Period
    from ppkl.reports.render import report_context
    from ppkl.reports.services import officer_pdf

    started = time.perf_counter()
    with report_context(language):
        result = officer_pdf(session, officer, Period(*period), language, None)
    seconds = time.perf_counter() - started
    session.rollback()
    return result, seconds


def line(label, seconds, pages=None, pdf_seconds=None):
    parts = [f"{label:<44}", f"{seconds:7.3f} s"]
    if pages is not None:
        parts.append(f"{pages:3d} pages")
    if pdf_seconds is not None:
        parts.append(f"outside WeasyPrint {100 * (seconds - pdf_seconds) / seconds:5.1f}%")
    print("  ".join(parts), flush=True)


def http_cached_repeat(app, officer_id: int) -> float:
    """Median time of the PDF download request once the file is cached (signed in)."""
    import re

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post(
        "/login", data={"username": "supervisor", "password": "ppkl-demo", "csrf_token": token}
    )
    page = client.get("/reports/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = {"start": MONTH[0].isoformat(), "end": MONTH[1].isoformat(), "csrf_token": token}
    url = f"/reports/officer/{officer_id}/pdf"
    times = []
    for _ in range(11):
        started = time.perf_counter()
        response = client.post(url, data=data)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), response.status
    return statistics.median(times[1:])


def single_reports(app) -> None:
    from ppkl.reports.render import report_context
    from ppkl.reports.services import recap_pdf

    with app.app_context():
        officer = busiest_officer(db.session, MONTH)
        print(f"officer: {officer.username} ({officer.role}, {officer.full_name})")
        timed_officer(db.session, officer, (date(2019, 5, 1), date(2019, 5, 31)))  # warm-up
        for label, period in (
            ("officer report, 1 month", MONTH),
            ("officer report, 6 months", SIX_MONTHS),
        ):
            result, seconds = timed_officer(db.session, officer, period)
            line(label, seconds, result.rendered.pages, result.rendered.pdf_seconds)
        repeats = [timed_officer(db.session, officer, MONTH)[1] for _ in range(10)]
        line("officer report, 1 month, cached (median)", statistics.median(repeats), None, None)
        try:
            line("  the same through HTTP (median)", http_cached_repeat(app, officer.id))
        except AssertionError as error:
            print(f"  the same through HTTP: not measured ({error})")
        started = time.perf_counter()
        with report_context("id"):
            rendered = recap_pdf(db.session, END, None)
        db.session.rollback()
        line("recap PDF", time.perf_counter() - started, rendered.pages, rendered.pdf_seconds)


def batch(app, folder: Path, database: str, workers: int, redis_url: str) -> None:
    from ppkl.models import ReportJob, ReportJobItem, User
    from ppkl.reports import jobs
    from ppkl.reports.periods import Period
    from ppkl.reports.services import start_batch

    queue = f"ppkl-bench-{uuid.uuid4().hex[:10]}"
    run_dir = folder / f"batch-{workers}"
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
        "PPKL_REPORT_QUEUE": queue,
        "PPKL_REPORT_CACHE_DIR": str(run_dir / "cache"),
        "PPKL_REPORT_JOB_DIR": str(run_dir / "jobs"),
        "SECRET_KEY": "bench",
    }
    flask = str(Path(sys.executable).with_name("flask"))
    procs = [
        subprocess.Popen(
            [flask, "--app", "ppkl", "report", "worker"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    app.config.update(REDIS_URL=redis_url, REPORT_QUEUE=queue, REPORT_JOB_DIR=str(run_dir / "jobs"))
    try:
        time.sleep(4)  # let the workers import and connect
        with app.app_context():
            boss = db.session.scalar(select(User).where(User.username == "supervisor"))
            job = start_batch(db.session, boss, None, Period(*MONTH), "id")
            ids = [
                i.id
                for i in db.session.scalars(
                    select(ReportJobItem).where(ReportJobItem.job_id == job.id)
                )
            ]
            db.session.commit()
            started = time.perf_counter()
            jobs.dispatch(app, ids)
            while True:
                db.session.expire_all()
                if db.session.get(ReportJob, job.id).finished_at is not None:
                    break
                if time.perf_counter() - started > 900:
                    raise SystemExit("batch did not finish within 15 minutes")
                time.sleep(0.2)
            wall = time.perf_counter() - started
            items = db.session.scalars(
                select(ReportJobItem).where(ReportJobItem.job_id == job.id)
            ).all()
            done = [i for i in items if i.status == "done"]
            pages = sum(i.pages or 0 for i in done)
            busy = sum(i.seconds or 0 for i in done)
            pdf = sum(i.pdf_seconds or 0 for i in done)
            label = f"batch of {len(items)} officers, 1 month, {workers} worker(s)"
            print(
                f"{label:<44}  {wall:7.3f} s  {pages:3d} pages  "
                f"outside WeasyPrint {100 * (busy - pdf) / busy:5.1f}%  "
                f"({len(items) - len(done)} failed)",
                flush=True,
            )
            return wall
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)
        from redis import Redis

        redis = Redis.from_url(redis_url)
        keys = list(redis.scan_iter(f"*{queue}*"))
        if keys:
            redis.delete(*keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-batch", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ppkl-bench-") as tmp:
        folder = Path(tmp)
        database = f"sqlite:///{folder / 'demo.sqlite'}"
        app = make_app(folder, database)
        started = time.perf_counter()
        seed(app)
        print(f"seeded the demo data in {time.perf_counter() - started:.1f} s")
        single_reports(app)
        if not args.skip_batch:
            redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
            one = batch(app, folder, database, 1, redis_url)
            two = batch(app, folder, database, 2, redis_url)
            print(f"2 workers took {100 * two / one:.0f}% of the time of 1 worker")


if __name__ == "__main__":
    main()
