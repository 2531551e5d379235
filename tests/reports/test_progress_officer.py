"""An officer's own months: the officer report's definitions month by month, one query, and
each officer sees only their own."""

from datetime import date

import pytest
from sqlalchemy import select

from ppkl.extensions import db
from ppkl.models import User
from ppkl.progress.officer import month_bounds, officer_months
from ppkl.reports import services
from ppkl.reports.periods import Period
from ppkl.reports.render import report_context
from tests.helpers import count_queries
from tests.reports.conftest import pdf_text


def officer(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def test_month_bounds_end_on_the_day():
    assert month_bounds(date(2019, 3, 10)) == [
        (date(2019, 1, 1), date(2019, 1, 31)),
        (date(2019, 2, 1), date(2019, 2, 28)),
        (date(2019, 3, 1), date(2019, 3, 10)),
    ]


@pytest.mark.parametrize("username", ["dak05", "ppkl06"])
def test_months_are_the_officer_report_month_by_month(demo_report_app, username):
    person = officer(username)
    months = officer_months(db.session, person.id, date(2019, 6, 30))
    assert [m.day for m in months][-1] == date(2019, 6, 30) and len(months) == 6
    for month in (months[0], months[3], months[5]):
        period = Period(date(month.day.year, month.day.month, 1), month.day)
        report = services.officer_report(db.session, person, period)
        assert (month.visits, month.moves, month.certificates) == (
            len(report.visits),
            report.moves_total,
            report.certificates_issued,
        ), month
    half = services.officer_report(db.session, person, Period(date(2019, 1, 1), date(2019, 6, 30)))
    assert sum(m.visits for m in months) == len(half.visits)
    assert sum(m.moves for m in months) == half.moves_total
    assert sum(m.certificates for m in months) == half.certificates_issued
    assert half.months == months
    # The demo's busiest visitor and one of the DAK assistants who record moves.
    assert (half.moves_total if username == "dak05" else len(half.visits)) > 0


def test_one_query_whatever_the_months(demo_app):
    person = officer("ppkl06")
    for day in (date(2019, 1, 15), date(2019, 12, 31)):
        with count_queries(db.engine) as statements:
            officer_months(db.session, person.id, day)
        assert len(statements) == 1


def test_officer_pdf_shows_the_months(demo_report_app):
    person = officer("ppkl06")
    with report_context("id"):
        report = services.officer_report(
            db.session, person, Period(date(2019, 6, 1), date(2019, 6, 30))
        )
        text = pdf_text(services.officer_pdf(db.session, person, report.period, "id", None).pdf)
    assert "Bulan-bulan tahun 2019" in text
    june = report.months[-1]
    assert f"30 Jun {june.visits} {june.moves} {june.certificates}" in text
    total = sum(m.visits for m in report.months)
    assert f"Semua bulan {total}" in text
    db.session.rollback()


def own_numbers(html: str) -> dict[str, str]:
    import re

    return dict(
        re.findall(
            r'<tr data-day="([\d-]+)"><th scope="row">[^<]*</th>'
            r'<td class="text-end num visits">([^<]*)</td>',
            html,
        )
    )


def test_the_dashboard_shows_an_officer_their_own_months_only(demo_client, auth):
    auth.login(demo_client, "ppkl06", "ppkl-demo")
    html = demo_client.get("/dashboard?as_of=2019-06-30").get_data(as_text=True)
    assert "Bulan-bulan Anda tahun 2019" in html
    assert 'id="progress"' not in html  # the province's charts are the supervisors'
    mine = officer_months(db.session, officer("ppkl06").id, date(2019, 6, 30))
    assert own_numbers(html) == {m.day.isoformat(): str(m.visits) for m in mine}
    auth.logout(demo_client)
    auth.login(demo_client, "ppkl11", "ppkl-demo")
    html = demo_client.get("/dashboard?as_of=2019-06-30").get_data(as_text=True)
    theirs = officer_months(db.session, officer("ppkl11").id, date(2019, 6, 30))
    assert own_numbers(html) == {m.day.isoformat(): str(m.visits) for m in theirs}
    assert theirs != mine
    auth.logout(demo_client)
    auth.login(demo_client, "supervisor", "ppkl-demo")
    html = demo_client.get("/dashboard?as_of=2019-06-30").get_data(as_text=True)
    assert "own-months" not in html and 'id="progress"' in html


def test_an_officer_cannot_open_another_officers_months(demo_client, auth):
    auth.login(demo_client, "ppkl06", "ppkl-demo")
    other = officer("ppkl11")
    response = demo_client.get(
        f"/reports/officer?officer={other.id}&start=2019-06-01&end=2019-06-30"
    )
    assert response.status_code == 403
