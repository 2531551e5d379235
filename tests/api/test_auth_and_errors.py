"""Who may call the API, how (session with CSRF header, or a token), and that every answer,
even to junk, is JSON with a stable code."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ppkl.clock import utcnow
from ppkl.extensions import db
from ppkl.models import ApiToken, AuditEvent, Visit
from tests.api.conftest import bearer, session_csrf, visit_body


def test_me_with_a_token_and_without(client, field, officer_token):
    response = client.get("/api/v1/me", headers=officer_token)
    assert response.status_code == 200
    assert response.get_json() == {
        "id": field["officer"].id,
        "username": "ppkl01",
        "name": "Ppkl01",
        "role": "ppkl",
        "csrf_token": None,
    }
    assert "Set-Cookie" not in response.headers  # a token makes no session
    signed_out = client.get("/api/v1/me")
    assert signed_out.status_code == 401
    assert signed_out.get_json()["code"] == "unauthenticated"
    assert signed_out.content_type == "application/json"


@pytest.mark.parametrize(
    "changes",
    [
        {"expires_at": utcnow() - timedelta(seconds=1)},
        {"revoked_at": utcnow()},
    ],
    ids=["expired", "revoked"],
)
def test_expired_and_revoked_tokens_are_refused(client, field, make_token, changes):
    secret = make_token(field["officer"], **changes)
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 401
    assert response.get_json()["code"] == "invalid_token"


def test_unknown_or_malformed_tokens_are_refused(client, field):
    for header in ("Bearer ppkl_not-a-token", "Basic abc", "Bearer", "Token x"):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.get_json()["code"] == "invalid_token"


def test_a_deactivated_users_token_stops_working(client, field, make_token):
    secret = make_token(field["officer"])
    field["officer"].active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_a_read_token_cannot_write(client, field, make_token):
    headers = bearer(make_token(field["officer"], scope="read"))
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    response = client.post("/api/v1/visits", json=visit_body(field["coop"]), headers=headers)
    assert response.status_code == 403
    assert response.get_json()["code"] == "insufficient_scope"
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 0


def test_a_token_only_opens_the_api(client, field, officer_token):
    response = client.get("/tasks/", headers=officer_token)
    assert response.status_code == 302  # to the sign-in page: pages need a session


def test_a_token_is_stored_hashed_and_its_writes_recorded(client, field, make_token):
    secret = make_token(field["officer"])
    token = db.session.scalar(select(ApiToken))
    assert secret not in (token.token_hash, token.prefix) and len(token.token_hash) == 64
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken)).last_used_at is None  # a read never writes
    sent = client.post("/api/v1/visits", json=visit_body(field["coop"]), headers=bearer(secret))
    assert sent.status_code == 201
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken)).last_used_at is not None
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "api_token.created" in actions


def test_session_writes_need_the_csrf_header(client, auth, field):
    auth.login(client, "ppkl01")
    body = visit_body(field["coop"])
    refused = client.post("/api/v1/visits", json=body)
    assert refused.status_code == 400
    assert refused.get_json()["code"] == "csrf_failed"
    token = session_csrf(client)
    accepted = client.post("/api/v1/visits", json=body, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201
    fresh = client.get("/api/v1/me").get_json()["csrf_token"]
    again = visit_body(field["coop"])
    assert (
        client.post("/api/v1/visits", json=again, headers={"X-CSRFToken": fresh}).status_code == 201
    )


def test_officers_see_only_their_own_visits(client, field, officer_token, make_token):
    client.post("/api/v1/visits", json=visit_body(field["coop"]), headers=officer_token)
    other = bearer(make_token(field["other"]))
    mine = client.get("/api/v1/visits", headers=officer_token).get_json()
    assert mine["total"] == 1 and mine["items"][0]["officer_id"] == field["officer"].id
    assert client.get("/api/v1/visits", headers=other).get_json()["total"] == 0
    asked = client.get(f"/api/v1/visits?officer={field['officer'].id}", headers=other)
    assert asked.status_code == 403
    boss = bearer(make_token(field["boss"]))
    seen = client.get(f"/api/v1/visits?officer={field['officer'].id}", headers=boss)
    assert seen.get_json()["total"] == 1


def test_cooperatives_are_scoped_and_filtered_as_on_the_list_page(
    client, field, officer_token, make_token
):
    mine = client.get("/api/v1/cooperatives", headers=officer_token).get_json()
    assert [c["name"] for c in mine["items"]] == ["KSP Tunas Harapan"]
    boss = bearer(make_token(field["boss"]))
    everything = client.get("/api/v1/cooperatives?q=lain", headers=boss).get_json()
    assert [c["name"] for c in everything["items"]] == ["KSP Orang Lain"]
    staged = client.get("/api/v1/cooperatives?stage=certified", headers=boss).get_json()
    assert staged["total"] == 0


def test_list_totals_are_capped_and_more_says_whether_to_go_on(
    app, client, field, make_cooperative, make_token
):
    boss = bearer(make_token(field["boss"]))
    for number in range(3):
        make_cooperative(name=f"KSP Tambahan {number}")
    app.config.update(LIST_COUNT_CAP=2, PER_PAGE=2)
    first = client.get("/api/v1/cooperatives", headers=boss).get_json()
    assert (first["total"], first["total_exact"], first["more"]) == (2, False, True)
    assert len(first["items"]) == 2
    last = client.get("/api/v1/cooperatives?page=3", headers=boss).get_json()
    assert len(last["items"]) == 1 and last["more"] is False
    past = client.get("/api/v1/cooperatives?page=9", headers=boss).get_json()
    assert past["items"] == [] and past["more"] is False  # the API does not jump back
    app.config.update(LIST_COUNT_CAP=10_000)
    whole = client.get("/api/v1/cooperatives", headers=boss).get_json()
    assert (whole["total"], whole["total_exact"], whole["pages"]) == (5, True, 3)


def test_recap_today_and_as_of(client, field, officer_token):
    today = client.get("/api/v1/recap", headers=officer_token).get_json()
    assert today["total"]["active"] == 2
    past = client.get("/api/v1/recap?as_of=2001-01-01", headers=officer_token).get_json()
    assert past["total"]["active"] == 0
    future = client.get("/api/v1/recap?as_of=2999-01-01", headers=officer_token)
    assert future.status_code == 400 and future.get_json()["errors"]["as_of"]


@pytest.mark.parametrize(
    "data, content_type",
    [
        (b"{not json", "application/json"),
        (b"[]", "application/json"),
        (b'{"id": 5, "cooperative_id": "x", "purposes": "pembinaan"}', "application/json"),
        (b'{"id": "' + b"a" * 5000 + b'"}', "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"id=1", "application/x-www-form-urlencoded"),
        (b'{"location": {"latitude": "NaN"}}', "application/json"),
    ],
)
def test_junk_gets_a_json_400_never_a_500(client, field, officer_token, data, content_type):
    response = client.post(
        "/api/v1/visits", data=data, content_type=content_type, headers=officer_token
    )
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["code"] in ("invalid", "bad_request")
    assert response.get_json()["message"]


def test_unknown_paths_and_methods_answer_json(client, field, officer_token):
    missing = client.get("/api/v1/nothing-here", headers=officer_token)
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"
    wrong = client.delete("/api/v1/visits", headers=officer_token)
    assert wrong.status_code == 405 and wrong.get_json()["code"] == "method_not_allowed"


def test_messages_are_translated(client, field, officer_token):
    response = client.post("/api/v1/visits", json={}, headers=officer_token)
    data = response.get_json()
    assert data["errors"]["cooperative_id"] == ["Kolom ini wajib diisi."]
    assert data["message"] == "Beberapa nilai tidak valid."


def test_an_expired_session_gets_a_json_401(app, client, auth, field):
    auth.login(client, "ppkl01")
    with client.session_transaction() as session:
        session["_seen"] -= int(app.config["SESSION_IDLE_TIMEOUT"].total_seconds()) + 5
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["code"] == "unauthenticated"
