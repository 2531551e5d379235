"""Stored month-end recaps: a past read through them equals the past read from the whole
history, whoever writes what afterwards."""

import itertools
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from ppkl.clock import office_day_end
from ppkl.cooperatives.services import CooperativeDetails, create_cooperative, update_details
from ppkl.extensions import db
from ppkl.models import Cooperative, RecapMonthEnd, Regency, User
from ppkl.recap import ALL, regency_counts
from ppkl.recap_past import month_end_differences, recap_as_of, store_month_ends
from tests.helpers import count_queries, make_app, seeded_demo_database

DAYS = [
    date(2018, 6, 30),
    date(2018, 12, 31),
    date(2019, 1, 15),
    date(2019, 3, 31),
    date(2019, 6, 15),
    date(2019, 6, 30),
    date(2020, 2, 29),
]


NAMES = itertools.count(1)


@pytest.fixture
def own_demo(databases):
    """The demo data in a database of its own: these tests write."""
    app = make_app(seeded_demo_database(databases, f"month_ends_{next(NAMES)}"))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def cutoffs():
    return list(db.session.scalars(select(RecapMonthEnd.cutoff).distinct()))


def from_whole_history(days):
    """The recaps with no month end stored (the rows come back with the rollback)."""
    db.session.execute(delete(RecapMonthEnd))
    recaps = {day: recap_as_of(db.session, day) for day in days}
    db.session.rollback()
    return recaps


def test_the_demo_stores_every_month_end_and_they_match_the_history(own_demo):
    stored = cutoffs()
    assert office_day_end(date(2019, 6, 30)) in stored
    assert month_end_differences(db.session) == []
    june = db.session.scalar(
        select(func.sum(RecapMonthEnd.certified)).where(
            RecapMonthEnd.cutoff == office_day_end(date(2019, 6, 30))
        )
    )
    assert june == 70  # the office's June 2019 table


def test_past_days_read_through_month_ends_equal_the_whole_history(own_demo):
    through_month_ends = {day: recap_as_of(db.session, day) for day in DAYS}
    assert through_month_ends == from_whole_history(DAYS)


def test_a_change_after_month_ends_stores_the_missing_ones(own_demo):
    later = office_day_end(date(2019, 3, 31))
    db.session.execute(delete(RecapMonthEnd).where(RecapMonthEnd.cutoff >= later))
    db.session.commit()
    assert max(cutoffs()) < later
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    regency_id = db.session.scalar(select(Regency.id).order_by(Regency.id))
    create_cooperative(admin, CooperativeDetails(name="Koperasi Baru", regency_id=regency_id))
    db.session.commit()
    assert later in cutoffs()
    assert max(cutoffs()) >= office_day_end(date(2026, 10, 31))
    assert month_end_differences(db.session) == []


def test_moving_a_cooperative_restates_both_regencies(own_demo):
    coop = db.session.scalar(
        select(Cooperative)
        .where(Cooperative.stage == "certified", Cooperative.active.is_(True))
        .order_by(Cooperative.id)
    )
    before = recap_as_of(db.session, date(2019, 6, 30))
    old = db.session.get(Regency, coop.regency_id)
    new = db.session.scalar(select(Regency).where(Regency.id != old.id).order_by(Regency.id))
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    update_details(admin, coop, CooperativeDetails(name=coop.name, regency_id=new.id), coop.version)
    db.session.commit()

    assert month_end_differences(db.session) == []
    after = recap_as_of(db.session, date(2019, 6, 30))
    certified = {row.regency: row.certified for row in before.rows}
    moved = {row.regency: row.certified for row in after.rows}
    assert moved[old.name] == certified[old.name] - 1
    assert moved[new.name] == certified[new.name] + 1
    assert after.total == before.total


def test_the_counts_per_cut_off_come_from_one_query(own_demo):
    ends = [office_day_end(day) for day in DAYS]
    with count_queries(db.engine) as statements:
        counts = regency_counts(db.session, ends, ALL)
    assert len(statements) == 1 and len(counts) == len(DAYS)


def test_a_month_end_is_stored_once_it_has_settled(app, make_cooperative):
    make_cooperative(created_at=datetime(2019, 1, 10))
    db.session.commit()
    end = office_day_end(date(2019, 1, 31))
    assert store_month_ends(db.session, now=end + timedelta(minutes=30)) == 0
    assert store_month_ends(db.session, now=end + timedelta(hours=2)) == 1
    assert cutoffs() == [end]
    assert store_month_ends(db.session, now=end + timedelta(hours=3)) == 0


def test_check_finds_a_wrong_month_end_and_the_rebuild_fixes_it(own_demo):
    runner = own_demo.test_cli_runner()
    june = office_day_end(date(2019, 6, 30))
    db.session.execute(
        update(RecapMonthEnd)
        .where(RecapMonthEnd.cutoff == june)
        .values(certified=RecapMonthEnd.certified + 1)
    )
    db.session.commit()
    result = runner.invoke(args=["rebuild-derived", "--check"])
    assert result.exit_code == 1
    assert "stored month ends differ from the history" in result.output
    assert f"at {june:%Y-%m-%d %H:%M} UTC" in result.output

    result = runner.invoke(args=["rebuild-derived"])
    assert result.exit_code == 0, result.output
    assert "month-end recaps" in result.output
    assert runner.invoke(args=["rebuild-derived", "--check"]).exit_code == 0
