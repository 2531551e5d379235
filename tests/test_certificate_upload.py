"""The certificate's photo or scan on the certificate move and the RAT ledger: checked, its
code read for the user to confirm, kept as the move's evidence, shown and served."""

import io
import re
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from ppkl.clock import office_today
from ppkl.extensions import db
from ppkl.models import CertificateDocument, Cooperative, CooperativeHistory
from tests.certificate_images import NIK, OTHER_NIK, certificate, minimal_pdf, qr_code
from tests.helpers import csrf_token_from

YESTERDAY = (office_today() - timedelta(days=1)).isoformat()


@pytest.fixture
def world(app, tmp_path, make_regency, make_user, make_cooperative):
    app.config.update(CERTIFICATE_DIR=str(tmp_path / "certs"), CERTIFICATE_MAX_BYTES=300_000)
    home = make_regency("Bulungan")
    other = make_regency("Tarakan")
    make_user("ppkl01", role="ppkl", regency=home)
    make_user("ppkl02", role="ppkl", regency=other)
    make_user("boss", role="supervisor")
    return {
        "coop": make_cooperative(regency=home, stage="ods_entered", name="Koperasi Maju"),
        "home": home,
        "other": other,
        "dir": tmp_path / "certs",
    }


def post(client, coop, files=None, **fields):
    url = f"/certification/{coop.id}/move"
    data = {
        "csrf_token": csrf_token_from(client, url),
        "to_stage": "certified",
        "version": str(coop.version),
        "issued_on": YESTERDAY,
        "nik": "",
        **fields,
    }
    if files is not None:
        data["certificate"] = files
    return client.post(url, data=data, content_type="multipart/form-data")


def input_value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    value = re.search(r'value="([^"]*)"', tag.group()) if tag else None
    return value.group(1) if value else ""


hidden = field_value = input_value


def documents() -> list[CertificateDocument]:
    db.session.expire_all()
    return db.session.scalars(select(CertificateDocument)).all()


def stored_files(world) -> list[str]:
    return sorted(p.name for p in world["dir"].glob("*") if p.is_file())


def stage(coop) -> str:
    db.session.expire_all()
    return db.session.get(Cooperative, coop.id).stage


