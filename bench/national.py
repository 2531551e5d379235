"""Every busy page at provincial and national scale, side by side (prints figures).

    .venv/bin/python bench/national.py                       # both data sets, 5 runs a page
    .venv/bin/python bench/national.py --runs 9 --skip-provincial
    .venv/bin/python bench/national.py --transfer            # also export/import time and memory

The national data set is the one bench/national_data.py builds (--national, default
ppkl_national on 127.0.0.1); it is read, never migrated or changed, apart from the report cache
and sign-in times. The provincial one is the demo data (seed-demo, end date today) in a
database of its own (--provincial, default national_provincial), created and seeded when it has
no cooperatives, migrated to head every run.

Through the test client in this process, signed in as `supervisor` (the assignment and roster
pages as `admin`: the national role may not assign) and as the officer whose
current cooperatives are closest to 80 in number, each page is requested once to warm up and
then --runs times; it prints the median and the slowest time (rendering included), the median
CPU time of this process plus the database backends (read from /proc: on a loaded machine, the
closest figure to what a quiet one would show) and the number of SQL statements of one request.
Also: the cached officer report (the PDF download once the file is in the cache) and
`flask recap --as-of` in-process. With --transfer, each data set is
exported (CSV and XLSX) and the CSV imported back with --dry-run by `flask` in a subprocess,
with its wall time and peak memory (maximum resident set size).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg
from flask_migrate import upgrade
from sqlalchemy import event, func, select

from ppkl import create_app
from ppkl.clock import office_today
from ppkl.config import normalise_database_url
from ppkl.extensions import db
from ppkl.models import Assignment, User

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVER = "postgresql://postgres@127.0.0.1:5432/"
PASSWORD = "ppkl-demo"
OFFICER_COOPERATIVES = 80

# (who, label, path): who is "supervisor", "admin" or "officer"; {as_of} is filled in. The
# national account may not assign, so the admin (who sees the nation too) opens the
# assignment and roster pages.
PAGES = [
    ("supervisor", "/dashboard", "/dashboard"),
    ("supervisor", "/dashboard?as_of=", "/dashboard?as_of={as_of}"),
    ("supervisor", "/cooperatives/", "/cooperatives/"),
    ("supervisor", "/tasks/", "/tasks/"),
    ("admin", "/assignments/", "/assignments/"),
    ("admin", "/roster/", "/roster/"),
    ("officer", "/tasks/", "/tasks/"),
    ("officer", "/dashboard", "/dashboard"),
    ("officer", "/cooperatives/", "/cooperatives/"),
]


TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


class Counter:
    """SQL statements run on the app's engine since the last reset, and the CPU time spent by
    this process and the engine's database backends (on this machine: /proc)."""

    def __init__(self, engine):
        self.count = 0
        self.backends: set[int] = set()
        event.listen(engine, "before_cursor_execute", self._seen)
        event.listen(engine, "connect", self._connected)

    def _seen(self, *args):
        self.count += 1

    def _connected(self, dbapi_connection, record):
        self.backends.add(dbapi_connection.info.backend_pid)

    def cpu_ms(self) -> float:
        """CPU time so far: what a quiet machine would take, roughly, on a loaded one."""
        total = time.process_time() * 1000
        for pid in self.backends:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # a backend that ended, or a server on another machine
                continue
            total += (int(fields[11]) + int(fields[12])) * TICK_MS
        return total


def csrf_token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def signed_in(app, username: str):
    client = app.test_client()
    data = {"username": username, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")}
    response = client.post("/login", data=data)
    assert response.status_code == 302, f"sign-in of {username} answered {response.status_code}"
    return client


def timed(call, runs: int, counter: Counter) -> tuple[float, float, float, int]:
    """(median ms, max ms, median CPU ms, statements of one call) after one warm-up call."""
    counter.count = 0
    call()
    statements = counter.count
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), counter.cpu_ms()
        call()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append(counter.cpu_ms() - start_cpu)
    return statistics.median(times), max(times), statistics.median(cpu), statements


def page_call(client, path: str):
    def call():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response

    return call


def officer_near(session, wanted: int) -> User:
    """The officer whose current cooperatives are closest to `wanted` in number (ties: id)."""
    count = func.count(Assignment.id)
    row = session.execute(
        select(Assignment.officer_id, count)
        .where(Assignment.end_date.is_(None))
        .group_by(Assignment.officer_id)
        .order_by(func.abs(count - wanted), Assignment.officer_id)
        .limit(1)
    ).one()
    return session.get(User, row[0]), row[1]


