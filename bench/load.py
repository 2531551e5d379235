"""Load test: the app under gunicorn on loopback with PostgreSQL and the demo data, driven by
simulated users (officers sign in, open their worklist and cooperatives, log visits;
supervisors open the recap). Bounded in time and request count; prints requests/s, latency
percentiles per page and errors. Not a test: a script that prints figures.

    .venv/bin/python bench/load.py                      # 50 users, 60 s, 4 gunicorn workers
    .venv/bin/python bench/load.py --users 20 --duration 20 --workers 3
    .venv/bin/python bench/load.py --template ppkl_national   # the national data set

It creates its own database (ppkl_bench_<pid>) on --server and drops it afterwards: migrated and
seeded with the demo data, or with --template a copy of that database (bench/national_data.py
builds one), migrated, whose officers and regencies the simulated users then take.
"""

import argparse
import http.client
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import date
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "ppkl-demo"
OFFICERS = [f"ppkl{n:02d}" for n in range(1, 14)] + [f"dak{n:02d}" for n in range(1, 25)]
COOPERATIVE_LINK = re.compile(r'href="/cooperatives/(\d+)"')


# ---------------------------------------------------------------- set-up and tear-down


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(server: str, sql: str) -> None:
    subprocess.run(["psql", server, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True)


def prepare_database(server: str, name: str, env: dict, template: str | None) -> None:
    if template:
        # A copy: the template must have no other session at that moment.
        psql(server, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    else:
        psql(server, f'CREATE DATABASE "{name}"')
    flask = [str(BIN / "flask"), "--app", "ppkl"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, capture_output=True, cwd=ROOT)
    if template:
        print(f"copied {template}")
        return
    seeded = subprocess.run(
        [*flask, "seed-demo"], env=env, check=True, capture_output=True, text=True, cwd=ROOT
    )
    print(seeded.stdout.splitlines()[0])


def query_column(url: str, sql: str) -> list[str]:
    found = subprocess.run(["psql", url, "-Atc", sql], check=True, capture_output=True, text=True)
    return found.stdout.split()


def start_gunicorn(port: int, workers: int, threads: int, env: dict, log: Path) -> subprocess.Popen:
    # gthread: a page is not queued behind a sign-in hashing its password (hashlib releases the
    # GIL while it hashes).
    command = [
        str(BIN / "gunicorn"),
        "--workers", str(workers),
        "--worker-class", "gthread",
        "--threads", str(threads),
        "--bind", f"127.0.0.1:{port}",
        "--log-level", "warning",
        "ppkl:create_app()",
    ]  # fmt: skip
    with open(log, "w") as out:
        return subprocess.Popen(
            command, env=env, cwd=ROOT, start_new_session=True, stdout=out, stderr=out
        )


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            for path in ("/readyz", "/login"):  # older versions have no /readyz
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", path)
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return
                if status != 404:
                    break
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not become ready")


# ---------------------------------------------------------------- a browser-like client


class FormParser(HTMLParser):
    """The POST forms of a page with their fields, filled as a person in a hurry would."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.form: dict | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self.form = {"action": a.get("action") or "", "fields": [], "checks": {}}
            self.forms.append(self.form)
        if self.form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                group = self.form["checks"].setdefault(name, [])
                group.append((a.get("value", "y"), "checked" in a))
            elif kind not in ("file", "submit", "button"):
                value = a.get("value") or ""
                if not value and "required" in a:
                    value = date.today().isoformat() if kind == "date" else "Uji beban"
                self.form["fields"].append((name, value))
        elif tag == "select" and name:
            self.select = name
            self.form["fields"].append((name, None))
        elif tag == "option" and self.select:
            name_, value = self.form["fields"][-1]
            chosen = a.get("value", "")
            if (value in (None, "") and chosen) or "selected" in a:
                self.form["fields"][-1] = (name_, chosen)
        elif tag == "textarea" and name:
            self.textarea = name
            self.form["fields"].append((name, "Kunjungan uji beban" if "required" in a else ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.form = None

    def filled(self, action_part: str) -> tuple[str, list[tuple[str, str]]] | None:
        for form in self.forms:
            if action_part in form["action"]:
                data = [(n, v or "") for n, v in form["fields"]]
                for name, options in form["checks"].items():
                    checked = [v for v, on in options if on]
                    if name.startswith(("record_move", "remember")):
                        data += [(name, v) for v in checked]
                    else:
                        data += [(name, v) for v in (checked or [options[0][0]])]
                return form["action"], data
        return None


class Browser:
    def __init__(self, port: int, record):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.record = record

    def request(self, page: str, method: str, path: str, data=None, expect=(200,)):
        body = urlencode(data) if data is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            html = response.read().decode("utf-8", "replace")
            conn.close()
        except OSError as error:
            self.record(page, time.perf_counter() - started, f"{type(error).__name__}")
            return None, ""
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                if ("1970" in morsel["expires"]) or not morsel.value:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        problem = None if response.status in expect else f"HTTP {response.status}"
        location = response.headers.get("Location", "")
        if response.status == 302 and "/login" in location and page != "sign-out":
            problem = "sent to sign-in"
        self.record(page, elapsed, problem)
        return response, html

    def sign_in(self, username: str) -> bool:
        self.cookies.clear()
        _, html = self.request("sign-in page", "GET", "/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        if not token:
            return False
        data = {"csrf_token": token[1], "username": username, "password": PASSWORD}
        response, _ = self.request("sign-in POST", "POST", "/login", data, expect=(302,))
        return response is not None and response.status == 302

    def sign_out(self, html: str) -> None:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        if token:
            data = {"csrf_token": token[1]}
            self.request("sign-out", "POST", "/logout", data, expect=(302,))


# ---------------------------------------------------------------- what users do


class Run:
    def __init__(self, args, port):
        self.args = args
        self.port = port
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_kinds: dict[str, int] = defaultdict(int)
        self.count = 0
        self.deadline = time.monotonic() + args.duration
        self.worklist = "/cooperatives/"
        self.visit_form = None
        self.officers = OFFICERS
        self.regencies = 5

    def record(self, page, seconds, problem):
        with self.lock:
            self.samples[page].append(seconds)
            self.count += 1
            if problem:
                self.errors[page] += 1
                self.error_kinds[f"{page}: {problem}"] += 1

    def going(self) -> bool:
        return time.monotonic() < self.deadline and self.count < self.args.max_requests

    def think(self, rng):
        time.sleep(rng.uniform(*self.args.think))

    def discover(self):
        """Which officer pages this version of the app has (older ones have no worklist)."""
        probe = Browser(self.port, lambda *a: None)
        if not probe.sign_in(self.officers[0]):
            raise SystemExit(f"the officer {self.officers[0]} cannot sign in")
        response, _ = probe.request("probe", "GET", "/tasks/")
        if response is not None and response.status == 200:
            self.worklist = "/tasks/"
        response, html = probe.request("probe", "GET", "/visits/new")
        if response is not None and response.status == 200:
            self.visit_form = "/visits/new"

    def officer(self, username: str, rng: random.Random):
        browser = Browser(self.port, self.record)
        if not browser.sign_in(username):
            return
        while self.going():
            page_name = "worklist" if self.worklist == "/tasks/" else "cooperative list"
            _, html = browser.request(page_name, "GET", self.worklist)
            ids = COOPERATIVE_LINK.findall(html)
            self.think(rng)
            if ids and self.going():
                coop = rng.choice(ids)
                _, html = browser.request("cooperative page", "GET", f"/cooperatives/{coop}")
                self.think(rng)
                if self.visit_form and rng.random() < 0.35 and self.going():
                    self.log_visit(browser, coop, rng)
            if rng.random() < 0.05 and self.going():  # now and then: sign out, back later
                browser.sign_out(html)
                self.think(rng)
                if not browser.sign_in(username):
                    return

    def log_visit(self, browser: Browser, coop: str, rng):
        path = f"{self.visit_form}?cooperative={coop}"
        _, html = browser.request("visit form", "GET", path)
        parser = FormParser()
        parser.feed(html)
        form = parser.filled(self.visit_form)
        self.think(rng)
        if form and self.going():
            action, data = form
            target = urlsplit(action).path + ("?" + urlsplit(action).query if "?" in action else "")
            browser.request("visit POST", "POST", target or path, data, expect=(302, 303))
            self.think(rng)

    def supervisor(self, username: str, rng: random.Random):
        browser = Browser(self.port, self.record)
        if not browser.sign_in(username):
            return
        while self.going():
            browser.request("recap", "GET", "/dashboard")
            self.think(rng)
            if rng.random() < 0.3 and self.going():
                regency = rng.randint(1, self.regencies)
                browser.request("cooperative list", "GET", f"/cooperatives/?regency={regency}")
                self.think(rng)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def report(run: Run, seconds: float, args) -> None:
    total = sum(len(v) for v in run.samples.values())
    errors = sum(run.errors.values())
    print()
    print(f"users {args.users} (arriving over {args.ramp:.0f} s), gunicorn {args.workers} "
          f"workers x {args.threads} threads, think time "
          f"{args.think[0]}-{args.think[1]} s, {seconds:.0f} s")  # fmt: skip
    print(f"officer worklist: {run.worklist}; visit logging: {run.visit_form or 'not available'}")
    print(f"requests {total}, {total / seconds:.1f} requests/s, errors {errors}")
    print()
    print("| page | requests | p50 ms | p95 ms | p99 ms | max ms | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for page in sorted(run.samples):
        ms = [s * 1000 for s in run.samples[page]]
        print(
            f"| {page} | {len(ms)} | {statistics.median(ms):.0f} | {percentile(ms, 95):.0f} | "
            f"{percentile(ms, 99):.0f} | {max(ms):.0f} | {run.errors.get(page, 0)} |"
        )
    everything = [s * 1000 for v in run.samples.values() for s in v]
    print(f"| all pages | {len(everything)} | {statistics.median(everything):.0f} | "
          f"{percentile(everything, 95):.0f} | {percentile(everything, 99):.0f} | "
          f"{max(everything):.0f} | {errors} |")  # fmt: skip
    for kind, n in sorted(run.error_kinds.items()):
        print(f"  error: {kind} x{n}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--max-requests", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    parser.add_argument("--ramp", type=float, default=20, help="seconds over which users arrive")
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"))
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--template", help="copy this database instead of seeding the demo")
    args = parser.parse_args()
    args.duration = min(args.duration, 300)  # bounded, whatever is asked

    name = f"ppkl_bench_{os.getpid()}"
    url = args.server.rsplit("/", 1)[0] + "/" + name
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    port = free_port()
    server = None
    try:
        prepare_database(args.server, name, env, args.template)
        log = Path(f"/tmp/{name}.log")
        server = start_gunicorn(port, args.workers, args.threads, env, log)
        print(f"gunicorn on 127.0.0.1:{port}, log in {log}")
        wait_ready(port)
        load_before = os.getloadavg()[0]
        run = Run(args, port)
        if args.template:
            run.officers = query_column(
                url, "SELECT username FROM user_account WHERE role IN ('ppkl', 'dak') ORDER BY id"
            )
            run.regencies = int(query_column(url, "SELECT max(id) FROM regency")[0])
        run.discover()
        rng = random.Random(args.seed)
        threads = []
        # One thread per officer account (an officer signing out ends all their sessions);
        # supervisors never sign out, so they may share the supervisor account.
        officers = min(len(run.officers), args.users - max(1, round(args.users * 0.25)))
        supervisors = args.users - officers
        for n in range(args.users):
            user_rng = random.Random(rng.random())
            if n < supervisors:
                target, who = run.supervisor, "supervisor"
            else:
                target, who = run.officer, run.officers[(n - supervisors) % len(run.officers)]
            threads.append(threading.Thread(target=target, args=(who, user_rng), daemon=True))
        started = time.monotonic()
        for thread in threads:  # users arrive over the ramp, as at the start of a work day
            thread.start()
            time.sleep(min(args.ramp / len(threads), max(0.0, run.deadline - time.monotonic())))
        for thread in threads:
            thread.join(timeout=max(1.0, run.deadline - time.monotonic() + 35))
        report(run, time.monotonic() - started, args)
        print(f"machine: {os.cpu_count()} cores, load average {load_before:.1f} before the run, "
              f"{os.getloadavg()[0]:.1f} after (other processes share the cores)")  # fmt: skip
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        psql(args.server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
