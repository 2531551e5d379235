"""The officers' roster (counts in SQL, fixed query count) and deactivation with hand-over."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ppkl.assignments.services import AssignmentError, deactivate_officer
from ppkl.clock import office_today
from ppkl.extensions import db
from ppkl.models import Assignment, AuditEvent, CooperativeHistory, User
from tests.helpers import count_queries, post_form


def test_roster_shows_workload(client, auth, make_user, make_cooperative, make_visit, assign):
    today = office_today()
    officer = make_user("dak01", role="dak", cohort_year=2019, contract_end=date(2019, 12, 31))
    make_user("boss", role="supervisor")
    coops = [make_cooperative() for _ in range(3)]
    for coop in coops:
        assign(coop, officer)
    make_visit(coops[0], officer, today)
    make_visit(coops[1], officer, today.replace(day=1))
    make_visit(coops[2], officer, today.replace(day=1) - timedelta(days=1))  # last month
    make_visit(coops[2], officer, today, deleted_at=today, delete_reason="x")  # removed
    db.session.add(
        CooperativeHistory(
            cooperative_id=coops[0].id,
            kind="move",
            to_stage="rat_held",
            effective_date=today,
            user_id=officer.id,
        )
    )
    db.session.commit()
    auth.login(client, "boss")
    html = client.get("/roster/").get_data(as_text=True)
    block = html.split(f'id="officer-{officer.id}"')[1].split('id="officer-')[0]
    assert 'class="fw-semibold assigned">3<' in block
    assert 'class="fw-semibold visits-month">2<' in block
    assert 'class="fw-semibold moves-month">1<' in block
    assert "kohort 2019" in block or "2019" in block
    assert "31 Desember 2019" in block


def test_roster_query_count_is_fixed(client, auth, make_user, make_cooperative, assign):
    make_user("boss", role="supervisor")
    auth.login(client, "boss")

    def count():
        with count_queries(db.engine) as statements:
            assert client.get("/roster/").status_code == 200
        return len(statements)

    first = count()
    for n in range(15):
        officer = make_user(f"ppkl{n:02d}", role="ppkl")
        assign(make_cooperative(), officer)
    assert count() == first


@pytest.fixture
def team(make_user, make_cooperative, assign):
    boss = make_user("boss", role="supervisor")
    leaving = make_user("dak01", role="dak")
    successor = make_user("dak02", role="dak")
    ppkl = make_user("ppkl01", role="ppkl")
    coops = [make_cooperative() for _ in range(3)]
    for coop in coops:
        assign(coop, leaving, start=date(2019, 1, 2))
    return {"boss": boss, "leaving": leaving, "successor": successor, "ppkl": ppkl, "coops": coops}


def test_deactivation_moves_every_cooperative_in_one_go(client, auth, team):
    auth.login(client, "boss")
    url = f"/roster/{team['leaving'].id}/deactivate"
    page = client.get(url).get_data(as_text=True)
    assert "3 koperasi" in page
    response = post_form(client, url, {"successor": str(team["successor"].id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, team["leaving"].id).active is False
    rows = db.session.scalars(select(Assignment).order_by(Assignment.id)).all()
    ended = [r for r in rows if r.officer_id == team["leaving"].id]
    current = [r for r in rows if r.end_date is None]
    assert len(ended) == 3 and all(r.end_date == office_today() for r in ended)
    assert {r.officer_id for r in current} == {team["successor"].id} and len(current) == 3
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.deactivated"))
    assert event.detail["cooperatives"] == 3


def test_deactivation_without_successor_is_refused_and_changes_nothing(client, auth, team):
    auth.login(client, "boss")
    url = f"/roster/{team['leaving'].id}/deactivate"
    response = post_form(client, url, {"successor": ""})
    assert response.status_code == 400
    assert "pilih siapa yang mengambil alih" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, team["leaving"].id).active is True
    assert all(r.end_date is None for r in db.session.scalars(select(Assignment)))


def test_successor_must_share_the_role(team):
    with pytest.raises(AssignmentError) as refused:
        deactivate_officer(team["boss"], team["leaving"], team["ppkl"], office_today())
    assert refused.value.code == "successor_wrong_role"
    db.session.rollback()


def test_officer_without_cooperatives_needs_no_successor(team):
    assert deactivate_officer(team["boss"], team["ppkl"], None, office_today()) == 0
    assert team["ppkl"].active is False


def test_account_page_refuses_to_deactivate_an_officer_with_cooperatives(
    client, auth, make_user, team
):
    make_user("root", role="admin")
    auth.login(client, "root")
    leaving = team["leaving"]
    data = {
        "full_name": "Dak Satu",
        "role": "dak",
        "regency_id": leaving.regency_id,
        "cohort_year": 2019,
    }  # "active" unticked
    response = post_form(client, f"/admin/users/{leaving.id}", data)
    assert response.status_code == 200
    assert "halaman Petugas" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, leaving.id).active is True
