"""Time the field-work pages on the demo data, as a signed-in user sees them (prints figures).

    .venv/bin/python bench/fieldwork_pages.py [DATABASE_URL]

Without an argument it seeds a temporary SQLite file; with a PostgreSQL URL of an EMPTY
database it migrates and seeds that one. Each figure is the median of 15 requests through the
test client (rendering included), with the number of SQL statements of one request.
"""

import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event

from ppkl import create_app
from ppkl.demo import seed as demo
from ppkl.extensions import db

RUNS = 15
PAGES = [
    ("ppkl01", "/tasks/"),
    ("ppkl01", "/cooperatives/"),
    ("ppkl01", "/visits/new"),
    ("supervisor", "/tasks/"),
    ("supervisor", "/cooperatives/"),
    ("supervisor", "/cooperatives/?flag=follow_up_overdue&sort=last_visit&dir=desc"),
    ("supervisor", "/assignments/?unassigned=ppkl"),
    ("supervisor", "/roster/"),
    ("supervisor", "/visits/"),
    ("supervisor", "/dashboard"),
]


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else None
    if url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite'}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        demo.seed(db.session, date.today(), "pbkdf2:sha256:1000")
        db.session.commit()
        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
    print(f"{'user':<11} {'page':<66} {'median ms':>9} {'queries':>7}")
    for username, path in PAGES:
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post(
            "/login", data={"username": username, "password": "ppkl-demo", "csrf_token": token}
        )
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        statements.clear()
        client.get(path)
        print(f"{username:<11} {path:<66} {statistics.median(times):9.1f} {len(statements):7d}")


if __name__ == "__main__":
    main()
