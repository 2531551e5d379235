"""The web import: a supervisor uploads, sees the preview (nothing written), then confirms."""

import io
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ppkl.extensions import db
from ppkl.models import Cooperative, CooperativeHistory
from tests.helpers import csrf_token_from

TOKEN_RE = re.compile(r'name="token" type="hidden" value="([^"]+)"')


def upload(client, text: str, filename="daftar.csv", create_regencies=False):
    data = {
        "csrf_token": csrf_token_from(client, "/import/cooperatives"),
        "file": (io.BytesIO(text.encode()), filename),
    }
    if create_regencies:
        data["create_regencies"] = "y"
    return client.post(
        "/import/cooperatives",
        data=data,
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def confirm(client, token: str):
    return client.post(
        "/import/cooperatives/confirm",
        data={"csrf_token": csrf_token_from(client, "/import/cooperatives"), "token": token},
    )


def cooperative_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Cooperative))


@pytest.fixture
def supervisor(app, client, make_regency, make_user, auth, tmp_path):
    app.config["IMPORT_UPLOAD_DIR"] = str(tmp_path / "uploads")
    make_regency("Bulungan")
    user = make_user("siti", role="supervisor")
    auth.login(client, "siti")
    return user


def test_preview_then_confirm(client, supervisor, make_cooperative):
    make_cooperative(name="KSP Lama", legal_entity_number="1/BH", stage="not_started")
    text = (
        "Nama Koperasi;Kabupaten/Kota;No Badan Hukum;Tahap;Ketua\n"
        "KSP Lama;Bulungan;1/BH;RAT terlaksana;Budi\nKSP Baru;Bulungan;2/BH;;Ani\n"
    )
    preview = upload(client, text)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert 'id="count-created">1<' in html and 'id="count-updated">1<' in html
    assert "Ketua" in html  # unknown column reported
    assert cooperative_count() == 1  # the preview wrote nothing
    token = TOKEN_RE.search(html).group(1)
    response = confirm(client, token)
    assert response.status_code == 302 and response.headers["Location"] == "/cooperatives/"
    assert cooperative_count() == 2
    entry = db.session.scalar(
        select(CooperativeHistory).where(CooperativeHistory.from_stage == "not_started")
    )
    assert entry.user_id == supervisor.id and entry.note == "daftar.csv"
    assert "1 dibuat, 1 diperbarui" in client.get("/cooperatives/").get_data(as_text=True)
    # The upload is used once: a second "Import now" says so, and so does the preview.
    again = confirm(client, token)
    assert again.status_code == 302 and again.headers["Location"] == "/cooperatives/"
    assert "sudah diimpor" in client.get("/cooperatives/").get_data(as_text=True)
    back = client.get(f"/import/cooperatives/{token}")
    assert back.status_code == 302 and back.headers["Location"] == "/cooperatives/"
    assert cooperative_count() == 2


