"""Time the recap as of a date against today's recap on the demo data (prints figures).

    .venv/bin/python bench/recap_as_of.py [DATABASE_URL]

Without an argument it seeds a temporary SQLite file; with a PostgreSQL URL of an EMPTY
database it migrates and seeds that one. Each figure is the median of 15 runs.
"""

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from ppkl import create_app
from ppkl.extensions import db

RUNS = 15


def median_ms(function) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else None
    if url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite'}"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        from ppkl.demo import seed as demo
        from ppkl.recap import current_recap
        from ppkl.recap_past import recap_as_of

        upgrade()
        start = time.perf_counter()
        demo.seed(db.session, date(2019, 6, 30), "pbkdf2:sha256:1000")
        db.session.commit()
        print(f"seed-demo with history: {(time.perf_counter() - start) * 1000:.0f} ms")
        print(f"current_recap:            {median_ms(lambda: current_recap(db.session)):.1f} ms")
        for day in (date(2019, 6, 30), date(2019, 1, 31)):
            ms = median_ms(lambda d=day: recap_as_of(db.session, d))
            print(f"recap_as_of {day}:   {ms:.1f} ms")


if __name__ == "__main__":
    main()
