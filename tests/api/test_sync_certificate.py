"""The moves queued on the phone (POST /api/v1/cooperatives/<id>/moves): every forward move, and
the move to certified with the certificate's photo, whose code the server reads and compares
with the NIK the officer typed on the phone. Stored once; a mismatch is never recorded."""

import io
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ppkl.clock import office_today
from ppkl.extensions import db
from ppkl.models import CertificateDocument, ClientMove, Cooperative, CooperativeHistory
from tests.api.conftest import session_csrf
from tests.certificate_images import NIK, OTHER_NIK, certificate, code128, qr_code

YESTERDAY = (office_today() - timedelta(days=1)).isoformat()


@pytest.fixture
def ods(app, field, make_cooperative, assign, tmp_path):
    app.config.update(CERTIFICATE_DIR=str(tmp_path / "certs"), CERTIFICATE_MAX_BYTES=300_000)
    coop = make_cooperative(name="KSP Sertifikat", stage="ods_entered")
    assign(coop, field["officer"])
    return coop


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def stored_files(tmp_path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "certs").glob("*") if p.is_file())


def certified_body(coop, photo: bytes | None = None, **fields) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "version": str(coop.version),
        "to_stage": "certified",
        "nik": NIK,
        "issued_on": YESTERDAY,
        **fields,
    }
    if photo is not None:
        body["certificate"] = (io.BytesIO(photo), "sertifikat.jpg")
    return body


def send(client, coop, body, headers):
    # A fresh stream for each send: a retried send carries the same bytes again.
    data = dict(body)
    if "certificate" in data and isinstance(data["certificate"], tuple):
        stream, name = data["certificate"]
        data["certificate"] = (io.BytesIO(stream.getvalue()), name)
    return client.post(
        f"/api/v1/cooperatives/{coop.id}/moves",
        data=data,
        headers=headers,
        content_type="multipart/form-data",
    )


def test_a_certified_move_with_a_matching_photo_is_recorded_once(
    client, ods, officer_token, tmp_path
):
    photo = certificate(qr_code(f"https://sertifikat.example.go.id/cek?nik={NIK}"))
    body = certified_body(ods, photo)
    first = send(client, ods, body, officer_token)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["cooperative"]["stage"] == "certified"
    assert first.get_json()["cooperative"]["nik"] == NIK
    # The answer was lost on the way: the phone sends the same item again.
    again = send(client, ods, body, officer_token)
    assert again.status_code == 200, again.get_json()
    assert again.get_json() == first.get_json()
    assert count(CooperativeHistory) == 1 and count(ClientMove) == 1
    document = db.session.scalar(select(CertificateDocument))
    entry = db.session.scalar(select(CooperativeHistory))
    assert document.history_id == entry.id and document.nik_read == NIK
    assert stored_files(tmp_path) == [document.stored_name]


def test_a_nik_that_differs_from_the_code_is_refused_and_nothing_is_recorded(
    client, ods, officer_token, tmp_path
):
    photo = certificate(code128(f"NIK:{NIK}"), rotate=-2)
    body = certified_body(ods, photo, nik=OTHER_NIK)
    response = send(client, ods, body, officer_token)
    assert response.status_code == 400
    data = response.get_json()
    assert data["code"] == "invalid" and data["code_nik"] == NIK
    assert NIK in data["errors"]["nik"][0]
    assert count(CooperativeHistory) == 0 and count(CertificateDocument) == 0
    assert stored_files(tmp_path) == []
    db.session.expire_all()
    assert db.session.get(Cooperative, ods.id).nik is None
    # Sent again unchanged (a retry, not a decision): refused again.
    assert send(client, ods, body, officer_token).status_code == 400
    # Corrected on the phone, with the same move id: recorded.
    fixed = send(client, ods, dict(body, nik=NIK), officer_token)
    assert fixed.status_code == 201, fixed.get_json()
    assert count(CooperativeHistory) == 1 and count(CertificateDocument) == 1


def test_the_officer_may_keep_their_nik_after_seeing_the_codes(client, ods, officer_token):
    photo = certificate(qr_code(NIK))
    body = certified_body(ods, photo, nik=OTHER_NIK, code_nik=NIK)
    response = send(client, ods, body, officer_token)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["cooperative"]["nik"] == OTHER_NIK
    assert db.session.scalar(select(CertificateDocument)).nik_read == NIK


def test_a_photo_without_a_code_keeps_the_typed_nik(client, ods, officer_token):
    body = certified_body(ods, certificate())
    assert send(client, ods, body, officer_token).status_code == 201
    assert db.session.scalar(select(CertificateDocument)).nik_read is None


@pytest.mark.parametrize(
    ("payload", "name", "expected"),
    [
        (b"\xff\xd8\xff\xe0 broken", "rusak.jpg", "rusak.jpg"),
        (b"GIF89a" + b"\0" * 40, "foto.gif", "foto.gif"),
        (b"%PDF-1.4 cut off", "scan.pdf", "scan.pdf"),
        (b"\xff\xd8" + b"\0" * 400_000, "besar.jpg", "besar.jpg terlalu besar"),
    ],
)
def test_a_bad_file_gets_a_clear_message(
    client, ods, officer_token, tmp_path, payload, name, expected
):
    body = certified_body(ods)
    body["certificate"] = (io.BytesIO(payload), name)
    response = send(client, ods, body, officer_token)
    assert response.status_code == 400
    message = response.get_json()["errors"]["certificate"][0]
    assert expected in message
    assert count(CooperativeHistory) == 0 and stored_files(tmp_path) == []


