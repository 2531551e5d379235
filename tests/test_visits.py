"""Logging visits: validation, photos, the edit window, soft delete, audit."""

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from ppkl.clock import office_today, utcnow
from ppkl.extensions import db
from ppkl.models import AuditEvent, Visit, VisitPhoto
from tests.helpers import post_form


@pytest.fixture
def field(app, tmp_path, make_user, make_cooperative, assign):
    app.config.update(VISIT_PHOTO_DIR=str(tmp_path / "photos"), VISIT_PHOTO_MAX_BYTES=200_000)
    officer = make_user("ppkl01", role="ppkl")
    other = make_user("ppkl02", role="ppkl")
    make_user("boss", role="supervisor")
    coop = make_cooperative(name="KSP Tunas Harapan")
    theirs = make_cooperative(name="KSP Orang Lain")
    assign(coop, officer)
    assign(theirs, other)
    return {"officer": officer, "other": other, "coop": coop, "theirs": theirs, "dir": tmp_path}


def form_data(coop, **overrides):
    data = {
        "cooperative_id": coop.id,
        "visited_on": office_today().isoformat(),
        "purposes": ["pembinaan", "pendampingan_rat"],
        "people_met": "Ibu Siti (ketua)",
        "notes": "Buku kas diperiksa.",
        "outcome": "RAT dijadwalkan.",
        "follow_up_on": (office_today() + timedelta(days=3)).isoformat(),
        "follow_up_action": "Ambil undangan RAT",
    }
    data.update(overrides)
    return data


def photo_bytes(kind="JPEG", size=(64, 48), gps=True) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if gps:
        exif[0x8825] = {1: "S", 2: (2.0, 50.0, 0.0), 3: "E", 4: (117.0, 22.0, 0.0)}
    out = io.BytesIO()
    image.save(out, kind, exif=exif.tobytes())
    return out.getvalue()


def visits_count():
    db.session.expire_all()
    return db.session.scalar(select(func.count(Visit.id)))


def test_officer_logs_a_visit_with_a_follow_up(client, auth, field):
    auth.login(client, "ppkl01")
    page = client.get(f"/visits/new?cooperative={field['coop'].id}").get_data(as_text=True)
    assert f'value="{office_today().isoformat()}"' in page  # today prefilled
    response = post_form(client, "/visits/new", form_data(field["coop"]))
    assert response.status_code == 302
    visit = db.session.scalar(select(Visit))
    assert visit.purposes == ["pembinaan", "pendampingan_rat"]
    assert visit.follow_up_on == office_today() + timedelta(days=3)
    assert visit.officer_id == field["officer"].id
    listing = client.get("/visits/").get_data(as_text=True)
    assert "KSP Tunas Harapan" in listing and "Ambil undangan RAT" in listing
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "visit.logged"))


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        (
            {"visited_on": (office_today() + timedelta(days=1)).isoformat()},
            "visited_on",
            "Tanggal kunjungan tidak boleh di masa depan.",
        ),
        ({"purposes": []}, "purposes", "Pilih paling sedikit satu tujuan dari daftar."),
        ({"purposes": ["bogus"]}, "purposes", ""),  # WTForms' own "not a valid choice"
        (
            {"follow_up_on": (office_today() - timedelta(days=1)).isoformat()},
            "follow_up_on",
            "Tanggal tindak lanjut tidak boleh sebelum kunjungan.",
        ),
        ({"follow_up_on": ""}, "follow_up_on", "Isi tanggal untuk tindak lanjut."),
        (
            {"visited_on": "1999-12-31", "follow_up_on": "2000-01-05"},
            "visited_on",
            "Tanggal kunjungan tidak boleh sebelum tahun 2000.",
        ),
        (
            {"visited_on": "0001-01-01"},
            "visited_on",
            "Masukkan tanggal antara tahun 1900 dan 2100.",
        ),
        (
            {"follow_up_on": (office_today() + timedelta(days=367)).isoformat()},
            "follow_up_on",
            "Rencanakan tindak lanjut dalam satu tahun setelah kunjungan.",
        ),
        (
            {"follow_up_on": "9999-12-31"},
            "follow_up_on",
            "Masukkan tanggal antara tahun 1900 dan 2100.",
        ),
        ({"cooperative_id": 999999}, "cooperative_id", "Pilih salah satu koperasi binaan Anda."),
    ],
)
def test_bad_visits_are_refused_next_to_the_field(
    client, auth, field, overrides, field_id, message
):
    auth.login(client, "ppkl01")
    response = post_form(client, "/visits/new", form_data(field["coop"], **overrides))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field_id}-error">{message}' in html
    assert visits_count() == 0


def test_a_visit_to_another_officers_cooperative_is_forbidden(client, auth, field):
    auth.login(client, "ppkl01")
    response = post_form(client, "/visits/new", form_data(field["theirs"]), page="/visits/new")
    assert response.status_code == 403
    assert visits_count() == 0


def test_cooperative_search_is_server_side_and_scoped(client, auth, field, make_cooperative):
    auth.login(client, "ppkl01")
    found = client.get("/cooperatives/lookup/cooperatives?q=tunas").get_json()
    assert [c["label"] for c in found["items"]] == ["KSP Tunas Harapan"]
    assert client.get("/cooperatives/lookup/cooperatives?q=orang").get_json()["items"] == []
    # Without JavaScript: the same filter as a plain GET form.
    html = client.get("/visits/new?cooperative_id_q=tunas").get_data(as_text=True)
    assert "KSP Tunas Harapan" in html and "KSP Orang Lain" not in html


