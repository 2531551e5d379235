"""A visit and its optional stage move are saved together or not at all."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ppkl.clock import office_today
from ppkl.extensions import db
from ppkl.models import Cooperative, CooperativeHistory, PendingPhoto, RatRecord, Visit, VisitPhoto
from tests.helpers import post_form


@pytest.fixture
def coop(make_user, make_cooperative, assign):
    officer = make_user("ppkl01", role="ppkl")
    coop = make_cooperative(name="KSP Maju Bersama", members=40)
    assign(coop, officer)
    return coop


def data(coop, **move):
    today = office_today()
    fields = {
        "cooperative_id": coop.id,
        "visited_on": today.isoformat(),
        "purposes": ["pendampingan_rat"],
        "follow_up_on": (today + timedelta(days=5)).isoformat(),
        "follow_up_action": "Ambil laporan RAT",
        "record_move": "y",
        "move-version": str(coop.version),
        "move-fiscal_year": str(today.year - 1),
        "move-held_on": today.isoformat(),
        "move-members_present": "30",
        "move-members_total": "40",
        "move-note": "RAT di balai desa",
    }
    fields.update(move)
    return fields


def counts(coop_id):
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count(Visit.id))),
        db.session.scalar(
            select(func.count(CooperativeHistory.id)).where(CooperativeHistory.kind == "move")
        ),
        db.session.get(Cooperative, coop_id).stage,
    )


def test_visit_and_move_are_saved_together(client, auth, coop):
    auth.login(client, "ppkl01")
    url = f"/visits/new?cooperative={coop.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'id="stage-move"' in page and "RAT terlaksana" in page
    response = post_form(client, url, data(coop))
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    assert counts(coop.id) == (1, 1, "rat_held")
    rat = db.session.scalar(select(RatRecord))
    assert (rat.fiscal_year, rat.members_present) == (office_today().year - 1, 30)


def test_the_visit_alone_when_the_move_is_not_ticked(client, auth, coop):
    auth.login(client, "ppkl01")
    url = f"/visits/new?cooperative={coop.id}"
    fields = data(coop, **{"move-members_present": "999"})
    del fields["record_move"]
    assert post_form(client, url, fields).status_code == 302
    assert counts(coop.id) == (1, 0, "not_started")


def test_bad_evidence_saves_neither(client, auth, coop):
    auth.login(client, "ppkl01")
    url = f"/visits/new?cooperative={coop.id}"
    response = post_form(client, url, data(coop, **{"move-members_present": "41"}))
    assert response.status_code == 400
    assert 'id="move-members_present-error"' in response.get_data(as_text=True)
    assert counts(coop.id) == (0, 0, "not_started")


def test_a_refused_move_after_the_visit_was_written_rolls_the_visit_back(
    client, auth, coop, tmp_path, app
):
    """The RAT date before the fiscal year ended passes the form but not the service."""
    import io

    from PIL import Image

    app.config["VISIT_PHOTO_DIR"] = str(tmp_path)
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    auth.login(client, "ppkl01")
    url = f"/visits/new?cooperative={coop.id}"
    fields = data(coop, **{"move-fiscal_year": str(office_today().year)})
    fields["photos"] = [(io.BytesIO(out.getvalue()), "a.jpg")]
    response = post_form(client, url, fields, content_type="multipart/form-data")
    assert response.status_code == 400
    assert counts(coop.id) == (0, 0, "not_started")
    # The photo is not the visit's (there is none) but is kept for the corrected form.
    assert db.session.scalar(select(func.count()).select_from(VisitPhoto)) == 0
    pending = db.session.scalars(select(PendingPhoto)).all()
    assert [p.stored_name for p in pending] == [p.name for p in tmp_path.iterdir()]
    assert f'name="pending" value="{pending[0].token}"' in response.get_data(as_text=True)


def test_a_stale_cooperative_saves_neither(client, auth, coop):
    auth.login(client, "ppkl01")
    url = f"/visits/new?cooperative={coop.id}"
    response = post_form(client, url, data(coop, **{"move-version": str(coop.version - 1)}))
    assert response.status_code == 409
    assert counts(coop.id) == (0, 0, "not_started")


def test_the_move_must_be_for_the_chosen_cooperative(client, auth, coop, make_cooperative, assign):
    from ppkl.models import User

    other = make_cooperative(name="KSP Lain")
    assign(other, db.session.scalar(select(User).where(User.username == "ppkl01")))
    auth.login(client, "ppkl01")
    url = f"/visits/new?cooperative={coop.id}"
    response = post_form(client, url, data(coop, cooperative_id=other.id))
    assert response.status_code == 400
    assert counts(coop.id) == (0, 0, "not_started")


@pytest.fixture
def ods_coop(app, tmp_path, make_user, make_cooperative, assign):
    app.config.update(CERTIFICATE_DIR=str(tmp_path / "certs"), CERTIFICATE_MAX_BYTES=300_000)
    officer = make_user("ppkl01", role="ppkl")
    coop = make_cooperative(name="KSP Siap Sertifikat", stage="ods_entered")
    assign(coop, officer)
    return coop


def certified_fields(coop, photo: bytes | None, nik: str, **extra) -> dict:
    import io

    today = office_today()
    fields = {
        "cooperative_id": coop.id,
        "visited_on": today.isoformat(),
        "purposes": ["verifikasi_data"],
        "record_move": "y",
        "move-version": str(coop.version),
        "move-to_stage": "certified",
        "move-nik": nik,
        "move-issued_on": (today - timedelta(days=1)).isoformat(),
        **extra,
    }
    if photo is not None:
        fields["move-certificate"] = (io.BytesIO(photo), "sertifikat.jpg")
    return fields


def certificate_rows():
    from ppkl.models import CertificateDocument

    db.session.expire_all()
    return db.session.scalars(select(CertificateDocument)).all()


def test_the_certificate_photo_is_the_moves_evidence_on_the_visit_form(
    client, auth, ods_coop, tmp_path
):
    from tests.certificate_images import NIK, certificate, qr_code

    auth.login(client, "ppkl01")
    url = f"/visits/new?cooperative={ods_coop.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="move-certificate"' in page and 'capture="environment"' in page
    assert 'id="read-code"' not in page  # the visit form's one button saves
    fields = certified_fields(ods_coop, certificate(qr_code(NIK)), NIK)
    response = post_form(client, url, fields, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert counts(ods_coop.id) == (1, 1, "certified")
    (document,) = certificate_rows()
    entry = db.session.scalar(select(CooperativeHistory))
    assert document.history_id == entry.id and document.nik_read == NIK
    kept = [p.name for p in (tmp_path / "certs").iterdir() if p.is_file()]
    assert kept == [document.stored_name]
    assert not list((tmp_path / "certs" / "pending").iterdir())


def test_a_typed_nik_unlike_the_codes_is_shown_beside_it_and_saved_only_when_confirmed(
    client, auth, ods_coop
):
    from tests.certificate_images import NIK, OTHER_NIK, certificate, code128
    from tests.test_certificate_upload import input_value

    auth.login(client, "ppkl01")
    url = f"/visits/new?cooperative={ods_coop.id}"
    fields = certified_fields(ods_coop, certificate(code128(NIK)), OTHER_NIK)
    response = post_form(client, url, fields, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="nik-side-by-side"' in html and OTHER_NIK in html
    assert counts(ods_coop.id) == (0, 0, "ods_entered") and not certificate_rows()
    # The field now holds the code's NIK and the file waits pending: saving confirms it.
    assert input_value(html, "move-nik") == NIK
    again = certified_fields(
        ods_coop,
        None,
        input_value(html, "move-nik"),
        **{
            "move-pending": input_value(html, "move-pending"),
            "move-code_nik": input_value(html, "move-code_nik"),
        },
    )
    response = post_form(client, url, again, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert counts(ods_coop.id) == (1, 1, "certified")
    assert certificate_rows()[0].nik_read == NIK


def test_a_bad_certificate_file_on_the_visit_form_saves_nothing(client, auth, ods_coop):
    from tests.certificate_images import NIK

    auth.login(client, "ppkl01")
    url = f"/visits/new?cooperative={ods_coop.id}"
    fields = certified_fields(ods_coop, b"\xff\xd8\xff broken", NIK)
    response = post_form(client, url, fields, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="move-certificate-error"' in html and "sertifikat.jpg" in html
    assert counts(ods_coop.id) == (0, 0, "ods_entered") and not certificate_rows()


def test_a_certified_move_on_the_visit_form_without_a_file_still_works(client, auth, ods_coop):
    from tests.certificate_images import NIK

    auth.login(client, "ppkl01")
    url = f"/visits/new?cooperative={ods_coop.id}"
    fields = certified_fields(ods_coop, None, NIK)
    response = post_form(client, url, fields, content_type="multipart/form-data")
    assert response.status_code == 302
    assert counts(ods_coop.id) == (1, 1, "certified") and not certificate_rows()
