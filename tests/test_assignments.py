"""Assignment rules and history, bulk assignment, and what officers see once it exists."""

from datetime import date

import pytest
from sqlalchemy import func, select

from ppkl.assignments.queries import assigned_on
from ppkl.assignments.services import AssignmentError, assign_officer, unassign_role
from ppkl.extensions import db
from ppkl.models import Assignment, AuditEvent, Cooperative
from tests.helpers import post_form

DAY1, DAY2 = date(2019, 3, 1), date(2019, 5, 1)


@pytest.fixture
def people(make_user):
    return {
        "boss": make_user("boss", role="supervisor"),
        "ppkl1": make_user("ppkl01", role="ppkl"),
        "ppkl2": make_user("ppkl02", role="ppkl"),
        "dak1": make_user("dak01", role="dak"),
    }


def current(coop_id):
    return db.session.scalars(
        select(Assignment).where(
            Assignment.cooperative_id == coop_id, Assignment.end_date.is_(None)
        )
    ).all()


def test_one_current_ppkl_and_one_dak_with_history(make_cooperative, people):
    coop = make_cooperative()
    assert assign_officer(people["boss"], [coop.id], people["ppkl1"], DAY1) == 1
    assert assign_officer(people["boss"], [coop.id], people["dak1"], DAY1) == 1
    assert assign_officer(people["boss"], [coop.id], people["ppkl2"], DAY2) == 1
    db.session.commit()
    now = {(a.officer_role, a.officer_id) for a in current(coop.id)}
    assert now == {("ppkl", people["ppkl2"].id), ("dak", people["dak1"].id)}
    old = db.session.scalar(select(Assignment).where(Assignment.officer_id == people["ppkl1"].id))
    assert (old.start_date, old.end_date) == (DAY1, DAY2)
    # A report for a past period counts whoever was assigned then.
    on_april = {a.officer_id for a in db.session.scalars(assigned_on(date(2019, 4, 1)))}
    assert on_april == {people["ppkl1"].id, people["dak1"].id}
    on_may = {a.officer_id for a in db.session.scalars(assigned_on(DAY2))}
    assert on_may == {people["ppkl2"].id, people["dak1"].id}


def test_reassigning_the_same_officer_changes_nothing(make_cooperative, people):
    coop = make_cooperative()
    assign_officer(people["boss"], [coop.id], people["ppkl1"], DAY1)
    assert assign_officer(people["boss"], [coop.id], people["ppkl1"], DAY2) == 0
    db.session.commit()
    assert db.session.scalar(select(func.count(Assignment.id))) == 1


def test_the_database_refuses_two_current_officers_of_one_role(make_cooperative, people):
    from sqlalchemy.exc import IntegrityError

    coop = make_cooperative()
    for officer in (people["ppkl1"], people["ppkl2"]):
        db.session.add(
            Assignment(
                cooperative_id=coop.id,
                officer_id=officer.id,
                officer_role="ppkl",
                start_date=DAY1,
            )
        )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("who", ["boss", "inactive"])
def test_only_active_officers_can_be_assigned(make_cooperative, make_user, people, who):
    officer = people["boss"] if who == "boss" else make_user("gone", role="ppkl", active=False)
    with pytest.raises(AssignmentError):
        assign_officer(people["boss"], [make_cooperative().id], officer, DAY1)


def test_unassign_ends_the_role_only(make_cooperative, people):
    coop = make_cooperative()
    assign_officer(people["boss"], [coop.id], people["ppkl1"], DAY1)
    assign_officer(people["boss"], [coop.id], people["dak1"], DAY1)
    assert unassign_role(people["boss"], [coop.id], "ppkl", DAY2) == 1
    db.session.commit()
    assert [a.officer_role for a in current(coop.id)] == ["dak"]


def test_bulk_assign_by_filter_and_by_selection(
    client, auth, make_regency, make_cooperative, people
):
    bulungan = db.session.get(type(people["ppkl1"].regency), people["ppkl1"].regency_id)
    tarakan = make_regency("Tarakan")
    a = make_cooperative(regency=bulungan, district="Sekatak")
    b = make_cooperative(regency=bulungan, district="Sekatak")
    c = make_cooperative(regency=bulungan, district="Peso")
    d = make_cooperative(regency=tarakan, district="Tarakan Barat")
    auth.login(client, "boss")
    url = "/assignments/?district=Sekatak"
    response = post_form(client, url, {"officer": f"user:{people['ppkl1'].id}", "target": "filter"})
    assert response.status_code == 302
    db.session.expire_all()
    assigned = set(db.session.scalars(select(Assignment.cooperative_id)))
    assert assigned == {a.id, b.id}
    # By selection, and "unassigned" filter: only the ticked ones change.
    response = post_form(
        client,
        "/assignments/?unassigned=ppkl",
        {
            "officer": f"user:{people['ppkl2'].id}",
            "target": "selected",
            "cooperative_ids": [c.id],
            f"version-{c.id}": str(version_of(c.id)),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert {x.officer_id for x in current(c.id)} == {people["ppkl2"].id}
    assert current(d.id) == []
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "cooperatives.assigned").limit(1)
    )
    assert event.username == "boss" and event.detail["count"] == 2


