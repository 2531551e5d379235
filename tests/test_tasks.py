"""Tugas saya for officers; supervisors per officer, per regency and unassigned; counts."""

import re

import pytest

from ppkl.extensions import db
from tests.helpers import count_queries


@pytest.fixture
def world(make_user, make_regency, make_cooperative, assign):
    bulungan, tarakan = make_regency("Bulungan"), make_regency("Tarakan")
    one = make_user("ppkl01", role="ppkl", regency=bulungan)
    two = make_user("ppkl02", role="ppkl", regency=tarakan)
    make_user("boss", role="supervisor")
    a = make_cooperative(name="KSP Anggrek", regency=bulungan)
    b = make_cooperative(name="KSU Bakau", regency=tarakan)
    make_cooperative(name="KSU Cempaka", regency=tarakan)  # nobody's
    assign(a, one)
    assign(b, two)
    return {"one": one, "two": two, "tarakan": tarakan}


def shown(client, url):
    html = client.get(url).get_data(as_text=True)
    return {n for n in ("KSP Anggrek", "KSU Bakau", "KSU Cempaka") if f">{n}</a>" in html}


def test_officer_sees_own_tasks_only(client, auth, world):
    auth.login(client, "ppkl01")
    assert shown(client, "/tasks/") == {"KSP Anggrek"}
    # Supervisor parameters are ignored for officers.
    assert shown(client, f"/tasks/?officer={world['two'].id}") == {"KSP Anggrek"}


def test_supervisor_per_officer_regency_and_unassigned(client, auth, world):
    auth.login(client, "boss")
    assert shown(client, "/tasks/") == {"KSP Anggrek", "KSU Bakau", "KSU Cempaka"}
    assert shown(client, f"/tasks/?officer={world['two'].id}") == {"KSU Bakau"}
    assert shown(client, f"/tasks/?regency={world['tarakan'].id}") == {"KSU Bakau", "KSU Cempaka"}
    assert shown(client, "/tasks/?unassigned=1") == {"KSU Cempaka"}
    assert client.get("/tasks/?officer=999999").status_code == 404


def test_dashboard_counts_match_the_worklist(client, auth, world):
    auth.login(client, "ppkl01")
    dashboard = client.get("/dashboard").get_data(as_text=True)
    tasks = client.get("/tasks/").get_data(as_text=True)

    def count(html):
        return re.search(r'id="count-not_visited">(\d+)<', html).group(1)

    assert count(dashboard) == count(tasks) == "1"


def test_task_page_query_count_is_fixed(client, auth, world, make_cooperative, assign):
    auth.login(client, "ppkl01")

    def queries():
        with count_queries(db.engine) as statements:
            assert client.get("/tasks/").status_code == 200
        return len(statements)

    first = queries()
    for _ in range(30):
        assign(make_cooperative(), world["one"])
    assert queries() == first