def test_the_phone_form_offers_the_camera(client, auth, world):
    auth.login(client, "ppkl01")
    html = client.get(f"/certification/{world['coop'].id}/move").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/*,application/pdf"' in html and 'capture="environment"' in html
    assert 'name="action" value="read"' in html and "Baca kode" in html


def test_read_the_code_then_confirm_keeps_the_photo_as_the_evidence(client, auth, world):
    coop = world["coop"]
    auth.login(client, "ppkl01")
    photo = certificate(qr_code(f"https://sertifikat.example.go.id/cek?nik={NIK}"))
    response = post(client, coop, (io.BytesIO(photo), "IMG_2001.jpg"), action="read")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"NIK dibaca dari kode: {NIK}" in html
    assert field_value(html, "nik") == NIK  # prefilled for the user to confirm
    token = hidden(html, "pending")
    assert token and stage(coop) == "ods_entered" and documents() == []  # nothing recorded

    response = post(client, coop, nik=NIK, pending=token, code_nik=hidden(html, "code_nik"))
    assert response.status_code == 302
    assert stage(coop) == "certified"
    [document] = documents()
    entry = db.session.scalar(
        select(CooperativeHistory).where(CooperativeHistory.to_stage == "certified")
    )
    assert (document.history_id, document.cooperative_id) == (entry.id, coop.id)
    assert document.nik_read == NIK and document.content_type == "image/jpeg"
    assert stored_files(world) == [document.stored_name]
    assert list((world["dir"] / "pending").iterdir()) == []  # the pending copy is released

    page = client.get(f"/cooperatives/{coop.id}").get_data(as_text=True)
    assert "Bukti sertifikat tersimpan" in page
    assert f"/certification/certificates/{document.id}" in page


def test_the_kept_photo_has_no_metadata_and_is_served_only_to_those_who_may_see(
    client, auth, world
):
    coop = world["coop"]
    auth.login(client, "ppkl01")
    image = Image.open(io.BytesIO(certificate(qr_code(NIK))))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (3.0, 17.0, 0.0), 3: "E", 4: (117.0, 22.0, 0.0)}
    raw = io.BytesIO()
    image.save(raw, "JPEG", exif=exif.tobytes())
    assert post(client, coop, (io.BytesIO(raw.getvalue()), "a.jpg"), nik=NIK).status_code == 302
    [document] = documents()
    stored = (world["dir"] / document.stored_name).read_bytes()
    assert b"PhoneMaker" not in stored and Image.open(io.BytesIO(stored)).getexif() == {}
    served = client.get(f"/certification/certificates/{document.id}")
    assert served.status_code == 200 and served.data == stored
    assert served.headers["Cache-Control"] == "no-store"  # personal data (docs/security.md)
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    served.close()
    auth.logout(client)
    auth.login(client, "ppkl02")  # another regency's officer
    assert client.get(f"/certification/certificates/{document.id}").status_code == 403
    assert client.get("/certification/certificates/999").status_code == 404


def test_a_typed_nik_that_differs_from_the_code_is_shown_side_by_side(client, auth, world):
    coop = world["coop"]
    auth.login(client, "ppkl01")
    photo = certificate(qr_code(NIK))
    response = post(client, coop, (io.BytesIO(photo), "c.jpg"), nik=OTHER_NIK)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and stage(coop) == "ods_entered"  # not saved
    table = html[html.index('id="nik-side-by-side"') :]
    assert OTHER_NIK in table and NIK in table and "NIK yang diketik" in table
    assert field_value(html, "nik") == NIK

    # Having seen both, the user keeps the number they typed: that is their decision.
    token, seen = hidden(html, "pending"), hidden(html, "code_nik")
    response = post(client, coop, nik=OTHER_NIK, pending=token, code_nik=seen)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Cooperative, coop.id).nik == OTHER_NIK
    assert documents()[0].nik_read == NIK


def test_a_differing_nik_is_not_saved_without_the_page_showing_the_code(client, auth, world):
    coop = world["coop"]
    auth.login(client, "ppkl01")
    html = post(client, coop, (io.BytesIO(certificate(qr_code(NIK))), "c.jpg"), action="read")
    token = hidden(html.get_data(as_text=True), "pending")
    response = post(client, coop, nik=OTHER_NIK, pending=token)  # code_nik left out
    assert response.status_code == 400 and stage(coop) == "ods_entered"
    assert "berbeda dengan NIK yang dibaca dari kode" in response.get_data(as_text=True)
    assert documents() == [] and stored_files(world) == []


@pytest.mark.parametrize(
    ("picture", "message"),
    [
        (lambda: certificate(), "Tidak ada kode batang atau kode QR yang terbaca"),
        (lambda: certificate(qr_code("https://example.go.id/")), "tetapi tidak berisi NIK"),
        (
            lambda: certificate(qr_code(NIK), qr_code(OTHER_NIK)),
            "berisi NIK yang berbeda",
        ),
    ],
)
def test_no_nik_read_says_so_and_leaves_the_field_to_be_typed(
    client, auth, world, picture, message
):
    auth.login(client, "ppkl01")
    response = post(client, world["coop"], (io.BytesIO(picture()), "c.jpg"), action="read")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert field_value(html, "nik") == "" and hidden(html, "pending")


def test_a_pdf_scan_is_stored_as_sent(client, auth, world):
    coop = world["coop"]
    auth.login(client, "ppkl01")
    response = post(client, coop, (io.BytesIO(minimal_pdf()), "scan.pdf"), action="read")
    assert "tidak dari berkas PDF" in response.get_data(as_text=True)
    token = hidden(response.get_data(as_text=True), "pending")
    assert post(client, coop, nik=NIK, pending=token).status_code == 302
    [document] = documents()
    assert document.content_type == "application/pdf" and document.nik_read is None
    served = client.get(f"/certification/certificates/{document.id}")
    assert served.data == minimal_pdf() and served.mimetype == "application/pdf"
    served.close()
    assert "Pindaian sertifikat (PDF)" in client.get(f"/cooperatives/{coop.id}").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (minimal_pdf()[:-7], "cut.pdf", "bukan berkas PDF yang utuh"),
        (b"GIF89a" + b"\0" * 100, "x.gif", "bukan berkas JPEG, PNG, atau PDF"),
        (certificate(qr_code(NIK))[:500], "broken.jpg", "dapat dibaca"),
        (b"%PDF-1.4\n" + b"0" * 400_000 + b"%%EOF", "big.pdf", "terlalu besar"),
    ],
)
def test_bad_files_are_refused_next_to_the_field_and_nothing_is_written(
    client, auth, world, content, name, message
):
    coop = world["coop"]
    auth.login(client, "ppkl01")
    response = post(client, coop, (io.BytesIO(content), name), nik=NIK)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="certificate-error"' in html and message in html
    assert stage(coop) == "ods_entered" and documents() == [] and stored_files(world) == []


def test_a_forged_or_foreign_token_is_refused(client, auth, world, make_cooperative):
    coop = world["coop"]
    auth.login(client, "ppkl01")
    response = post(client, coop, (io.BytesIO(minimal_pdf()), "s.pdf"), action="read")
    token = hidden(response.get_data(as_text=True), "pending")
    neighbour = make_cooperative(regency=world["home"], stage="ods_entered")
    for target, value in ((coop, token[:-3] + "abc"), (neighbour, token)):
        response = post(client, target, nik=NIK, pending=value)
        assert response.status_code == 400
        assert "sudah tidak tersedia" in response.get_data(as_text=True)
    assert documents() == [] and stage(coop) == "ods_entered"


def test_a_refused_move_keeps_the_upload_pending_and_writes_nothing(client, auth, world):
    coop = world["coop"]
    auth.login(client, "ppkl01")
    future = (office_today() + timedelta(days=2)).isoformat()
    photo = certificate(qr_code(NIK))
    response = post(client, coop, (io.BytesIO(photo), "c.jpg"), nik=NIK, issued_on=future)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="issued_on-error"' in html
    assert hidden(html, "pending") and "Berkas sudah diterima" in html
    assert documents() == [] and stored_files(world) == []


def test_a_nik_held_by_another_cooperative_names_it_to_those_who_may_see_it(
    client, auth, world, make_cooperative
):
    make_cooperative(regency=world["home"], stage="certified", nik=NIK, name="KSP Sudah Ada")
    make_cooperative(regency=world["other"], stage="certified", nik=OTHER_NIK, name="KSP Jauh")
    auth.login(client, "ppkl01")
    html = post(client, world["coop"], nik=NIK).get_data(as_text=True)
    assert "NIK ini sudah tercatat untuk KSP Sudah Ada." in html
    html = post(client, world["coop"], nik=OTHER_NIK).get_data(as_text=True)
    assert "NIK ini sudah dimiliki koperasi lain." in html and "KSP Jauh" not in html


def test_the_rat_ledger_keeps_a_document_with_the_record(client, auth, world):
    coop = world["coop"]
    auth.login(client, "ppkl01")
    url = f"/certification/{coop.id}/rat"
    year = office_today().year - 1
    data = {
        "csrf_token": csrf_token_from(client, url),
        "version": str(coop.version),
        "fiscal_year": str(year),
        "held_on": YESTERDAY,
        "members_present": "20",
        "members_total": "30",
        "certificate": (io.BytesIO(certificate(qr_code(NIK))), "rat.jpg"),
    }
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    [document] = documents()
    assert document.rat_record_id is not None and document.history_id is None
    page = client.get(f"/cooperatives/{coop.id}").get_data(as_text=True)
    assert f"/certification/certificates/{document.id}" in page


def test_the_cooperative_page_says_when_a_certificate_has_no_evidence(
    client, auth, world, make_cooperative
):
    auth.login(client, "boss")
    assert post(client, world["coop"], nik=NIK).status_code == 302  # no file sent
    page = client.get(f"/cooperatives/{world['coop'].id}").get_data(as_text=True)
    assert "Belum ada foto sertifikat" in page
    assert db.session.scalar(select(func.count(CertificateDocument.id))) == 0


def test_a_stale_page_keeps_the_upload_and_saving_again_keeps_the_file(client, auth, world):
    from ppkl.certification.services import set_active
    from ppkl.models import User

    coop = world["coop"]
    auth.login(client, "ppkl01")
    version = coop.version
    boss = db.session.scalar(select(User).where(User.username == "boss"))
    set_active(boss, coop, False, "periksa", coop.version, office_today())  # meanwhile
    set_active(boss, coop, True, "baik", coop.version, office_today())
    db.session.commit()
    photo = certificate(qr_code(NIK))
    response = post(client, coop, (io.BytesIO(photo), "c.jpg"), nik=NIK, version=str(version))
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and 'id="stale"' in html
    token = hidden(html, "pending")
    assert token and documents() == [] and stored_files(world) == []
    db.session.expire_all()
    fresh = db.session.get(Cooperative, coop.id).version
    response = post(client, coop, nik=NIK, pending=token, version=str(fresh))
    assert response.status_code == 302 and len(documents()) == 1