def last_full_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def measure(name: str, url: str, runs: int, as_of: date, cache_dir: str) -> dict:
    """{label: (median, max, statements)} for one data set."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(url),
            "RATELIMIT_ENABLED": False,
            "REPORT_CACHE_DIR": cache_dir,
        }
    )
    results = {}
    with app.app_context():
        counter = Counter(db.engine)
        officer, covered = officer_near(db.session, OFFICER_COOPERATIVES)
        officer_id, officer_name = officer.id, officer.username
        db.session.remove()
    print(f"{name}: officer {officer_name} covers {covered} cooperatives", flush=True)
    clients = {
        who: signed_in(app, who if who != "officer" else officer_name)
        for who in ("supervisor", "admin", "officer")
    }
    for who, label, path in PAGES:
        call = page_call(clients[who], path.format(as_of=as_of.isoformat()))
        results[f"{who} {label}"] = timed(call, runs, counter)
        print(f"  {who} {label}: {results[f'{who} {label}'][0]:.0f} ms", flush=True)

    supervisor = clients["supervisor"]
    start, end = last_full_month(office_today())
    token = csrf_token(supervisor, "/reports/")
    data = {"start": start.isoformat(), "end": end.isoformat(), "csrf_token": token}
    pdf_url = f"/reports/officer/{officer_id}/pdf"

    def report():
        response = supervisor.post(pdf_url, data=data)
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), response.status
        return response

    first, first_cpu, counter.count = time.perf_counter(), counter.cpu_ms(), 0
    report()  # renders and fills the cache
    ms = (time.perf_counter() - first) * 1000
    results["officer report PDF, first render"] = (
        ms,
        ms,
        counter.cpu_ms() - first_cpu,
        counter.count,
    )
    results["officer report PDF, cached"] = timed(report, runs, counter)

    runner = app.test_cli_runner()

    def recap():
        with app.app_context():
            outcome = runner.invoke(args=["recap", "--as-of", as_of.isoformat()])
        assert outcome.exit_code == 0, outcome.output

    results["flask recap --as-of (in-process)"] = timed(recap, runs, counter)
    with app.app_context():
        db.engine.dispose()
    return results


def run_flask(url: str, *args: str) -> tuple[float, float]:
    """(seconds, peak MiB) of one `flask --app ppkl ...` in a subprocess."""
    env = {**os.environ, "DATABASE_URL": url}
    start = time.perf_counter()
    child = subprocess.Popen(
        [str(BIN / "flask"), "--app", "ppkl", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        print(f"  flask {' '.join(args)} failed: {child.stderr.read().decode()[-300:]}")
    return seconds, usage.ru_maxrss / 1024


def transfer(url: str) -> dict:
    """Export and dry-run import times and peak memory (the lead's figures; a hook here)."""
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        csv_file = Path(folder) / "cooperatives.csv"
        for fmt, path in (("csv", csv_file), ("xlsx", Path(folder) / "cooperatives.xlsx")):
            seconds, mib = run_flask(
                url, "export", "cooperatives", "--format", fmt, "--output", str(path)
            )
            results[f"export cooperatives {fmt}"] = (seconds, mib)
        seconds, mib = run_flask(url, "import-cooperatives", str(csv_file), "--dry-run")
        results["import-cooperatives --dry-run (the CSV)"] = (seconds, mib)
    return results


def prepare_provincial(url: str) -> None:
    """Create, migrate and (when empty) seed the provincial database."""
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(psycopg.conninfo.make_conninfo(url, dbname="postgres")) as admin:
        admin.autocommit = True
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": normalise_database_url(url)})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [str(BIN / "flask"), "--app", "ppkl", "seed-demo", "--if-empty"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--national", default=SERVER + "ppkl_national")
    parser.add_argument("--provincial", default=SERVER + "national_provincial")
    parser.add_argument("--skip-provincial", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--as-of", type=date.fromisoformat, help="the as-of day (default: 180 days ago)"
    )
    parser.add_argument("--transfer", action="store_true", help="export/import time and memory")
    args = parser.parse_args()
    as_of = args.as_of or office_today() - timedelta(days=180)
    print(f"load average before: {load_average()}; as-of day {as_of}; {args.runs} runs a page")
    sets = [] if args.skip_provincial else [("provincial", args.provincial)]
    sets.append(("national", args.national))
    results = {}
    with tempfile.TemporaryDirectory() as cache_dir:
        for name, url in sets:
            if name == "provincial":
                prepare_provincial(url)
            results[name] = measure(name, url, args.runs, as_of, cache_dir)
    names = [name for name, _ in sets]
    header = f"{'page':<40}" + "".join(
        f" | {n + ' ms: median / max / CPU':>32} {'queries':>7}" for n in names
    )
    print()
    print(header)
    for label in results[names[-1]]:
        cells = ""
        for name in names:
            median, slowest, cpu, statements = results[name][label]
            cells += f" | {median:>10,.0f} / {slowest:>8,.0f} / {cpu:>8,.0f} {statements:>7}"
        print(f"{label:<40}{cells}")
    if args.transfer:
        print()
        print(
            f"{'transfer (flask in a subprocess)':<44}"
            + "".join(f" | {n + ' s, peak MiB':>27}" for n in names)
        )
        figures = {name: transfer(url) for name, url in sets}
        for label in figures[names[-1]]:
            cells = "".join(
                f" | {figures[n][label][0]:>12,.1f} / {figures[n][label][1]:>12,.0f}" for n in names
            )
            print(f"{label:<44}{cells}")
    print(f"\nload average after: {load_average()}")


if __name__ == "__main__":
    main()
