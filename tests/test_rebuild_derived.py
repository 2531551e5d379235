"""rebuild-derived: --check finds stored facts that differ from history, the rebuild fixes them;
the migration fills the table from the history already there."""

from datetime import date, datetime

from flask_migrate import upgrade
from sqlalchemy import delete, insert, select, update

from ppkl.cooperatives.facts import refresh_facts
from ppkl.extensions import db
from ppkl.models import Cooperative, CooperativeFacts, CooperativeHistory, Regency, User, Visit
from tests.helpers import make_app


def stored(coop_id):
    return db.session.execute(
        select(CooperativeFacts).where(CooperativeFacts.cooperative_id == coop_id)
    ).scalar_one_or_none()


def test_check_reports_differences_and_rebuild_fixes_them(
    runner, make_user, make_cooperative, make_visit
):
    officer = make_user("ppkl01", role="ppkl")
    coops = [make_cooperative() for _ in range(4)]
    make_visit(coops[0], officer, date(2019, 6, 3), follow_up_on=date(2019, 7, 1))
    make_visit(coops[1], officer, date(2019, 6, 4))
    refresh_facts(db.session, [c.id for c in coops])
    db.session.commit()
    assert runner.invoke(args=["rebuild-derived", "--check"]).exit_code == 0

    # Planted: a wrong follow-up, a row missing, a stage change the facts do not know.
    db.session.execute(
        update(CooperativeFacts)
        .where(CooperativeFacts.cooperative_id == coops[0].id)
        .values(follow_up_on=date(2019, 8, 1))
    )
    db.session.execute(
        delete(CooperativeFacts).where(CooperativeFacts.cooperative_id == coops[1].id)
    )
    db.session.add(
        CooperativeHistory(
            cooperative_id=coops[2].id,
            kind="move",
            from_stage="not_started",
            to_stage="rat_held",
            effective_date=date(2019, 5, 2),
        )
    )
    db.session.commit()

    result = runner.invoke(args=["rebuild-derived", "--check"])
    assert result.exit_code == 1
    assert "3 cooperatives differ" in result.output
    assert f"{coops[0].id}: follow_up_on" in result.output
    assert f"{coops[1].id}: missing" in result.output
    assert f"{coops[2].id}: stage_since" in result.output
    assert stored(coops[0].id).follow_up_on == date(2019, 8, 1)  # --check writes nothing

    result = runner.invoke(args=["rebuild-derived", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["rebuild-derived", "--check"]).exit_code == 0
    db.session.expire_all()
    assert stored(coops[0].id).follow_up_on == date(2019, 7, 1)
    assert stored(coops[1].id).last_visit_on == date(2019, 6, 4)
    assert stored(coops[2].id).stage_since == date(2019, 5, 2)
    assert stored(coops[3].id).last_visit_on is None


def test_check_on_an_empty_database(runner):
    result = runner.invoke(args=["rebuild-derived", "--check"])
    assert result.exit_code == 0 and "match" in result.output


def test_migration_fills_the_table_from_history(databases):
    app = make_app(databases.new("facts_migration"))
    with app.app_context():
        upgrade(revision="lost_04")
        # Core inserts into the tables as they stand at lost_04 (older than the models' tables).
        add = lambda model, rows: db.session.execute(insert(model.__table__), rows)  # noqa: E731
        add(Regency, [{"id": 1, "name": "Bulungan"}])
        add(
            User,
            [
                {
                    "id": 7,
                    "username": "ppkl01",
                    "full_name": "Andi",
                    "role": "ppkl",
                    "password_hash": "x",
                }
            ],
        )
        add(
            Cooperative,
            [
                {
                    "id": i,
                    "name": f"K{i}",
                    "search_name": f"k{i}",
                    "regency_id": 1,
                    "stage": "rat_held",
                }
                for i in (1, 2, 3)
            ],
        )
        visits = [  # (id, cooperative, visited_on, follow-up, removed)
            (1, 1, date(2019, 6, 1), date(2019, 6, 20), False),
            (2, 1, date(2019, 6, 10), None, False),  # the latest: settles the earlier follow-up
            (3, 2, date(2019, 6, 5), date(2019, 7, 1), False),
            (4, 2, date(2019, 6, 25), date(2019, 7, 9), True),  # removed: not the latest
        ]
        add(
            Visit,
            [
                {
                    "id": v,
                    "cooperative_id": c,
                    "officer_id": 7,
                    "visited_on": day,
                    "purposes": [],
                    "follow_up_on": follow,
                    "deleted_at": datetime(2019, 6, 26) if removed else None,
                }
                for v, c, day, follow, removed in visits
            ],
        )
        add(
            CooperativeHistory,
            [
                {
                    "id": 1,
                    "cooperative_id": 1,
                    "kind": "move",
                    "to_stage": "rat_held",
                    "to_active": None,
                    "effective_date": date(2019, 5, 2),
                },
                {
                    "id": 2,
                    "cooperative_id": 1,
                    "kind": "deactivated",
                    "to_stage": None,
                    "to_active": False,
                    "effective_date": date(2019, 6, 2),
                },
            ],
        )
        db.session.commit()
        upgrade()
        rows = db.session.execute(
            select(
                CooperativeFacts.cooperative_id,
                CooperativeFacts.last_visit_on,
                CooperativeFacts.last_visit_officer_id,
                CooperativeFacts.follow_up_on,
                CooperativeFacts.stage_since,
            ).order_by(CooperativeFacts.cooperative_id)
        ).all()
        assert [tuple(r) for r in rows] == [
            (1, date(2019, 6, 10), 7, None, date(2019, 5, 2)),
            (2, date(2019, 6, 5), 7, date(2019, 7, 1), None),
            (3, None, None, None, None),
        ]
        result = app.test_cli_runner().invoke(args=["rebuild-derived", "--check"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