def test_a_nik_held_by_another_cooperative_names_it_to_those_who_see_it(
    client, field, ods, officer_token, make_cooperative, assign, make_token
):
    mine = make_cooperative(name="KSP Milik Sendiri", stage="certified", nik=NIK)
    assign(mine, field["officer"])
    theirs = make_cooperative(name="KSP Rahasia", stage="certified", nik=OTHER_NIK)
    assign(theirs, field["other"])
    response = send(client, ods, certified_body(ods, nik=NIK), officer_token)
    assert response.status_code == 400
    assert "KSP Milik Sendiri" in response.get_json()["errors"]["nik"][0]
    response = send(client, ods, certified_body(ods, nik=OTHER_NIK), officer_token)
    assert response.status_code == 400
    message = response.get_json()["errors"]["nik"][0]
    assert "KSP Rahasia" not in message and message
    assert count(CooperativeHistory) == 0


def test_every_field_move_goes_through_the_same_endpoint(client, field, officer_token):
    coop = field["coop"]
    today = office_today()
    steps = [
        {
            "to_stage": "rat_held",
            "fiscal_year": str(today.year - 1),
            "held_on": (today - timedelta(days=3)).isoformat(),
            "members_present": "20",
            "members_total": "30",
        },
        {"to_stage": "report_received", "received_on": (today - timedelta(days=2)).isoformat()},
        {"to_stage": "ods_entered", "entered_on": YESTERDAY, "entered_by": "Petugas"},
    ]
    for step in steps:
        db.session.expire_all()
        version = db.session.get(Cooperative, coop.id).version
        body = {"id": str(uuid.uuid4()), "version": str(version), **step}
        response = send(client, coop, body, officer_token)
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["cooperative"]["stage"] == step["to_stage"]
    assert count(CooperativeHistory) == 3


def test_missing_evidence_is_named_field_by_field(client, field, officer_token):
    coop = field["coop"]
    body = {"id": str(uuid.uuid4()), "version": str(coop.version), "to_stage": "rat_held"}
    response = send(client, coop, body, officer_token)
    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {
        "fiscal_year",
        "held_on",
        "members_present",
        "members_total",
    }


def test_the_phone_sends_with_its_session_and_csrf_token(client, auth, ods):
    auth.login(client, "ppkl01")
    headers = {"X-CSRFToken": session_csrf(client)}
    body = certified_body(ods, certificate(qr_code(NIK)))
    assert send(client, ods, body, {}).status_code == 400  # no CSRF token
    assert send(client, ods, body, headers).status_code == 201


def test_the_phone_may_ask_whether_a_move_arrived(client, field, ods, officer_token, make_token):
    body = certified_body(ods, certificate(qr_code(NIK)))
    assert client.get(f"/api/v1/moves/{body['id']}", headers=officer_token).status_code == 404
    assert send(client, ods, body, officer_token).status_code == 201
    answer = client.get(f"/api/v1/moves/{body['id']}", headers=officer_token)
    assert answer.status_code == 200
    assert answer.get_json()["cooperative"]["nik"] == NIK
    # Another user is not told about it.
    other = {"Authorization": f"Bearer {make_token(field['boss'])}"}
    assert client.get(f"/api/v1/moves/{body['id']}", headers=other).status_code == 404


def test_another_officers_cooperative_is_forbidden(client, field, officer_token):
    theirs = field["theirs"]
    body = {
        "id": str(uuid.uuid4()),
        "version": str(theirs.version),
        "to_stage": "rat_held",
        "fiscal_year": str(office_today().year - 1),
        "held_on": YESTERDAY,
        "members_present": "10",
        "members_total": "20",
    }
    response = send(client, theirs, body, officer_token)
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"
    assert count(CooperativeHistory) == 0


def test_the_phone_asks_the_server_to_read_the_code_and_nothing_is_stored(
    client, field, ods, officer_token, tmp_path
):
    url = f"/api/v1/cooperatives/{ods.id}/certificate-reading"

    def read(payload, name="sertifikat.jpg", coop_url=url):
        return client.post(
            coop_url,
            data={"certificate": (io.BytesIO(payload), name)},
            headers=officer_token,
            content_type="multipart/form-data",
        )

    answer = read(certificate(qr_code(f"https://nik.example.go.id/cek?nik={NIK}")))
    assert answer.status_code == 200
    assert answer.get_json() == {
        "status": "found",
        "nik": NIK,
        "message": f"NIK dibaca dari kode: {NIK}",
    }
    answer = read(certificate()).get_json()
    assert (answer["status"], answer["nik"]) == ("no_code", None) and answer["message"]
    assert read(b"\xff\xd8 broken", "rusak.jpg").get_json()["errors"]["certificate"]
    theirs = f"/api/v1/cooperatives/{field['theirs'].id}/certificate-reading"
    assert read(certificate(qr_code(NIK)), coop_url=theirs).status_code == 403
    assert count(CertificateDocument) == 0 and count(CooperativeHistory) == 0
    assert stored_files(tmp_path) == [] and not (tmp_path / "certs" / "pending").exists()
