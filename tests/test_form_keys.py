"""One-time form keys: the same creating form submitted twice saves once and shows what it saved."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ppkl.clock import office_today
from ppkl.extensions import db
from ppkl.models import AuditEvent, CooperativeHistory, RatRecord, Visit
from tests.helpers import FORM_KEY_RE, post_form

TODAY = office_today()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()


@pytest.fixture
def world(app, make_regency, make_user, make_cooperative, assign):
    home = make_regency("Bulungan")
    officer = make_user("ppkl01", role="ppkl", regency=home)
    colleague = make_user("ppkl02", role="ppkl", regency=home)
    make_user("boss", role="supervisor")
    coop = make_cooperative(regency=home, stage="rat_held", name="Koperasi Maju")
    theirs = make_cooperative(regency=home, name="Koperasi Teman")
    assign(coop, officer)
    assign(theirs, colleague)
    return {"home": home, "coop": coop, "theirs": theirs, "officer": officer}


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def twice(client, url: str, data: dict, page: str | None = None):
    """Submit the form as shown once, then again with the same key (back, then save)."""
    html = client.get(page or url).get_data(as_text=True)
    key = FORM_KEY_RE.search(html)
    assert key, f"no one-time key on {page or url}"
    data = {**data, "form_key": key.group(1)}
    first = post_form(client, url, data, page=page)
    second = post_form(client, url, data, page=page)
    return first, second


def visit_data(coop):
    return {
        "cooperative_id": coop.id,
        "visited_on": TODAY.isoformat(),
        "purposes": ["pembinaan"],
        "notes": "Buku kas diperiksa.",
    }


def test_a_visit_saved_twice_is_stored_once(client, auth, world):
    auth.login(client, "ppkl01")
    first, second = twice(client, "/visits/new", visit_data(world["coop"]))
    assert first.status_code == 302 and count(Visit) == 1
    visit_id = db.session.scalar(select(Visit.id))
    assert second.status_code == 302 and second.headers["Location"] == f"/visits/{visit_id}"
    html = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "sudah disimpan; tidak disimpan untuk kedua kalinya" in html
    assert count(AuditEvent, AuditEvent.action == "visit.logged") == 1


def test_a_refused_submit_does_not_spend_the_key(client, auth, world):
    auth.login(client, "ppkl01")
    html = client.get("/visits/new").get_data(as_text=True)
    data = {**visit_data(world["coop"]), "form_key": FORM_KEY_RE.search(html).group(1)}
    bad = post_form(client, "/visits/new", {**data, "purposes": []})
    assert (
        bad.status_code == 400
        and FORM_KEY_RE.search(bad.get_data(as_text=True)).group(1) == (data["form_key"])
    )
    assert post_form(client, "/visits/new", data).status_code == 302
    assert count(Visit) == 1


def test_a_key_is_its_users_only(app, client, auth, world):
    auth.login(client, "ppkl01")
    first, _ = twice(client, "/visits/new", visit_data(world["coop"]))
    key = FORM_KEY_RE.search(client.get("/visits/new").get_data(as_text=True)).group(1)
    assert post_form(client, "/visits/new", {**visit_data(world["coop"]), "form_key": key})
    other = app.test_client()
    auth.login(other, "ppkl02")
    # Someone else's spent key is no key of theirs: it neither replays nor blocks their form.
    response = post_form(other, "/visits/new", {**visit_data(world["theirs"]), "form_key": key})
    assert response.status_code == 302 and "/visits/?saved=" in response.headers["Location"]
    assert count(Visit) == 3


def test_a_move_saved_twice_moves_once(client, auth, world):
    coop = world["coop"]
    auth.login(client, "ppkl01")
    url = f"/certification/{coop.id}/move"
    data = {"to_stage": "report_received", "received_on": YESTERDAY, "version": str(coop.version)}
    first, second = twice(client, url, data)
    assert first.status_code == 302
    assert second.status_code == 302  # not a 409 "someone else changed it": it was this form
    assert second.headers["Location"] == first.headers["Location"]
    assert count(CooperativeHistory) == 1


def test_a_rat_record_saved_twice_is_recorded_once(client, auth, world):
    coop = world["coop"]
    auth.login(client, "ppkl01")
    data = {
        "fiscal_year": str(TODAY.year - 1),
        "held_on": YESTERDAY,
        "members_present": "20",
        "members_total": "30",
        "version": str(coop.version),
    }
    first, second = twice(client, f"/certification/{coop.id}/rat", data)
    assert first.status_code == 302 and second.status_code == 302
    assert count(RatRecord) == 1
    assert count(AuditEvent, AuditEvent.action.like("rat.%")) == 1  # no "rat.updated" echo


def test_a_bulk_move_saved_twice_moves_once(client, auth, world, make_cooperative):
    ready = [make_cooperative(regency=world["home"], stage="report_received") for _ in range(2)]
    auth.login(client, "boss")
    data = {
        "to": "ods_entered",
        "entered_on": YESTERDAY,
        "entered_by": "Operator",
        "cooperative": [str(c.id) for c in ready],
        **{f"version-{c.id}": str(c.version) for c in ready},
    }
    page = "/certification/bulk?to=ods_entered"
    first, second = twice(client, "/certification/bulk", data, page=page)
    assert first.status_code == 302
    assert second.status_code == 302  # not a refusal listing every cooperative as changed
    assert count(CooperativeHistory) == 2
