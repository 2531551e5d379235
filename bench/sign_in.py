"""Sign-in server time before (PBKDF2-SHA256, 600,000 iterations) and after (Argon2id at the
configured parameters), for a right password, a wrong one and an unknown username.

    .venv/bin/python bench/sign_in.py

Each figure is the median (and the slowest) of RUNS sign-ins through the app, timed around
the request in-process: what the server spends, without the network. CPU time is the
process's, so a busy machine shows in the wall time more than in it.
"""

import re
import statistics
import tempfile
import time
from pathlib import Path

from ppkl import create_app
from ppkl.auth.passwords import hash_password
from ppkl.config import Config
from ppkl.extensions import db

RUNS = 15
PASSWORD = "a long bench passphrase"
BEFORE = "pbkdf2:sha256:600000"
AFTER = Config.PASSWORD_HASH_METHOD
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def timed_sign_ins(app, username: str, password: str) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(RUNS):
        client = app.test_client()
        token = CSRF_RE.search(client.get("/login").get_data(as_text=True)).group(1)
        data = {"username": username, "password": password, "csrf_token": token}
        wall, cpu = time.perf_counter(), time.process_time()
        client.post("/login", data=data)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return walls, cpus


def main() -> None:
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite'}"
    for label, method in (("before", BEFORE), ("after", AFTER)):
        print(f"{label}: {method}")
        print(f"  {'case':<16} {'wall median':>12} {'wall max':>10} {'CPU median':>11}")
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "PASSWORD_HASH_METHOD": method,
                # The bench signs in many times from one address: no limit may interfere.
                "LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
                "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
            }
        )
        with app.app_context():
            from flask_migrate import upgrade

            from ppkl.models import User

            upgrade()
            db.session.query(User).delete()
            db.session.add(
                User(
                    username="bench",
                    full_name="Bench",
                    role="supervisor",
                    password_hash=hash_password(PASSWORD, method),
                )
            )
            db.session.commit()
        for case, username, password in (
            ("right password", "bench", PASSWORD),
            ("wrong password", "bench", "not the password"),
            ("unknown user", "nobody", "not the password"),
        ):
            walls, cpus = timed_sign_ins(app, username, password)
            print(
                f"  {case:<16} {statistics.median(walls):>9.0f} ms"
                f" {max(walls):>7.0f} ms {statistics.median(cpus):>8.0f} ms"
            )
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
