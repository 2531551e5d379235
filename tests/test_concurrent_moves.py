"""Two people move the same cooperative at the same moment: exactly one move applies.

Each thread has its own app context, hence its own session and database connection; a
barrier releases both moves together. Runs on SQLite and (make test-postgres) PostgreSQL.
"""

import threading
from datetime import date

from sqlalchemy import func, select

from ppkl.certification.services import advance_stage
from ppkl.cooperatives.changes import explain_stale
from ppkl.domain import StaleEdit
from ppkl.extensions import db
from ppkl.models import Cooperative, CooperativeHistory, User
from ppkl.workflow import ReportEvidence, Stage


def test_two_parallel_moves_one_wins(app, make_regency, make_user, make_cooperative):
    regency = make_regency("Nunukan")
    make_user("ppkl03", role="ppkl", regency=regency)
    make_user("dak05", role="dak", regency=regency)
    coop_id = make_cooperative(regency=regency, stage="rat_held").id
    db.session.remove()
    barrier = threading.Barrier(2, timeout=20)
    outcome: dict[str, str] = {}

    def move(username: str, received: date) -> None:
        with app.app_context():
            actor = db.session.scalar(select(User).where(User.username == username))
            coop = db.session.get(Cooperative, coop_id)
            loaded_at = coop.version
            barrier.wait()
            try:
                advance_stage(
                    actor,
                    coop,
                    Stage.REPORT_RECEIVED,
                    ReportEvidence(received),
                    None,
                    loaded_at,
                    date(2019, 6, 30),
                )
                db.session.commit()
                outcome[username] = "moved"
            except StaleEdit as error:
                current = explain_stale(error).current
                outcome[username] = f"stale: {current.changed_by}"

    threads = [
        threading.Thread(target=move, args=("ppkl03", date(2019, 5, 1))),
        threading.Thread(target=move, args=("dak05", date(2019, 5, 2))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcome.values())[0] == "moved", outcome
    winner = next(name for name, result in outcome.items() if result == "moved")
    loser = next(name for name in outcome if name != winner)
    winner_name = db.session.scalar(select(User.full_name).where(User.username == winner))
    assert outcome[loser] == f"stale: {winner_name}"
    coop = db.session.get(Cooperative, coop_id)
    assert (coop.stage, coop.version) == ("report_received", 2)
    assert db.session.scalar(select(func.count(CooperativeHistory.id))) == 1
