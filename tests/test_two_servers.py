"""Two app servers (two gunicorn processes on two loopback ports) and an RQ worker process on
one database, one Redis and one S3 bucket, reached by browsers that may land on either: what
one server writes or decides, the other serves and enforces.

Redis is the machine's shared one: this run's keys carry a prefix of their own (rate limits,
the report queue) and are removed afterwards, so parallel runs never meet.
"""

import io
import os
import re
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from datetime import date
from pathlib import Path

import pytest
import requests

from ppkl.clock import office_today
from ppkl.extensions import db
from tests.helpers import (
    CSRF_RE,
    FAST_HASH,
    FORM_KEY_RE,
    S3_TEST_ENV,
    TEST_PASSWORD,
    add_assignment,
    first_province_id,
    make_app,
    migrate_to_head,
    s3_settings,
)
from tests.test_visits import photo_bytes

REDIS_URL = "redis://127.0.0.1:6379/0"
ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 120


def redis_or_skip():
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except RedisError as error:
        message = f"Redis is not reachable at {REDIS_URL}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def settings_environment(database_url: str, storage: dict, prefix: str) -> dict:
    """The environment an operator would give each machine: every setting by name."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PPKL_")}
    env.update(S3_TEST_ENV)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="two-servers-" + prefix,
        REDIS_URL=REDIS_URL,
        PPKL_RATELIMIT_KEY_PREFIX=prefix,
        PPKL_REPORT_QUEUE=prefix,
        PPKL_LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes",
        PPKL_PASSWORD_HASH_METHOD=FAST_HASH,
        PPKL_VISIT_PHOTO_MAX_BYTES="300000",
    )
    env.update({f"PPKL_{name}": value for name, value in storage.items()})
    return env


class Server:
    """One gunicorn process serving ppkl on a loopback port; stopped by its own handle."""

    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "1",
                    "--threads",
                    "4",
                    "--timeout",
                    "120",
                    "ppkl:create_app()",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server exited: {self.log.read_text()[-3000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=10).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still loading the app
                pass
            time.sleep(0.2)
        pytest.fail(f"server not ready in {START_SECONDS} s: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


class Browser:
    """A browser whose requests a load balancer may send to either server: one cookie jar for
    127.0.0.1, whatever the port."""

    def __init__(self):
        self.http = requests.Session()

    def get(self, server: Server, path: str) -> requests.Response:
        return self.http.get(server.url + path, allow_redirects=False, timeout=120)

    def post_form(self, server: Server, path: str, data=None, page=None, files=None):
        html = self.get(server, page or path).text
        data = dict(data or {})
        data["csrf_token"] = CSRF_RE.search(html).group(1)
        key = FORM_KEY_RE.search(html)
        if key:
            data.setdefault("form_key", key.group(1))
        return self.http.post(
            server.url + path, data=data, files=files, allow_redirects=False, timeout=300
        )

    def sign_in(self, server: Server, username: str, password: str = TEST_PASSWORD):
        return self.post_form(server, "/login", {"username": username, "password": password})


@pytest.fixture(scope="module")
def world(databases, s3_endpoint, s3_client, tmp_path_factory):
    """The database with two regencies' people, the bucket, two servers, and the settings an
    RQ worker needs; every process started here is stopped here, and this run's Redis keys
    removed."""
    redis_or_skip()
    from redis import Redis

    from ppkl.auth.passwords import hash_password
    from ppkl.models import Cooperative, Regency, User

    url = databases.new("two_servers")
    app = make_app(url)
    migrate_to_head(app)
    with app.app_context():
        province_id = first_province_id()
        bulungan = Regency(name="Bulungan", province_id=province_id)
        db.session.add(bulungan)
        db.session.flush()
        people = {}
        for username, role in [("ppkl01", "ppkl"), ("ppkl02", "ppkl"), ("boss", "supervisor")]:
            people[username] = User(
                username=username,
                full_name=username.title(),
                role=role,
                regency_id=bulungan.id if role == "ppkl" else None,
                province_id=province_id,
                password_hash=hash_password(TEST_PASSWORD, FAST_HASH),
            )
        db.session.add_all(people.values())
        coop = Cooperative(name="KSP Dua Mesin", regency_id=bulungan.id, district="Tanjung Selor")
        other = Cooperative(name="KSP Lain", regency_id=bulungan.id, district="Tanjung Selor")
        db.session.add_all([coop, other])
        db.session.commit()
        add_assignment(coop, people["ppkl01"], date(2019, 1, 1))
        add_assignment(other, people["ppkl02"], date(2019, 1, 1))
        coop_id = coop.id
        db.session.remove()
        db.engine.dispose()

    bucket = f"ppkl-two-{uuid.uuid4().hex[:16]}"
    s3_client.create_bucket(Bucket=bucket)
    prefix = f"ppkl-test-{uuid.uuid4().hex[:12]}"
    env = settings_environment(url, s3_settings(s3_endpoint, bucket), prefix)
    logs = tmp_path_factory.mktemp("two_servers")
    servers = []
    try:
        servers = [Server(env, logs / "a.log"), Server(env, logs / "b.log")]
        for server in servers:
            server.wait_ready()
        yield {"a": servers[0], "b": servers[1], "env": env, "coop_id": coop_id, "logs": logs}
    finally:
        for server in servers:
            server.stop()
        redis = Redis.from_url(REDIS_URL)
        leftovers = list(redis.scan_iter(f"*{prefix}*"))
        if leftovers:
            redis.delete(*leftovers)


def test_a_visit_logged_on_one_is_served_with_its_photos_by_the_other(world):
    a, b = world["a"], world["b"]
    phone = Browser()
    assert phone.sign_in(a, "ppkl01").status_code == 302
    new_visit = f"/visits/new?cooperative={world['coop_id']}"
    response = phone.post_form(
        a,
        "/visits/new",
        {
            "cooperative_id": world["coop_id"],
            "visited_on": office_today().isoformat(),
            "purposes": ["pembinaan"],
            "people_met": "Ibu Siti (ketua)",
            "outcome": "RAT dijadwalkan.",
        },
        page=new_visit,
        files=[
            ("photos", ("a.jpg", io.BytesIO(photo_bytes()), "image/jpeg")),
            ("photos", ("b.png", io.BytesIO(photo_bytes("PNG")), "image/png")),
        ],
    )
    assert response.status_code == 302, response.text[:800]
    saved = re.search(r"saved=(\d+)", response.headers["Location"]).group(1)
    visit_page = phone.get(b, f"/visits/{saved}")
    assert visit_page.status_code == 200 and "KSP Dua Mesin" in visit_page.text
    photos = sorted(set(re.findall(r"/visits/photos/(\d+)", visit_page.text)))
    assert len(photos) == 2
    for photo_id in photos:
        served = phone.get(b, f"/visits/photos/{photo_id}")
        assert served.status_code == 200 and served.headers["Content-Type"].startswith("image/")
        assert served.content[:4] in (b"\xff\xd8\xff\xe0", b"\x89PNG")


def test_a_batch_started_on_one_is_downloaded_from_the_other(world):
    a, b = world["a"], world["b"]
    boss = Browser()
    assert boss.sign_in(a, "boss").status_code == 302
    june = {"batch-regency": "0", "batch-start": "2019-06-01", "batch-end": "2019-06-30"}
    started = boss.post_form(a, "/reports/batch", june, page="/reports/")
    assert started.status_code == 302, started.text[:800]
    job = started.headers["Location"]
    assert "0 dari 2 laporan selesai" in boss.get(b, job).text
    with (world["logs"] / "worker.log").open("wb") as out:
        worker = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "ppkl", "report", "worker", "--burst"],
            cwd=ROOT,
            env=world["env"],
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=300,
        )
    assert worker.returncode == 0, (world["logs"] / "worker.log").read_text()[-3000:]
    assert "2 dari 2 laporan selesai, 0 gagal" in boss.get(b, job).text
    download = boss.post_form(b, job + "/download", page=job)
    assert download.status_code == 200 and download.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert sorted(archive.namelist()) == ["ppkl01.pdf", "ppkl02.pdf"]


def test_the_sign_in_limit_counts_attempts_on_both(world):
    a, b = world["a"], world["b"]
    guesser = Browser()
    for server in (a, b, a):  # three wrong passwords: the limit for the account is 3
        assert guesser.sign_in(server, "ppkl02", "wrong-guess").status_code == 200
    assert guesser.sign_in(b, "ppkl02", "wrong-guess").status_code == 429
    assert Browser().sign_in(a, "ppkl02").status_code == 429  # even the right one, for now


def test_signing_out_on_one_signs_out_on_the_other(world):
    a, b = world["a"], world["b"]
    phone, laptop = Browser(), Browser()
    assert phone.sign_in(a, "boss").status_code == 302
    assert laptop.sign_in(b, "boss").status_code == 302
    assert laptop.get(a, "/reports/").status_code == 200
    assert phone.post_form(a, "/logout", page="/reports/").status_code == 302
    for server in (b, a):  # every session of the user ended, whichever server made it
        refused = laptop.get(server, "/reports/")
        assert refused.status_code == 302 and "/login" in refused.headers["Location"]
