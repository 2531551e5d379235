"""The import preview shows each row that changes, old -> new; backward stages and
deactivations are marked and need a reason, given once for the file and kept on each history
row, as the screens ask for a correction."""

import re

import pytest
from sqlalchemy import select

from ppkl.extensions import db
from ppkl.models import Cooperative, CooperativeHistory
from tests import test_import_web
from tests.helpers import csrf_token_from
from tests.test_import_web import TOKEN_RE, upload

supervisor = test_import_web.supervisor  # signed in, with its upload folder

FILE = (
    "Nama Koperasi;Kabupaten/Kota;Jumlah Anggota;Tahap;Status\n"
    "KSP Lama;Bulungan;12;RAT terlaksana;Aktif\n"
    "KSP Tutup;Bulungan;20;;Tidak Aktif\n"
    "KSP Maju;Bulungan;30;Laporan RAT diterima;Aktif\n"
)


@pytest.fixture
def register(supervisor, make_cooperative):
    return {
        "lama": make_cooperative(name="KSP Lama", stage="ods_entered", members=10),
        "tutup": make_cooperative(name="KSP Tutup", members=20),
        "maju": make_cooperative(name="KSP Maju", stage="rat_held", members=30),
    }


def confirm(client, token: str, reason: str = ""):
    data = {"csrf_token": csrf_token_from(client, "/import/cooperatives"), "token": token}
    if reason:
        data["reason"] = reason
    return client.post("/import/cooperatives/confirm", data=data)


def row_text(html: str, row: int) -> str:
    match = re.search(rf'<tr[^>]*id="change-row-{row}".*?</tr>', html, re.S)
    assert match, f"row {row} is not listed"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def test_the_preview_lists_each_change_old_to_new_and_marks_the_risky_ones(client, register):
    html = upload(client, FILE).get_data(as_text=True)
    lama, tutup, maju = row_text(html, 2), row_text(html, 3), row_text(html, 4)
    assert "Jumlah anggota : 10 → 12" in lama
    assert "Tahap : Sudah input ODS → RAT terlaksana" in lama and "Tahap mundur" in lama
    assert "Status : Aktif → Tidak Aktif" in tutup and "Dinonaktifkan" in tutup
    assert "Tahap : RAT terlaksana → Laporan RAT diterima" in maju
    assert "Tahap mundur" not in maju and "Dinonaktifkan" not in maju
    assert 'class="table-warning"' in html and 'name="reason"' in html


def test_risky_changes_need_a_reason_given_once_and_kept_on_each_history_row(client, register):
    token = TOKEN_RE.search(upload(client, FILE).get_data(as_text=True)).group(1)
    refused = confirm(client, token)
    assert refused.status_code == 400
    assert 'id="reason-error"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Cooperative, register["lama"].id).stage == "ods_entered"

    assert confirm(client, token, "Data dinas diperbaiki").status_code == 302
    db.session.expire_all()
    assert db.session.get(Cooperative, register["lama"].id).stage == "rat_held"
    assert db.session.get(Cooperative, register["tutup"].id).active is False
    rows = db.session.scalars(select(CooperativeHistory).order_by(CooperativeHistory.id)).all()
    assert len(rows) == 3
    for row in rows:  # the reason of the file, on every history row it wrote
        assert row.evidence["reason"] == "Data dinas diperbaiki"
        assert row.note == "daftar.csv: Data dinas diperbaiki"


def test_the_command_line_import_asks_for_the_reason_too(runner, register, tmp_path):
    path = tmp_path / "daftar.csv"
    path.write_text(FILE, encoding="utf-8")
    result = runner.invoke(args=["import-cooperatives", str(path)])
    assert result.exit_code == 1
    assert "row 2 goes back a stage" in result.output and "row 3 deactivates" in result.output
    result = runner.invoke(args=["import-cooperatives", str(path), "--reason", "Data dinas"])
    assert result.exit_code == 0, result.output
