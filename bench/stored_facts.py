"""The worklist's and the lists' queries reading the stored facts versus recomputing them from
history, on the configured database (prints figures; nothing is written).

    DATABASE_URL=postgresql://... .venv/bin/python bench/stored_facts.py [--runs 5]

Both sides run the same conditions (ppkl.tasks.worklist) and the same definitions
(ppkl.cooperatives.facts): "history" joins the definitions as subqueries over every visit and
history row, as the app did before the facts were stored; "stored" joins cooperative_facts.
Also times one officer's coverage (ids first) and `rebuild-derived --check`.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, true  # noqa: E402

from ppkl import create_app  # noqa: E402
from ppkl.clock import office_today  # noqa: E402
from ppkl.cooperatives.facts import computed, differences, id_ranges  # noqa: E402
from ppkl.coverage import resolve  # noqa: E402
from ppkl.extensions import db  # noqa: E402
from ppkl.models import Assignment, Cooperative, User  # noqa: E402
from ppkl.tasks.worklist import (  # noqa: E402
    Facts,
    Reason,
    Thresholds,
    conditions,
    reason_counts,
    worklist_query,
)


def timed(runs: int, work) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def page(stmt):
    return lambda: db.session.execute(stmt.limit(50)).all()


def count(stmt):
    return lambda: db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def counts(facts: Facts, scope, t):
    return lambda: reason_counts(db.session, scope, t, facts)


def flag_filter(facts: Facts, t, reason: Reason):
    stmt = facts.join(select(Cooperative.id).select_from(Cooperative))
    return stmt.where(conditions(facts, t)[reason]).order_by(Cooperative.name, Cooperative.id)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        t = Thresholds.from_config(app.config, office_today())
        sides = {
            "history": Facts(computed(lambda column: true()).subquery("facts")),
            "stored": Facts(),
        }
        officer_id = db.session.scalar(
            select(Assignment.officer_id).where(Assignment.end_date.is_(None)).limit(1)
        )
        officer = db.session.get(User, officer_id) if officer_id else None
        print(f"{db.session.scalar(select(func.count(Cooperative.id))):,} cooperatives")
        print(f"{'query':45} {'history ms':>18} {'stored ms':>18}")
        cases = {
            "dashboard counts, nation-wide": lambda f: counts(f, true(), t),
            "worklist count, nation-wide": lambda f: count(worklist_query(true(), t, f)),
            "worklist first page, nation-wide": lambda f: page(worklist_query(true(), t, f)),
            "flag filter follow_up_overdue, first page": lambda f: page(
                flag_filter(f, t, Reason.FOLLOW_UP_OVERDUE)
            ),
            "flag filter not_visited, count": lambda f: count(
                flag_filter(f, t, Reason.NOT_VISITED)
            ),
        }
        if officer is not None:
            cases["officer worklist page (ids first)"] = lambda f: page(
                worklist_query(resolve(officer).condition(), t, f)
            )
        for name, case in cases.items():
            figures = [timed(args.runs, case(facts)) for facts in sides.values()]
            cells = [f"{median:8.0f} (max {worst:5.0f})" for median, worst in figures]
            print(f"{name:45} {cells[0]:>18} {cells[1]:>18}")
            db.session.rollback()
        if officer is not None:
            median, worst = timed(args.runs, lambda: resolve(officer))
            print(f"resolve one officer's coverage: {median:.1f} ms (max {worst:.1f})")
        start = time.perf_counter()
        found = sum(len(differences(db.session, lo, hi)) for lo, hi in id_ranges(db.session))
        print(f"rebuild-derived --check: {time.perf_counter() - start:.1f} s, {found} differences")


if __name__ == "__main__":
    main()
