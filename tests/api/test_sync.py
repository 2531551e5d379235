"""Exactly once: visits, photos and the RAT-held move answer 201, then 200, or 409."""

import uuid

from sqlalchemy import func, select

from ppkl.extensions import db
from ppkl.models import CooperativeHistory, RatRecord, Visit, VisitPhoto
from tests.api.conftest import jpeg_bytes, location, visit_body


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_visit_is_stored_once_and_a_resend_answers_the_same(client, field, officer_token):
    body = visit_body(field["coop"], location=location())
    first = client.post("/api/v1/visits", json=body, headers=officer_token)
    assert first.status_code == 201, first.get_json()
    again = client.post("/api/v1/visits", json=body, headers=officer_token)
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert count(Visit) == 1
    stored = db.session.scalar(select(Visit))
    assert stored.client_uuid == body["id"]
    assert stored.officer_id == field["officer"].id
    assert round(stored.latitude, 4) == 3.5925 and stored.accuracy_m == 12.0
    assert first.get_json()["id"] == body["id"]
    assert first.get_json()["location_flag"] is None


def test_the_same_id_with_other_content_is_a_conflict(client, field, officer_token):
    body = visit_body(field["coop"])
    client.post("/api/v1/visits", json=body, headers=officer_token)
    changed = dict(body, notes="Lain sama sekali.")
    response = client.post("/api/v1/visits", json=changed, headers=officer_token)
    assert response.status_code == 409
    data = response.get_json()
    assert data["code"] == "conflict"
    assert data["current"]["notes"] == "Buku kas rapi."
    assert data["message"]
    assert count(Visit) == 1


def test_a_visit_follows_the_forms_rules(client, field, officer_token):
    body = visit_body(field["coop"], visited_on="2999-01-01")
    response = client.post("/api/v1/visits", json=body, headers=officer_token)
    assert response.status_code == 400
    data = response.get_json()
    assert data["code"] == "invalid"
    assert data["errors"]["visited_on"] == ["Tanggal kunjungan tidak boleh di masa depan."]
    assert count(Visit) == 0


def test_another_officers_cooperative_is_forbidden(client, field, officer_token):
    response = client.post(
        "/api/v1/visits", json=visit_body(field["theirs"]), headers=officer_token
    )
    assert response.status_code == 403
    assert response.get_json()["code"] == "forbidden"
    assert count(Visit) == 0


def test_a_resend_after_reassignment_still_answers_the_stored_visit(
    client, field, officer_token, assign
):
    from datetime import date

    from ppkl.models import Assignment

    body = visit_body(field["coop"])
    assert client.post("/api/v1/visits", json=body, headers=officer_token).status_code == 201
    current = db.session.scalar(
        select(Assignment).where(Assignment.cooperative_id == field["coop"].id)
    )
    current.end_date = date(2020, 1, 1)
    db.session.commit()
    assign(field["coop"], field["other"], start=date(2020, 1, 2))
    assert client.post("/api/v1/visits", json=body, headers=officer_token).status_code == 200
    fresh = visit_body(field["coop"])
    assert client.post("/api/v1/visits", json=fresh, headers=officer_token).status_code == 403