def test_the_upload_is_followed_by_a_redirect_to_its_preview(client, supervisor):
    data = {
        "csrf_token": csrf_token_from(client, "/import/cooperatives"),
        "file": (io.BytesIO(b"name,regency\nKSP A,Bulungan\n"), "a.csv"),
    }
    response = client.post("/import/cooperatives", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert re.fullmatch(r"/import/cooperatives/[A-Za-z0-9_-]{20,64}", response.headers["Location"])
    assert 'id="count-created">1<' in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert cooperative_count() == 0


def test_problems_are_shown_as_a_table_and_nothing_is_written(client, supervisor):
    text = "name,regency,members\nKSP A,Bulungan,-1\nKSP B,Atlantis,3\n"
    html = upload(client, text).get_data(as_text=True)
    assert 'id="import-problems"' in html
    rows = re.findall(r"<tr><td>(\d+)</td><td>(\w+)</td><td[^>]*>([^<]*)</td>", html)
    assert rows == [("2", "members", "-1"), ("3", "regency", "Atlantis")]
    assert "Kabupaten/kota tidak dikenal" in html
    assert 'name="token"' not in html
    assert cooperative_count() == 0


def test_create_regencies_checkbox(client, supervisor):
    html = upload(client, "name,regency\nKSP A,Malinau\n", create_regencies=True).get_data(
        as_text=True
    )
    assert "Malinau" in html and 'id="count-created">1<' in html
    confirm(client, TOKEN_RE.search(html).group(1))
    assert cooperative_count() == 1


def test_refused_file_shows_the_reason_next_to_the_field(client, supervisor):
    response = upload(client, "name,regency\n")
    assert 'id="file-error"' in response.get_data(as_text=True)
    assert "hanya berisi baris judul" in response.get_data(as_text=True)


def test_another_user_cannot_confirm_my_upload(app, client, supervisor, make_user, auth):
    html = upload(client, "name,regency\nKSP A,Bulungan\n").get_data(as_text=True)
    token = TOKEN_RE.search(html).group(1)
    make_user("boss2", role="supervisor")
    other = app.test_client()
    auth.login(other, "boss2")
    response = confirm(other, token)
    assert response.status_code == 302 and "/import/cooperatives" in response.headers["Location"]
    response = other.get(f"/import/cooperatives/{token}")
    assert response.status_code == 302 and response.headers["Location"] == "/import/cooperatives"
    assert cooperative_count() == 0


@pytest.mark.parametrize("role", ["ppkl", "dak"])
def test_officers_may_not_import(client, make_user, auth, role):
    make_user("officer", role=role)
    auth.login(client, "officer")
    assert client.get("/import/cooperatives").status_code == 403
    assert "/import/cooperatives" not in client.get("/transfer/").get_data(as_text=True)


def test_admin_may_import(client, make_user, auth):
    make_user("root", role="admin")
    auth.login(client, "root")
    assert client.get("/import/cooperatives").status_code == 200


def test_a_pending_upload_expires_and_its_files_are_removed(app, client, supervisor, monkeypatch):
    assert app.config["IMPORT_UPLOAD_MAX_AGE"] == 3600
    preview = upload(client, "name;regency\nKSP Baru;Bulungan\n")
    token = TOKEN_RE.search(preview.get_data(as_text=True)).group(1)
    directory = Path(app.config["IMPORT_UPLOAD_DIR"])
    assert sorted(p.name for p in directory.iterdir()) == [f"{token}.data", f"{token}.json"]
    real = time.time
    monkeypatch.setattr("ppkl.transfer.uploads.time.time", lambda: real() + 3601)
    response = confirm(client, token)
    assert response.status_code == 302 and response.location.endswith("/import/cooperatives")
    assert cooperative_count() == 0
    assert list(directory.iterdir()) == []


def test_the_upload_lifetime_is_configurable(app, client, supervisor, monkeypatch):
    app.config["IMPORT_UPLOAD_MAX_AGE"] = 60
    preview = upload(client, "name;regency\nKSP Baru;Bulungan\n")
    token = TOKEN_RE.search(preview.get_data(as_text=True)).group(1)
    real = time.time
    monkeypatch.setattr("ppkl.transfer.uploads.time.time", lambda: real() + 61)
    confirm(client, token)
    assert cooperative_count() == 0


def test_an_unchanged_file_says_nothing_changes_and_writes_nothing(client, supervisor):
    text = "Nama Koperasi;Kabupaten/Kota;No Badan Hukum\nKSP Sama;Bulungan;9/BH\n"
    confirm(client, TOKEN_RE.search(upload(client, text).get_data(as_text=True)).group(1))
    before = db.session.scalar(select(Cooperative).where(Cooperative.name == "KSP Sama"))
    version, history = (
        before.version,
        db.session.scalar(select(func.count()).select_from(CooperativeHistory)),
    )
    html = upload(client, text).get_data(as_text=True)
    assert 'id="import-nothing-changes"' in html and "Tidak ada yang berubah" in html
    response = confirm(client, TOKEN_RE.search(html).group(1))
    assert response.status_code == 302
    assert "Tidak ada yang berubah" in client.get("/cooperatives/").get_data(as_text=True)
    db.session.expire_all()
    after = db.session.scalar(select(Cooperative).where(Cooperative.name == "KSP Sama"))
    assert after.version == version
    assert db.session.scalar(select(func.count()).select_from(CooperativeHistory)) == history


def test_the_web_keeps_its_own_modest_row_limit(app, client, supervisor):
    app.config["IMPORT_MAX_ROWS"] = 2
    rows = "".join(f"KSP {n},Bulungan\n" for n in range(3))
    html = upload(client, "name,regency\n" + rows).get_data(as_text=True)
    assert "lebih dari 2 baris" in html
    assert cooperative_count() == 0
