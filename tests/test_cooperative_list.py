"""The cooperatives list: new filters, sorting, flags, pagination, fixed query count."""

from datetime import timedelta

import pytest

from ppkl.clock import office_today
from ppkl.extensions import db
from ppkl.models import Assignment, Visit
from tests.helpers import count_queries


@pytest.fixture
def setup(make_user, make_regency, make_cooperative, assign, make_visit):
    boss = make_user("boss", role="supervisor")
    officer = make_user("ppkl01", role="ppkl")
    dak = make_user("dak01", role="dak")
    tarakan = make_regency("Tarakan")
    a = make_cooperative(name="KSP Anggrek", district="Sekatak", stage="rat_held")
    b = make_cooperative(name="KSU Bakau", district="Peso")
    c = make_cooperative(name="KSU Cempaka", regency=tarakan, district="Tarakan Barat")
    assign(a, officer)
    assign(b, officer)
    assign(a, dak)
    today = office_today()
    make_visit(a, officer, today - timedelta(days=5), follow_up_on=today - timedelta(days=1))
    make_visit(b, officer, today - timedelta(days=2))
    return {"boss": boss, "a": a, "b": b, "c": c, "officer": officer}


def names(client, query=""):
    html = client.get(f"/cooperatives/?{query}").get_data(as_text=True)
    found = [n for n in ("KSP Anggrek", "KSU Bakau", "KSU Cempaka") if n in html]
    return sorted(found, key=html.index)


def test_filters_and_sorting(client, auth, setup):
    auth.login(client, "boss")
    assert names(client, "district=Sekatak") == ["KSP Anggrek"]
    assert names(client, f"officer={setup['officer'].id}") == ["KSP Anggrek", "KSU Bakau"]
    assert names(client, "unassigned=ppkl") == ["KSU Cempaka"]
    assert names(client, "unassigned=dak") == ["KSU Bakau", "KSU Cempaka"]
    assert names(client, "flag=follow_up_overdue") == ["KSP Anggrek"]
    assert names(client, "flag=not_visited") == ["KSU Cempaka"]
    assert names(client, "sort=name&dir=desc") == ["KSU Cempaka", "KSU Bakau", "KSP Anggrek"]
    assert names(client, "sort=stage&dir=desc")[0] == "KSP Anggrek"
    assert names(client, "sort=last_visit&dir=desc") == ["KSU Bakau", "KSP Anggrek", "KSU Cempaka"]
    assert names(client, "sort=bogus&flag=bogus") == ["KSP Anggrek", "KSU Bakau", "KSU Cempaka"]
    html = client.get("/cooperatives/?district=Sekatak").get_data(as_text=True)
    assert "Tindak lanjut terlambat" in html and "Ppkl01" in html and "Dak01" in html


def test_pagination(app, client, auth, setup):
    app.config["PER_PAGE"] = 2
    auth.login(client, "boss")
    assert names(client) == ["KSP Anggrek", "KSU Bakau"]
    assert names(client, "page=2") == ["KSU Cempaka"]
    html = client.get("/cooperatives/?page=2").get_data(as_text=True)
    assert 'rel="prev"' in html and 'rel="next"' not in html


@pytest.mark.parametrize("username", ["boss", "ppkl01"])
def test_query_count_is_the_same_for_10_and_500(client, auth, setup, make_cooperative, username):
    auth.login(client, username)
    officer = setup["officer"]

    def add(n):
        coops = [make_cooperative() for _ in range(n)]
        db.session.add_all(
            Assignment(
                cooperative_id=c.id,
                officer_id=officer.id,
                officer_role="ppkl",
                start_date=office_today(),
            )
            for c in coops
        )
        db.session.add_all(
            Visit(
                cooperative_id=c.id,
                officer_id=officer.id,
                visited_on=office_today(),
                purposes=["pembinaan"],
            )
            for c in coops
        )
        db.session.commit()

    def count(query):
        with count_queries(db.engine) as statements:
            assert client.get(f"/cooperatives/?{query}").status_code == 200
        return len(statements)

    add(7)  # 10 cooperatives
    queries = ["", "flag=not_visited&sort=last_visit", "officer=1&unassigned=dak&q=kop"]
    small = [count(q) for q in queries]
    add(490)  # 500 cooperatives
    assert [count(q) for q in queries] == small
    assert max(small) <= 6
