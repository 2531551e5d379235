"""Time the progress chart's series (the recap at each month end, one query) on the demo data.

    .venv/bin/python bench/progress.py [DATABASE_URL]
    .venv/bin/python bench/progress.py --province N --day YYYY-MM-DD DATABASE_URL

Without an argument it seeds a temporary SQLite file; with a PostgreSQL URL of an EMPTY
database it migrates and seeds that one. With --province it only reads an existing database
(for example the national data set) and times the series for its N largest regencies, a
province-sized scope, as of the day given. Each figure is the median of 15 runs, after one
warm-up.
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from ppkl import create_app
from ppkl.extensions import db

RUNS = 15


def median_ms(function) -> str:
    """Wall time, and this process's CPU time: on a loaded machine the CPU time is the steadier
    figure for SQLite, which runs inside the process (PostgreSQL's work is in its server)."""
    function()
    wall, cpu = [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return f"{statistics.median(wall):6.1f} ms wall, {statistics.median(cpu):6.1f} ms CPU"


def province(url: str, size: int, day: date) -> None:
    """Read-only: the series for the `size` regencies with the most cooperatives."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from sqlalchemy import func, select

        from ppkl.models import Cooperative, CooperativeHistory, Regency
        from ppkl.progress.pace import series_days
        from ppkl.recap_past import recap_series

        largest = (
            select(Cooperative.regency_id, func.count().label("n"))
            .group_by(Cooperative.regency_id)
            .order_by(func.count().desc())
            .limit(size)
            .subquery()
        )
        ids = list(db.session.scalars(select(largest.c.regency_id)))
        coops = db.session.scalar(select(func.sum(largest.c.n)))
        history = db.session.scalar(
            select(func.count(CooperativeHistory.id))
            .join(Cooperative, Cooperative.id == CooperativeHistory.cooperative_id)
            .where(Cooperative.regency_id.in_(ids))
        )
        print(f"load average before: {os.getloadavg()[0]:.1f}; {db.engine.dialect.name}")
        print(f"scope: {len(ids)} regencies, {coops} cooperatives, {history} history rows")
        days = series_days(day)
        year = series_days(date(day.year, 12, 31))
        figures = [
            (
                f"recap_series, {len(days)} days, scoped",
                lambda: recap_series(db.session, days, regencies=Regency.id.in_(ids)),
            ),
            (
                f"recap_series, {len(year)} days, scoped",
                lambda: recap_series(db.session, year, regencies=Regency.id.in_(ids)),
            ),
        ]
        for name, function in figures:
            print(f"{name:42} {median_ms(function)}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--province":
        province(sys.argv[5], int(sys.argv[2]), date.fromisoformat(sys.argv[4]))
        return
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
        from sqlalchemy import func, select

        from ppkl.demo import seed as demo
        from ppkl.models import Cooperative, CooperativeHistory
        from ppkl.progress.pace import series_days
        from ppkl.progress.series import area_progress
        from ppkl.recap_past import recap_as_of, recap_series

        upgrade()
        demo.seed(db.session, date(2019, 6, 30), "pbkdf2:sha256:1000")
        db.session.commit()
        coops = db.session.scalar(select(func.count(Cooperative.id)))
        rows = db.session.scalar(select(func.count(CooperativeHistory.id)))
        print(f"load average before: {os.getloadavg()[0]:.1f}; {db.engine.dialect.name}")
        print(f"demo data: {coops} cooperatives, {rows} history rows")
        day = date(2019, 6, 30)
        month_ends = series_days(day)
        december = series_days(date(2019, 12, 31))
        figures = [
            (f"recap_as_of {day}, one day", lambda: recap_as_of(db.session, day)),
            (f"recap_series, {len(month_ends)} days", lambda: recap_series(db.session, month_ends)),
            (f"recap_series, {len(december)} days", lambda: recap_series(db.session, december)),
            (
                f"area_progress {day} (targets + series)",
                lambda: area_progress(db.session, day, day, "Kalimantan Utara"),
            ),
        ]
        for name, function in figures:
            print(f"{name:42} {median_ms(function)}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
