"""The progress charts on a phone and a desktop: drawn inside the screen, and their numbers are
the as-of recap at each month end."""

from datetime import date

import pytest

from ppkl.progress.pace import month_end
from tests.browser.conftest import has_horizontal_overflow, sign_in
from tests.helpers import make_app

JUNE = "2019-06-30"


@pytest.fixture
def expected(demo_database):
    """{area: {day: certified}} from recap_as_of at each month end of 2019 up to June."""
    from ppkl.extensions import db
    from ppkl.recap_past import recap_as_of

    app = make_app(demo_database)
    found: dict[str, dict[str, str]] = {}
    with app.app_context():
        for month in range(1, 7):
            day = month_end(2019, month)
            recap = recap_as_of(db.session, day)
            found.setdefault("Kalimantan Utara", {})[day.isoformat()] = str(recap.total.certified)
            for row in recap.rows:
                found.setdefault(row.regency, {})[day.isoformat()] = str(row.certified)
        db.session.remove()  # no connection left checked out when the pool goes
        db.engine.dispose()
    return found


def chart_numbers(page) -> dict[str, dict[str, str]]:
    """What the charts' tables say, opened the way a reader opens them."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('table.progress-table')].map(
            t => [t.dataset.area, Object.fromEntries([...t.querySelectorAll('tbody tr')].map(
                r => [r.dataset.day, r.querySelector('td.certified').textContent.trim()]))]))"""
    )


def charts_inside(page) -> bool:
    return page.evaluate(
        """() => [...document.querySelectorAll('svg.progress-chart')].every(svg => {
            const box = svg.getBoundingClientRect();
            return box.width > 200 && box.left >= 0 && box.right <= window.innerWidth;
        })"""
    )


@pytest.mark.parametrize("width", [360, 1280])
def test_charts_fit_and_agree_with_the_as_of_recap(browser, demo_server, expected, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, demo_server.url, "supervisor")
    page.wait_for_url("**/dashboard")
    page.goto(f"{demo_server.url}/dashboard?as_of={JUNE}")
    charts = page.locator("svg.progress-chart")
    assert charts.count() == 6
    assert charts_inside(page)
    assert not has_horizontal_overflow(page)
    first = page.locator("#progress-0")
    assert "Kalimantan Utara" in first.locator("figcaption").inner_text()
    assert "Dengan laju saat ini" in first.locator(".progress-sentence").inner_text()
    first.locator("summary").click()
    assert page.locator("#progress-table-0").is_visible()
    assert not has_horizontal_overflow(page)
    numbers = chart_numbers(page)
    for area, by_day in expected.items():
        for day, certified in by_day.items():
            assert numbers[area][day] == certified, (area, day)
    assert numbers["Kalimantan Utara"][date(2019, 7, 31).isoformat()] == "–"
    page.screenshot(path=f"/tmp/ppkl-progress-{width}.png", full_page=True)
    context.close()


def test_an_officer_sees_their_own_months_on_a_phone(phone, demo_server, demo_database):
    from sqlalchemy import select

    from ppkl.extensions import db
    from ppkl.models import User
    from ppkl.progress.officer import officer_months

    app = make_app(demo_database)
    with app.app_context():
        person = db.session.scalar(select(User).where(User.username == "ppkl06"))
        months = officer_months(db.session, person.id, date(2019, 6, 30))
        db.session.remove()  # no connection left checked out when the pool goes
        db.engine.dispose()
    sign_in(phone, demo_server.url, "ppkl06")
    phone.wait_for_url("**/tasks/")  # officers start on Tugas saya
    phone.goto(f"{demo_server.url}/dashboard?as_of={JUNE}")
    figure = phone.locator("#own-months")
    assert figure.locator("svg.progress-chart").is_visible()
    assert charts_inside(phone) and not has_horizontal_overflow(phone)
    figure.locator("summary").click()
    shown = phone.evaluate(
        """() => [...document.querySelectorAll('#months-table tbody tr')].map(
            r => [r.dataset.day, r.querySelector('td.visits').textContent.trim()])"""
    )
    assert shown == [[m.day.isoformat(), str(m.visits)] for m in months]
    assert not has_horizontal_overflow(phone)
    figure.screenshot(path="/tmp/ppkl-own-months-phone.png")
