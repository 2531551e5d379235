"""The reconciliation pages: upload, the run, applying ticked proposals, export, access, CLI."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from ppkl.extensions import db
from ppkl.models import AuditEvent, Cooperative, CooperativeHistory, OdsRun, OdsRunLine
from tests.helpers import count_queries, csrf_token_from, login, post_form
from tests.ods.extracts import as_csv, as_xlsx, build_extract

PASSWORD = "ppkl-demo"


def upload(client, data: bytes, filename: str = "ods.csv", extract_date: str = "2019-08-10"):
    return post_form(
        client,
        "/ods/",
        {"file": (io.BytesIO(data), filename), "extract_date": extract_date},
        content_type="multipart/form-data",
    )


def run_lines(run_id: int) -> dict[int, OdsRunLine]:
    db.session.expire_all()
    lines = db.session.scalars(select(OdsRunLine).where(OdsRunLine.run_id == run_id)).all()
    return {line.cooperative_id: line for line in lines if line.cooperative_id}


def uploaded_run(client, drift, fmt="csv") -> int:
    data = as_csv(drift.rows) if fmt == "csv" else as_xlsx(drift.rows)
    response = upload(client, data, f"ods.{fmt}")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/ods/runs/(\d+)", response.headers["Location"]).group(1))


def apply(client, run_id: int, line_ids, group="ods_ahead"):
    token = csrf_token_from(client, f"/ods/runs/{run_id}?group={group}")
    data = {"csrf_token": token, "group": group, "line": [str(i) for i in line_ids]}
    return client.post(f"/ods/runs/{run_id}/apply", data=data)


def history_count() -> int:
    return db.session.scalar(select(func.count(CooperativeHistory.id)))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_upload_keeps_a_run_and_shows_it_without_changing_anything(ods_app, ods_client, fmt):
    drift = build_extract(db.session)
    before = history_count()
    login(ods_client, "supervisor", PASSWORD)
    run_id = uploaded_run(ods_client, drift, fmt)
    run = db.session.get(OdsRun, run_id)
    assert run.filename == f"ods.{fmt}" and run.extract_date.isoformat() == "2019-08-10"
    assert run.counts["ods_ahead"] == 4 and run.proposals == 5  # 3 moves, 2 creations
    assert history_count() == before
    html = ods_client.get(f"/ods/runs/{run_id}").get_data(as_text=True)
    assert "ODS lebih maju" in html  # the group opened first
    assert 'name="line"' in html
    assert "diperbarui 15 Juli 2019 · NIK tanggal 1 Agustus 2019 · RAT 2018" in html
    conflict = ods_client.get(f"/ods/runs/{run_id}?group=conflict").get_data(as_text=True)
    assert "NIK berbeda" in conflict
    listing = ods_client.get("/ods/").get_data(as_text=True)
    assert f"/ods/runs/{run_id}" in listing


def test_apply_moves_the_ticked_cooperatives_with_the_run_as_evidence(ods_app, ods_client):
    drift = build_extract(db.session)
    login(ods_client, "supervisor", PASSWORD)
    run_id = uploaded_run(ods_client, drift)
    lines = run_lines(run_id)
    ticked = [lines[c].id for c in (drift.entry_ahead, drift.nik_ahead, drift.two_ahead)]
    response = apply(ods_client, run_id, ticked)
    assert response.status_code == 302
    db.session.expire_all()
    stages = {
        c: db.session.get(Cooperative, c).stage
        for c in (drift.entry_ahead, drift.nik_ahead, drift.two_ahead)
    }
    assert stages == {
        drift.entry_ahead: "ods_entered",
        drift.nik_ahead: "certified",
        drift.two_ahead: "certified",
    }
    assert db.session.get(Cooperative, drift.two_ahead).nik == "6501990000000002"
    entries = db.session.scalars(
        select(CooperativeHistory)
        .where(CooperativeHistory.cooperative_id == drift.two_ahead)
        .order_by(CooperativeHistory.id.desc())
        .limit(2)
    ).all()
    certified, entered = entries
    assert entered.evidence["entered_by"] == "Ekstrak ODS 2019-08-10"
    assert entered.evidence["ods_run"] == run_id and certified.evidence["ods_run"] == run_id
    assert f"rekonsiliasi ODS #{run_id}" in certified.note
    lines = run_lines(run_id)
    assert all(lines[c].applied_at for c in (drift.entry_ahead, drift.two_ahead))
    assert db.session.get(OdsRun, run_id).applied == 3
    # Applied lines are not offered again; applying them twice is refused.
    again = apply(ods_client, run_id, ticked[:1])
    assert again.status_code == 400
    assert "Sudah diterapkan" in again.get_data(as_text=True)


def test_apply_is_all_or_nothing_when_a_cooperative_changed_meanwhile(ods_app, ods_client):
    drift = build_extract(db.session)
    login(ods_client, "supervisor", PASSWORD)
    run_id = uploaded_run(ods_client, drift)
    lines = run_lines(run_id)
    stale = db.session.get(Cooperative, drift.nik_ahead)
    stale.members = (stale.members or 0) + 1  # someone edits it after the run
    db.session.commit()
    before = history_count()
    ticked = [lines[c].id for c in (drift.entry_ahead, drift.nik_ahead)]
    response = apply(ods_client, run_id, ticked)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'id="ods-refusals"' in html and stale.name in html
    db.session.expire_all()
    assert history_count() == before
    assert db.session.get(Cooperative, drift.entry_ahead).stage == "report_received"
    assert run_lines(run_id)[drift.entry_ahead].applied_at is None


def test_creating_an_only_in_ods_cooperative_is_a_ticked_proposal(ods_app, ods_client):
    drift = build_extract(db.session)
    login(ods_client, "supervisor", PASSWORD)
    run_id = uploaded_run(ods_client, drift)
    (line,) = db.session.scalars(
        select(OdsRunLine).where(OdsRunLine.run_id == run_id, OdsRunLine.group_name == "only_ods")
    ).all()[:1]
    assert apply(ods_client, run_id, [line.id], group="only_ods").status_code == 302
    db.session.expire_all()
    created = db.session.scalar(select(Cooperative).where(Cooperative.name == drift.new_name))
    assert created.stage == "not_started" and created.district == "Tanjung Selor"
    assert db.session.get(OdsRunLine, line.id).result_cooperative_id == created.id


def test_a_conflict_shows_the_certificate_photo_on_file(ods_app, ods_client):
    from ppkl.models import CertificateDocument, User

    drift = build_extract(db.session)
    supervisor = db.session.scalar(select(User).where(User.username == "supervisor"))
    db.session.add(
        CertificateDocument(
            cooperative_id=drift.nik_differs,
            stored_name="abc.jpg",
            content_type="image/jpeg",
            size=10,
            uploaded_by_id=supervisor.id,
        )
    )
    db.session.commit()
    login(ods_client, "supervisor", PASSWORD)
    run_id = uploaded_run(ods_client, drift)
    html = ods_client.get(f"/ods/runs/{run_id}?group=conflict").get_data(as_text=True)
    doc = db.session.scalar(select(CertificateDocument.id))
    assert f"/certification/certificates/{doc}" in html
    assert "Belum ada foto sertifikat" not in html or html.count("certificate-document") == 1


def test_the_run_page_has_a_fixed_number_of_queries(ods_app, ods_client):
    drift = build_extract(db.session)
    login(ods_client, "supervisor", PASSWORD)
    run_id = uploaded_run(ods_client, drift)
    counts = []
    for group in ("ods_ahead", "only_ppkl", "conflict"):
        with count_queries(db.engine) as statements:
            assert ods_client.get(f"/ods/runs/{run_id}?group={group}").status_code == 200
        counts.append(len(statements))
    assert max(counts) - min(counts) <= 1, counts


def test_export_holds_every_line(ods_app, ods_client):
    drift = build_extract(db.session)
    login(ods_client, "supervisor", PASSWORD)
    run_id = uploaded_run(ods_client, drift)
    token = csrf_token_from(ods_client, f"/ods/runs/{run_id}")
    response = ods_client.post(f"/ods/runs/{run_id}/export", data={"csrf_token": token})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    total = db.session.scalar(select(func.count(OdsRunLine.id)).where(OdsRunLine.run_id == run_id))
    assert len(rows) == total + 1
    assert rows[0][0] == "Kelompok"
    assert any(r[0] == "Bertentangan" and "NIK berbeda" in r[1] for r in rows[1:])


def test_a_bad_file_gets_row_numbered_messages_and_keeps_nothing(ods_app, ods_client):
    login(ods_client, "supervisor", PASSWORD)
    rows = [["12", "KSP A", "Kab. Bulungan", "", "", "", "", "", ""]]
    response = upload(ods_client, as_csv(rows))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="ods-problems"' in html and "<td>2</td>" in html
    broken = upload(ods_client, b"PK\x03\x04 not a workbook", "ods.xlsx")
    assert broken.status_code == 400 and "Excel" in broken.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OdsRun.id))) == 0


@pytest.mark.parametrize("username", ["ppkl01", "dak01"])
def test_officers_may_not_reconcile(ods_app, ods_client, username):
    drift = build_extract(db.session)
    login(ods_client, "supervisor", PASSWORD)
    run_id = uploaded_run(ods_client, drift)
    ods_client.get("/logout")
    other = ods_app.test_client()
    login(other, username, PASSWORD)
    assert other.get("/ods/").status_code == 403
    assert other.get(f"/ods/runs/{run_id}").status_code == 403
    # With a valid form token, so the refusal is the access rule's, not the CSRF check's.
    token = csrf_token_from(other, "/visits/new")
    for action in ("apply", "export"):
        response = other.post(f"/ods/runs/{run_id}/{action}", data={"csrf_token": token})
        assert response.status_code == 403


def test_admin_may_reconcile_and_a_missing_run_is_404(ods_app, ods_client):
    login(ods_client, "admin", PASSWORD)
    assert ods_client.get("/ods/").status_code == 200
    assert ods_client.get("/ods/runs/99999").status_code == 404


def test_apply_needs_the_csrf_token(ods_app, ods_client):
    drift = build_extract(db.session)
    login(ods_client, "supervisor", PASSWORD)
    run_id = uploaded_run(ods_client, drift)
    line = run_lines(run_id)[drift.entry_ahead]
    response = ods_client.post(f"/ods/runs/{run_id}/apply", data={"line": str(line.id)})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Cooperative, drift.entry_ahead).stage == "report_received"


def test_cli_dry_run_writes_nothing_and_apply_moves(ods_app, ods_runner, tmp_path):
    drift = build_extract(db.session)
    path = tmp_path / "ods.xlsx"
    path.write_bytes(as_xlsx(drift.rows))
    before = history_count()
    result = ods_runner.invoke(args=["reconcile-ods", str(path), "--extract-date", "2019-08-10"])
    assert result.exit_code == 0, result.output
    assert "ods_ahead           4" in result.output and "dry run" in result.output
    db.session.expire_all()
    assert history_count() == before
    assert db.session.scalar(select(func.count(OdsRun.id))) == 0
    refused = ods_runner.invoke(args=["reconcile-ods", str(path), "--apply"])
    assert refused.exit_code != 0 and "--as" in refused.output
    result = ods_runner.invoke(
        args=[
            "reconcile-ods",
            str(path),
            "--apply",
            "--as",
            "supervisor",
            "--extract-date",
            "2019-08-10",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "3 moved, 0 created" in result.output
    db.session.expire_all()
    assert db.session.get(Cooperative, drift.nik_ahead).stage == "certified"
    assert db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "ods.applied")
    )