def test_bulk_assign_with_nothing_ticked_says_so(client, auth, make_cooperative, people):
    make_cooperative()
    auth.login(client, "boss")
    response = post_form(
        client, "/assignments/", {"officer": f"user:{people['ppkl1'].id}", "target": "selected"}
    )
    assert response.status_code == 400
    assert "Pilih paling sedikit satu koperasi." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


def version_of(cooperative_id: int) -> int:
    return db.session.scalar(select(Cooperative.version).where(Cooperative.id == cooperative_id))


def test_assign_one_from_the_cooperative_page(client, auth, make_cooperative, people):
    coop = make_cooperative()
    auth.login(client, "boss")
    page = f"/cooperatives/{coop.id}"
    response = post_form(
        client,
        f"/assignments/cooperative/{coop.id}",
        {"officer": f"user:{people['dak1'].id}", "version": str(coop.version)},
        page=page,
    )
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "Dak01" in html


def test_officers_see_home_regency_until_assignments_exist_then_only_their_own(
    client, auth, make_cooperative, people
):
    mine = make_cooperative(name="KSP Milik Saya")
    other = make_cooperative(name="KSP Milik Teman")
    auth.login(client, "ppkl01")
    assert client.get(f"/cooperatives/{other.id}").status_code == 200  # before: home regency
    assign_officer(people["boss"], [mine.id], people["ppkl1"], DAY1)
    assign_officer(people["boss"], [other.id], people["ppkl2"], DAY1)
    db.session.commit()
    html = client.get("/cooperatives/").get_data(as_text=True)
    assert "KSP Milik Saya" in html and "KSP Milik Teman" not in html
    assert client.get(f"/cooperatives/{mine.id}").status_code == 200
    assert client.get(f"/cooperatives/{other.id}").status_code == 403
    # An officer without any cooperative sees none once assignments exist.
    auth.logout(client)
    auth.login(client, "dak01")
    assert client.get(f"/cooperatives/{mine.id}").status_code == 403


def test_covers_cooperative_follows_assignments_for_stage_moves(
    make_regency, make_cooperative, people
):
    from ppkl.permissions import can_move, covers_cooperative

    far = make_cooperative(regency=make_regency("Malinau"))  # not ppkl01's home regency
    near = make_cooperative()
    assign_officer(people["boss"], [far.id], people["ppkl1"], DAY1)
    db.session.commit()
    assert covers_cooperative(people["ppkl1"], far)
    assert can_move(people["ppkl1"], far, "rat_held")
    assert not covers_cooperative(people["ppkl1"], near)  # home regency, but not assigned
    assert not can_move(people["ppkl1"], near, "rat_held")
    assert not covers_cooperative(people["boss"], far)  # supervisors are not "responsible"


@pytest.mark.parametrize("officer", ["user", "none:ppkl"])
@pytest.mark.parametrize("unknown", [2_000_000_000, 99999999999999999999])
def test_bulk_assign_with_an_unknown_id_refuses_the_whole_request(
    client, auth, make_cooperative, people, officer, unknown
):
    real = make_cooperative()
    auth.login(client, "boss")
    choice = f"user:{people['ppkl1'].id}" if officer == "user" else officer
    response = post_form(
        client,
        "/assignments/",
        {"officer": choice, "target": "selected", "cooperative_ids": [str(real.id), str(unknown)]},
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Assignment.id))) == 0
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action.like("cooperatives.%"))
        )
        == 0
    )


def test_an_officer_id_beyond_the_database_range_is_a_field_error(
    client, auth, make_cooperative, people
):
    coop = make_cooperative()
    auth.login(client, "boss")
    response = post_form(
        client,
        "/assignments/",
        {"officer": "user:99999999999999999999", "target": "selected", "cooperative_ids": coop.id},
    )
    assert response.status_code == 400