def send_photo(client, visit_id, photo_id, headers, data=None):
    return client.post(
        f"/api/v1/visits/{visit_id}/photos",
        data={"id": photo_id, "file": (__import__("io").BytesIO(data or jpeg_bytes()), "a.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_photos_go_up_one_by_one_exactly_once(client, field, officer_token):
    body = visit_body(field["coop"])
    client.post("/api/v1/visits", json=body, headers=officer_token)
    photo_ids = [str(uuid.uuid4()) for _ in range(3)]
    # The upload broke after two photos: the phone sends all three again.
    for photo_id in photo_ids[:2]:
        assert send_photo(client, body["id"], photo_id, officer_token).status_code == 201
    answers = [send_photo(client, body["id"], p, officer_token) for p in photo_ids]
    assert [a.status_code for a in answers] == [200, 200, 201]
    assert count(VisitPhoto) == 3
    assert {a.get_json()["id"] for a in answers} == set(photo_ids)
    visit = client.post("/api/v1/visits", json=body, headers=officer_token).get_json()
    assert {p["id"] for p in visit["photos"]} == set(photo_ids)
    stored = list((field["dir"] / "photos").iterdir())
    assert len(stored) == 3


def test_photo_refusals(client, field, officer_token, make_token):
    body = visit_body(field["coop"])
    client.post("/api/v1/visits", json=body, headers=officer_token)
    unknown = send_photo(client, str(uuid.uuid4()), str(uuid.uuid4()), officer_token)
    assert unknown.status_code == 404 and unknown.get_json()["code"] == "not_found"
    other = {"Authorization": f"Bearer {make_token(field['other'])}"}
    assert send_photo(client, body["id"], str(uuid.uuid4()), other).status_code == 404
    bad = send_photo(client, body["id"], str(uuid.uuid4()), officer_token, data=b"GIF89a no")
    assert bad.status_code == 400
    assert "file" in bad.get_json()["errors"]
    assert count(VisitPhoto) == 0
    assert not (field["dir"] / "photos").exists() or not any((field["dir"] / "photos").iterdir())


def rat_body(coop, **overrides):
    body = {
        "id": str(uuid.uuid4()),
        "version": coop.version,
        "fiscal_year": 2025,
        "held_on": "2026-03-14",
        "members_present": 20,
        "members_total": 30,
    }
    body.update(overrides)
    return body


def test_the_rat_move_is_made_once(client, field, officer_token):
    coop = field["coop"]
    body = rat_body(coop)
    url = f"/api/v1/cooperatives/{coop.id}/rat-held"
    first = client.post(url, json=body, headers=officer_token)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["cooperative"]["stage"] == "rat_held"
    again = client.post(url, json=body, headers=officer_token)
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert count(CooperativeHistory) == 1 and count(RatRecord) == 1


def test_a_stale_version_is_refused_with_the_current_state(client, field, officer_token):
    from ppkl.clock import office_today
    from ppkl.models import Cooperative
    from ppkl.workflow import Stage

    coop = field["coop"]
    body = rat_body(coop)
    # A supervisor corrected the cooperative meanwhile (its version moved on).
    row = db.session.get(Cooperative, coop.id)
    row.district = "Peso"
    db.session.commit()
    response = client.post(
        f"/api/v1/cooperatives/{coop.id}/rat-held", json=body, headers=officer_token
    )
    assert response.status_code == 409
    data = response.get_json()
    assert data["code"] == "stale"
    assert data["current"]["version"] == body["version"] + 1
    assert data["current"]["stage"] == Stage.NOT_STARTED
    assert count(CooperativeHistory) == 0 and office_today()


def test_the_same_move_id_with_other_evidence_is_a_conflict(client, field, officer_token):
    coop = field["coop"]
    body = rat_body(coop)
    url = f"/api/v1/cooperatives/{coop.id}/rat-held"
    client.post(url, json=body, headers=officer_token)
    response = client.post(url, json=dict(body, members_present=21), headers=officer_token)
    assert response.status_code == 409
    assert response.get_json()["code"] == "conflict"


def test_the_move_keeps_the_workflows_rules(client, field, officer_token):
    coop = field["coop"]
    url = f"/api/v1/cooperatives/{coop.id}/rat-held"
    response = client.post(
        url, json=rat_body(coop, members_present=40, members_total=30), headers=officer_token
    )
    assert response.status_code == 400
    assert response.get_json()["code"] == "invalid"
    assert response.get_json()["errors"]
    theirs = field["theirs"]
    response = client.post(
        f"/api/v1/cooperatives/{theirs.id}/rat-held", json=rat_body(theirs), headers=officer_token
    )
    assert response.status_code == 403
    assert count(CooperativeHistory) == 0


def test_a_racing_resend_finds_what_the_first_send_stored(
    client, field, officer_token, monkeypatch
):
    from ppkl.api import sync

    body = visit_body(field["coop"])
    assert client.post("/api/v1/visits", json=body, headers=officer_token).status_code == 201
    # The second send looked before the first committed: its insert hits the unique id.
    real, calls = sync.find_visit, []

    def late(client_uuid):
        calls.append(client_uuid)
        return None if len(calls) == 1 else real(client_uuid)

    monkeypatch.setattr(sync, "find_visit", late)
    response = client.post("/api/v1/visits", json=body, headers=officer_token)
    assert response.status_code == 200
    assert len(calls) == 2 and count(Visit) == 1
