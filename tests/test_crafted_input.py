"""Crafted input found by the outside review: each gets a 400, a 404 or a message next to the
field, never a 500. Run on SQLite and PostgreSQL (whose integer is 32 bits)."""

import io

import pytest
from sqlalchemy import func, select

from ppkl.extensions import db
from ppkl.models import AuditEvent, Cooperative, RatRecord, Visit
from tests.helpers import csrf_token_from

HUGE = "99999999999999999999"


def signed_in(client, username="admin"):
    token = csrf_token_from(client, "/login")
    response = client.post(
        "/login", data={"username": username, "password": "ppkl-demo", "csrf_token": token}
    )
    assert response.status_code == 302
    return client


@pytest.mark.parametrize(
    "url",
    [
        f"/cooperatives/{HUGE}",
        f"/cooperatives/{HUGE}/edit",
        f"/visits/{HUGE}",
        f"/visits/photos/{HUGE}",
        f"/certification/{HUGE}/rat",
    ],
)
def test_ids_above_the_database_range_are_not_found(demo_client, url):
    assert signed_in(demo_client).get(url).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        f"page={HUGE}",
        f"regency={HUGE}",
        f"officer={HUGE}",
        "page=-99999999999",
        "_method=POST",
        "_external=1&_anchor=x&_scheme=javascript",
    ],
)
@pytest.mark.parametrize(
    "path", ["/cooperatives/", "/visits/", "/tasks/", "/assignments/", "/roster/"]
)
def test_query_arguments_never_fail(demo_client, path, query):
    response = signed_in(demo_client).get(f"{path}?{query}")
    assert response.status_code == 200, (path, query)
    assert "javascript:" not in response.get_data(as_text=True)


def test_pagination_keeps_filters_without_passing_them_to_url_for(demo_client):
    html = signed_in(demo_client).get("/cooperatives/?_method=POST&q=").get_data(as_text=True)
    assert "_method=POST" in html and "page=2" in html


@pytest.mark.parametrize(
    "period",
    [("0001-01-01", "0001-01-31"), ("9999-12-01", "9999-12-31"), ("0001-01-01", "9999-12-31")],
)
def test_periods_in_year_one_or_9999_get_a_message(demo_client, period):
    start, end = period
    client = signed_in(demo_client, "ppkl01")
    for url in (f"/reports/officer?start={start}&end={end}", f"/reports/recap?as_of={end}"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "1900" in response.get_data(as_text=True), url
    client = signed_in(demo_client.application.test_client(), "admin")
    for url in (f"/dashboard?as_of={start}", f"/admin/audit/?date_from={start}&date_to={end}"):
        assert client.get(url).status_code == 200, url


def test_a_file_where_text_is_expected_is_a_field_error(client, make_user):
    make_user("siti")
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf_token_from(client, "/login"),
            "username": (io.BytesIO(b"siti"), "name.txt"),
            "password": (io.BytesIO(b"x"), "password.txt"),
        },
    )
    assert response.status_code == 200
    assert client.get("/dashboard").status_code == 302


def counts():
    db.session.expire_all()
    return [
        db.session.scalar(select(func.count()).select_from(m))
        for m in (Visit, RatRecord, Cooperative, AuditEvent)
    ]


def test_ids_and_numbers_too_large_in_forms_are_field_errors(app, client, auth, make_user, assign):
    from ppkl.models import Regency

    officer = make_user("ppkl01", role="ppkl")
    regency = db.session.scalar(select(Regency))
    coop = Cooperative(name="KSP Maju", regency_id=regency.id, district="X", members=30)
    db.session.add(coop)
    db.session.commit()
    assign(coop, officer)
    auth.login(client, "ppkl01")
    before = counts()
    token = csrf_token_from(client, "/visits/new")
    visit = {
        "csrf_token": token,
        "cooperative_id": HUGE,
        "visited_on": "2019-06-01",
        "purposes": "pembinaan",
    }
    assert client.post("/visits/new", data=visit).status_code == 400
    visit.update(cooperative_id=str(coop.id), visited_on="0001-01-01")
    response = client.post("/visits/new", data=visit)
    assert response.status_code == 400 and "1900" in response.get_data(as_text=True), [
        line for line in response.get_data(as_text=True).splitlines() if "invalid" in line
    ]
    visit.update(visited_on="2019-06-01", follow_up_on="9999-12-31", follow_up_action="x")
    response = client.post("/visits/new", data=visit)
    assert response.status_code == 400 and "2100" in response.get_data(as_text=True)
    page = f"/certification/{coop.id}/rat"
    rat = {"csrf_token": token, "fiscal_year": "2018", "held_on": "2019-03-01"}
    rat.update(members_present=HUGE, members_total=HUGE)
    response = client.post(page, data=rat)
    assert response.status_code in (400, 403)
    assert counts() == before