def test_photo_is_stored_stripped_and_served_to_those_who_may_see_it(client, auth, field):
    auth.login(client, "ppkl01")
    original = photo_bytes()
    assert b"Exif" in original
    data = form_data(field["coop"], photos=[(io.BytesIO(original), "IMG_0001.JPG")])
    response = post_form(client, "/visits/new", data, content_type="multipart/form-data")
    assert response.status_code == 302
    photo = db.session.scalar(select(VisitPhoto))
    stored = (field["dir"] / "photos" / photo.stored_name).read_bytes()
    assert photo.content_type == "image/jpeg" and photo.stored_name.endswith(".jpg")
    assert b"Exif" not in stored and b"PhoneMaker" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    served = client.get(f"/visits/photos/{photo.id}")
    assert served.status_code == 200 and served.data == stored
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["Cache-Control"] == "no-store"  # decided: photos are not kept offline
    served.close()
    auth.logout(client)
    auth.login(client, "ppkl02")
    assert client.get(f"/visits/photos/{photo.id}").status_code == 403


def test_png_photo_loses_its_metadata(client, auth, field):
    auth.login(client, "ppkl01")
    data = form_data(field["coop"], photos=[(io.BytesIO(photo_bytes("PNG")), "x.png")])
    assert (
        post_form(client, "/visits/new", data, content_type="multipart/form-data").status_code
        == 302
    )
    photo = db.session.scalar(select(VisitPhoto))
    stored = (field["dir"] / "photos" / photo.stored_name).read_bytes()
    assert photo.content_type == "image/png" and b"PhoneMaker" not in stored


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"GIF89a not really", "foto.jpg", "foto.jpg bukan foto JPEG atau PNG yang dapat dibaca."),
        (b"<?php echo 1; ?>", "shell.png", "shell.png bukan foto JPEG atau PNG yang dapat dibaca."),
        (None, "besar.jpg", "besar.jpg lebih besar dari"),
        ("gif", "anim.png", "anim.png bukan foto JPEG atau PNG."),
    ],
)
def test_fake_oversized_or_wrong_photos_are_refused(client, auth, field, content, name, message):
    if content is None:
        content = photo_bytes(size=(1200, 1200)) + b"\0" * 250_000
    elif content == "gif":
        out = io.BytesIO()
        Image.new("P", (8, 8)).save(out, "GIF")
        content = out.getvalue()
    auth.login(client, "ppkl01")
    data = form_data(field["coop"], photos=[(io.BytesIO(content), name)])
    response = post_form(client, "/visits/new", data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert visits_count() == 0
    photo_dir = field["dir"] / "photos"
    assert not photo_dir.exists() or list(photo_dir.iterdir()) == []


def test_edit_window_then_locked(client, auth, field, make_visit, app):
    visit = make_visit(field["coop"], field["officer"], office_today() - timedelta(days=6))
    auth.login(client, "ppkl01")
    url = f"/visits/{visit.id}/edit"
    data = form_data(field["coop"], visited_on=visit.visited_on.isoformat(), notes="Diubah")
    assert post_form(client, url, data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).notes == "Diubah"
    edited = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "visit.edited"))
    assert edited.detail["changed"]["notes"] == [None, "Diubah"]

    visit.created_at = utcnow() - timedelta(days=7, minutes=1)
    db.session.commit()
    assert client.get(url).status_code == 403
    token_page = f"/visits/{visit.id}"
    response = post_form(client, url, dict(data, notes="Terlambat"), page=token_page)
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).notes == "Diubah"
    app.config["VISIT_EDIT_DAYS"] = 8
    assert client.get(url).status_code == 200


def test_soft_delete_keeps_the_visit_for_supervisors(client, auth, field, make_visit):
    visit = make_visit(field["coop"], field["officer"], office_today(), notes="Salah catat")
    auth.login(client, "ppkl01")
    url = f"/visits/{visit.id}/remove"
    page = f"/visits/{visit.id}"
    response = post_form(client, url, {"reason": ""}, page=page)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).deleted_at is None
    assert post_form(client, url, {"reason": "Dobel"}, page=page).status_code == 302
    db.session.expire_all()
    removed = db.session.get(Visit, visit.id)
    assert removed.delete_reason == "Dobel" and removed.deleted_by_id == field["officer"].id
    assert client.get(page).status_code == 404
    assert "Salah catat" not in client.get("/visits/").get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "visit.removed"))
    auth.logout(client)
    auth.login(client, "boss")
    html = client.get(page).get_data(as_text=True)
    assert "Dobel" in html and 'id="removed-note"' in html
    assert f'id="visit-{visit.id}"' in client.get("/visits/?removed=1").get_data(as_text=True)
    assert f'id="visit-{visit.id}"' not in client.get("/visits/").get_data(as_text=True)


def test_officer_cannot_remove_after_the_window_but_a_supervisor_can(
    client, auth, field, make_visit
):
    old = utcnow() - timedelta(days=30)
    visit = make_visit(field["coop"], field["officer"], office_today(), created_at=old)
    auth.login(client, "ppkl01")
    page, url = f"/visits/{visit.id}", f"/visits/{visit.id}/remove"
    assert post_form(client, url, {"reason": "x"}, page=page).status_code == 403
    auth.logout(client)
    auth.login(client, "boss")
    assert post_form(client, url, {"reason": "Data uji"}, page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).deleted_at is not None
