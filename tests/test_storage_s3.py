"""Visit photos, certificate documents and import files on the S3 backend (moto's server):
written to the bucket, served through the app with the same access checks, nothing on disk."""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from ppkl.extensions import db
from ppkl.models import CertificateDocument, VisitPhoto
from tests.certificate_images import NIK, certificate, qr_code
from tests.helpers import post_form
from tests.test_certificate_upload import hidden
from tests.test_certificate_upload import post as post_certificate
from tests.test_import_web import TOKEN_RE, confirm, cooperative_count, upload
from tests.test_visit_photos_kept import PENDING_RE, post_with_error
from tests.test_visits import form_data, photo_bytes


@pytest.fixture
def on_s3(app, s3_storage_settings, s3_client, tmp_path):
    # The *_DIR settings point at an empty folder: the S3 backend must not write there.
    app.config.update(
        s3_storage_settings,
        STORAGE_DIR=str(tmp_path / "local"),
        VISIT_PHOTO_DIR=str(tmp_path / "local"),
        CERTIFICATE_DIR=str(tmp_path / "local"),
        IMPORT_UPLOAD_DIR=str(tmp_path / "local"),
        VISIT_PHOTO_MAX_BYTES=300_000,
        CERTIFICATE_MAX_BYTES=300_000,
    )
    bucket = s3_storage_settings["S3_BUCKET"]

    def keys(prefix=""):
        found = s3_client.list_objects_v2(Bucket=bucket, Prefix="ppkl/" + prefix)
        return sorted(o["Key"] for o in found.get("Contents", []))

    yield keys
    assert not (tmp_path / "local").exists()


@pytest.fixture
def field(app, make_user, make_cooperative, assign, make_regency):
    home, other = make_regency("Bulungan"), make_regency("Tarakan")
    officer = make_user("ppkl01", role="ppkl", regency=home)
    make_user("ppkl02", role="ppkl", regency=other)
    make_user("boss", role="supervisor")
    coop = make_cooperative(name="KSP Tunas Harapan", regency=home, stage="ods_entered")
    assign(coop, officer)
    return coop


def test_visit_photos_go_to_the_bucket_and_come_back_through_the_app(client, auth, field, on_s3):
    auth.login(client, "ppkl01")
    # A refused form keeps its photo pending, in the bucket, shown to its officer only.
    page = post_with_error(client, field).get_data(as_text=True)
    [token] = PENDING_RE.findall(page)
    [pending_key] = on_s3("visit-photos/")
    pending = client.get(f"/visits/pending/{token}")
    assert pending.status_code == 200 and pending.mimetype == "image/jpeg"
    pending.close()
    # Saved: the pending file becomes the visit's, and a second photo joins it.
    data = form_data(field, pending=token, photos=[(io.BytesIO(photo_bytes("PNG")), "b.png")])
    response = post_form(client, "/visits/new", data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    rows = db.session.scalars(select(VisitPhoto).order_by(VisitPhoto.id)).all()
    assert [f"ppkl/visit-photos/{r.stored_name}" for r in rows][0] == pending_key
    assert on_s3("visit-photos/") == sorted(f"ppkl/visit-photos/{r.stored_name}" for r in rows)
    for row in rows:
        served = client.get(f"/visits/photos/{row.id}")
        assert served.status_code == 200 and served.mimetype == row.content_type
        assert len(served.data) == row.size and served.headers["Content-Length"] == str(row.size)
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        Image.open(io.BytesIO(served.data)).verify()
        served.close()
    auth.logout(client)
    auth.login(client, "ppkl02")  # another regency's officer
    assert client.get(f"/visits/photos/{rows[0].id}").status_code == 403
    assert client.get(f"/visits/pending/{token}").status_code == 404


def test_a_certificate_waits_in_the_bucket_then_becomes_the_evidence(client, auth, field, on_s3):
    auth.login(client, "ppkl01")
    photo = certificate(qr_code(NIK))
    html = post_certificate(client, field, (io.BytesIO(photo), "c.jpg"), action="read").get_data(
        as_text=True
    )
    [pending] = on_s3("certificates/pending/")
    response = post_certificate(
        client, field, nik=NIK, pending=hidden(html, "pending"), code_nik=hidden(html, "code_nik")
    )
    assert response.status_code == 302
    document = db.session.scalar(select(CertificateDocument))
    assert on_s3("certificates/") == [f"ppkl/certificates/{document.stored_name}"]
    assert pending not in on_s3()  # released once the move was committed
    served = client.get(f"/certification/certificates/{document.id}")
    assert served.status_code == 200 and len(served.data) == document.size
    served.close()


def test_an_import_file_waits_in_the_bucket_until_confirmed(client, auth, field, on_s3):
    auth.login(client, "boss")
    text = "Nama Koperasi;Kabupaten/Kota\nKSP Baru;Bulungan\n"
    token = TOKEN_RE.search(upload(client, text).get_data(as_text=True)).group(1)
    assert on_s3("imports/") == [f"ppkl/imports/{token}.data", f"ppkl/imports/{token}.json"]
    assert confirm(client, token).status_code == 302
    assert cooperative_count() == 2 and on_s3("imports/") == []
