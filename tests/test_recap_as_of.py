"""The recap as of a past day, from the history."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from ppkl.clock import office_day_end
from ppkl.extensions import db
from ppkl.models import Cooperative, CooperativeHistory, RatRecord
from ppkl.recap import StateAsOf, current_recap
from ppkl.recap_past import recap_as_of
from tests.test_recap import EXPECTED_TABLE, expected_rows


def totals(recap) -> tuple[int, int, int, int]:
    t = recap.total
    return (t.active, t.inactive, t.certified, t.in_progress)


def test_end_of_day_is_midnight_in_the_office_time_zone():
    assert office_day_end(date(2019, 3, 1)) == datetime(2019, 3, 1, 16, 0)  # WITA is UTC+8


def test_demo_recap_as_of_the_end_date_is_the_june_2019_table(demo_app):
    rows = recap_as_of(db.session, date(2019, 6, 30)).csv_rows()
    assert [list(r) for r in rows] == expected_rows()


def test_demo_recap_earlier_shows_fewer_certified(demo_app):
    june = recap_as_of(db.session, date(2019, 6, 30)).total
    january = recap_as_of(db.session, date(2019, 1, 31)).total
    october = recap_as_of(db.session, date(2018, 10, 31)).total
    assert june.certified == 70
    assert october.certified <= january.certified < june.certified
    assert january.total == 747  # every demo cooperative was registered by then
    assert recap_as_of(db.session, date(2018, 1, 1)).total.total == 0


def test_demo_history_matches_the_stages(demo_app):
    counts = dict(
        db.session.execute(
            select(CooperativeHistory.kind, func.count()).group_by(CooperativeHistory.kind)
        ).all()
    )
    assert counts["created"] == 747
    # one move per stage reached: 70 certified x 4 plus the in-progress ones
    assert counts["move"] > 280
    assert db.session.scalar(select(func.count(RatRecord.id))) >= 82


def test_cli_recap_as_of_prints_the_table(demo_app):
    runner = demo_app.test_cli_runner()
    result = runner.invoke(args=["recap", "--as-of", "2019-06-30", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output == EXPECTED_TABLE.read_text(encoding="utf-8")
    earlier = runner.invoke(args=["recap", "--as-of", "2019-01-31", "--format", "csv"])
    total = earlier.output.strip().splitlines()[-1].split(",")
    assert total[0] == "TOTAL" and int(total[4]) < 70
    bad = runner.invoke(args=["recap", "--as-of", "31-01-2019"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def history(coop, created_at, **fields):
    db.session.add(CooperativeHistory(cooperative_id=coop.id, created_at=created_at, **fields))


def test_state_at_the_end_of_each_day(app, make_regency, make_cooperative, query_counter):
    regency = make_regency("Malinau")
    created = datetime(2019, 1, 1, 1, 0)
    moved = make_cooperative(regency=regency, stage="certified", nik="1" * 16, created_at=created)
    history(moved, created, kind="created", to_stage="not_started", to_active=True)
    history(
        moved, datetime(2019, 2, 1, 2), kind="move", from_stage="not_started", to_stage="rat_held"
    )
    # 23:59 WITA on 1 March: still 1 March in the office
    history(
        moved,
        datetime(2019, 3, 1, 15, 59),
        kind="move",
        from_stage="rat_held",
        to_stage="report_received",
    )
    history(
        moved,
        datetime(2019, 3, 1, 16, 0),
        kind="move",
        from_stage="report_received",
        to_stage="ods_entered",
    )
    history(
        moved, datetime(2019, 4, 1, 2), kind="move", from_stage="ods_entered", to_stage="certified"
    )
    # A cooperative with no history: its present state, since it was registered.
    make_cooperative(regency=regency, stage="rat_held", created_at=created)
    # Deactivated in May, without a "created" row: before that it was active.
    asleep = make_cooperative(regency=regency, active=False, created_at=created)
    history(asleep, datetime(2019, 5, 2, 3), kind="deactivated", from_active=True, to_active=False)
    make_cooperative(regency=regency, created_at=datetime(2019, 6, 1))  # registered later
    db.session.commit()

    assert totals(recap_as_of(db.session, date(2018, 12, 31))) == (0, 0, 0, 0)
    assert totals(recap_as_of(db.session, date(2019, 1, 31))) == (3, 0, 0, 1)
    assert totals(recap_as_of(db.session, date(2019, 2, 1))) == (3, 0, 0, 2)
    assert recap_as_of(db.session, date(2019, 3, 1)).total.in_progress == 2
    assert totals(recap_as_of(db.session, date(2019, 4, 1))) == (3, 0, 1, 1)
    assert totals(recap_as_of(db.session, date(2019, 5, 2))) == (2, 1, 1, 1)
    assert totals(recap_as_of(db.session, date(2019, 6, 1))) == (3, 1, 1, 1)
    with query_counter() as statements:
        today = recap_as_of(db.session, date(2030, 1, 1))
    assert len(statements) == 3  # stored month ends, the history, the regencies
    assert today.csv_rows() == current_recap(db.session).csv_rows()


@pytest.mark.parametrize("end_date", [date(2019, 1, 1), date(2021, 3, 15)])
def test_demo_history_fits_any_end_date(app, end_date):
    from ppkl.demo import seed as demo
    from tests.helpers import FAST_HASH

    demo.seed(db.session, end_date, FAST_HASH)
    db.session.commit()
    cutoff = office_day_end(end_date)
    assert db.session.scalar(select(func.max(CooperativeHistory.created_at))) < cutoff
    assert db.session.scalar(select(func.max(RatRecord.held_on))) <= end_date
    assert db.session.scalar(select(func.max(RatRecord.report_received_on))) <= end_date
    for rat in db.session.scalars(select(RatRecord)):
        assert rat.held_on.year > rat.fiscal_year  # held after its fiscal year ended
    rows = recap_as_of(db.session, end_date).csv_rows()
    assert [list(r) for r in rows] == expected_rows()


def test_recorded_order_decides_not_the_row_id(app, make_regency, make_cooperative):
    """Rows are read in recorded order (created_at, then id for the same instant), whatever
    order they were inserted in: a backfilled older row does not hide a later change."""
    coop = make_cooperative(
        regency=make_regency("Tarakan"), stage="ods_entered", created_at=datetime(2019, 1, 1)
    )
    same_instant = datetime(2019, 2, 5, 2)
    for created_at, from_stage, to_stage in (
        (datetime(2019, 3, 5, 2), "report_received", "ods_entered"),  # inserted first
        (datetime(2019, 1, 1, 1), None, "not_started"),
        (same_instant, "not_started", "rat_held"),
        (same_instant, "rat_held", "report_received"),  # the same instant, a later id
    ):
        history(coop, created_at, kind="move", from_stage=from_stage, to_stage=to_stage)
        db.session.flush()
    db.session.commit()

    def stage_at(day: date) -> str:
        as_of = StateAsOf.at(office_day_end(day))
        return db.session.scalar(as_of.join(select(as_of.stage)).where(Cooperative.id == coop.id))

    days = (date(2018, 12, 31), date(2019, 1, 31), date(2019, 2, 5), date(2019, 3, 5))
    assert [stage_at(day) for day in days] == [
        "not_started",  # before any row: what the first later row with a stage started from
        "not_started",
        "report_received",
        "ods_entered",
    ]
    assert [recap_as_of(db.session, day).total.in_progress for day in days[1:]] == [0, 1, 1]
