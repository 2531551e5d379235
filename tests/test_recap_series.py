"""The recap at several days in one query equals the as-of recap at each of those days."""

from datetime import date, timedelta

from sqlalchemy import false

from ppkl.extensions import db
from ppkl.models import Regency
from ppkl.recap_past import recap_as_of, recap_series
from tests.helpers import count_queries

MONTH_ENDS = [
    date(2018, 10, 31),
    date(2018, 12, 31),
    date(2019, 1, 31),
    date(2019, 2, 28),
    date(2019, 3, 31),
    date(2019, 4, 30),
    date(2019, 5, 31),
    date(2019, 6, 15),
    date(2019, 6, 30),
]


def test_series_equals_the_as_of_recap_at_each_day(demo_app):
    series = recap_series(db.session, MONTH_ENDS)
    assert list(series) == MONTH_ENDS
    for day in MONTH_ENDS:
        assert series[day] == recap_as_of(db.session, day), day
    assert series[date(2019, 6, 30)].total.certified == 70


def test_three_queries_whatever_the_number_of_days(demo_app):
    # stored month ends, the changes since (a day that is not a month end), the regencies
    one_day = [date(2019, 6, 15)]
    for days in (one_day, MONTH_ENDS, [date(2019, 1, 1) + timedelta(d) for d in range(60)]):
        with count_queries(db.engine) as statements:
            recap_series(db.session, days)
        assert len(statements) == 3
    assert recap_series(db.session, []) == {}


def test_only_the_regencies_asked_for(demo_app):
    full = recap_series(db.session, [date(2019, 6, 30)])[date(2019, 6, 30)]
    first = full.rows[0]
    only = Regency.id == regency_id(first.regency)
    some = recap_series(db.session, [date(2019, 6, 30)], regencies=only)
    assert some[date(2019, 6, 30)].rows == [first]
    assert some[date(2019, 6, 30)].total.certified == first.certified


def regency_id(name: str) -> int:
    return db.session.query(Regency.id).filter_by(name=name).scalar()


def test_no_regency_asked_for_gives_an_empty_recap(demo_app):
    recap = recap_series(db.session, [date(2019, 6, 30)], regencies=false())[date(2019, 6, 30)]
    assert recap.rows == [] and recap.total.total == 0
