"""Time the cooperative name search at national size on PostgreSQL (prints figures).

    .venv/bin/python bench/search_names.py POSTGRES_URL_OF_AN_EMPTY_DB [COUNT]

Migrates the database, inserts COUNT cooperatives (default 210,000) with names made of common
cooperative words, then times ppkl's search (every word, any order) with the trigram index and
with index scans switched off: the count of matches, as the list page's total needs. Each
figure is the median of 15 runs.
"""

import statistics
import sys
import time

from flask_migrate import upgrade
from sqlalchemy import func, select, text

from ppkl import create_app
from ppkl.cooperatives.queries import name_matches
from ppkl.extensions import db
from ppkl.models import Cooperative

RUNS = 15
WORDS = [
    "sejahtera",
    "mulia",
    "harapan",
    "makmur",
    "bersama",
    "jaya",
    "maju",
    "tunas",
    "karya",
    "mandiri",
    "sentosa",
    "abadi",
    "lestari",
    "bakti",
    "usaha",
    "tani",
    "nelayan",
    "pelita",
]
QUERIES = ["harapan mulia", "sejahtera", "tani makmur jaya", "ksp 12345", "zzz"]


def median_ms(function) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def seed(count: int) -> None:
    words = "ARRAY[" + ", ".join(f"'{w}'" for w in WORDS) + "]"
    db.session.execute(text("INSERT INTO regency (name) VALUES ('Bench')"))
    db.session.execute(
        text(
            "INSERT INTO cooperative (name, search_name, regency_id, active, stage, version, "
            "created_at, updated_at) "
            f"SELECT n, lower(n), (SELECT id FROM regency LIMIT 1), true, 'not_started', 1, "
            "now(), now() FROM ("
            f"SELECT 'KSP ' || initcap(({words})[1 + i % 18]) || ' ' || "
            f"initcap(({words})[1 + (i / 18) % 18]) || ' ' || i AS n "
            f"FROM generate_series(1, {count}) AS i) AS names"
        )
    )
    db.session.commit()
    db.session.execute(text("ANALYZE cooperative"))


def main() -> None:
    url = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 210_000
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        seed(count)
        print(f"{count:,} cooperatives; median of {RUNS} runs, ms")
        print("| query | matches | trigram index | no index scans |")
        print("| --- | --- | --- | --- |")
        for q in QUERIES:
            # The list page counts every match (its total), so the count is what is timed.
            stmt = select(func.count()).select_from(Cooperative).where(name_matches(q))
            matches = db.session.scalar(stmt)
            db.session.execute(text("SET jit = off"))
            with_index = median_ms(lambda s=stmt: db.session.execute(s).all())
            db.session.execute(text("SET enable_bitmapscan = off"))
            db.session.execute(text("SET enable_indexscan = off"))
            without = median_ms(lambda s=stmt: db.session.execute(s).all())
            db.session.execute(text("RESET enable_bitmapscan"))
            db.session.execute(text("RESET enable_indexscan"))
            print(f"| {q} | {matches:,} | {with_index:.1f} | {without:.1f} |")
        db.session.rollback()
        db.engine.dispose()


if __name__ == "__main__":
    main()
