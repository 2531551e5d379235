"""A web import over IMPORT_SYNC_MAX_ROWS rows: checked, confirmed, then run by a worker (a
thread without Redis) while its page shows the progress; all rows or none, as on the page."""

import re

import pytest
from sqlalchemy import func, select

from ppkl.extensions import db
from ppkl.models import Cooperative
from ppkl.transfer import jobs, planning, services
from tests.test_import_web import TOKEN_RE, confirm, cooperative_count, upload

JOB_URL = re.compile(r"^/import/cooperatives/jobs/([A-Za-z0-9_-]{20,64})$")


def register(count: int, members: int = 1) -> str:
    lines = ["Nama Koperasi;Kabupaten/Kota;Jumlah Anggota"]
    lines += [f"KSP {n};Bulungan;{members}" for n in range(count)]
    return "\n".join(lines) + "\n"


@pytest.fixture
def importer(app, client, make_regency, make_user, auth, tmp_path):
    app.config["IMPORT_UPLOAD_DIR"] = str(tmp_path / "uploads")
    app.config["IMPORT_SYNC_MAX_ROWS"] = 3
    make_regency("Bulungan")
    user = make_user("siti", role="supervisor")
    auth.login(client, "siti")
    return user


def uploaded(client, text: str) -> str:
    return TOKEN_RE.search(upload(client, text).get_data(as_text=True)).group(1)


def test_a_large_upload_is_imported_in_the_background(app, client, importer):
    preview = upload(client, register(8)).get_data(as_text=True)
    assert 'id="import-in-background"' in preview
    token = TOKEN_RE.search(preview).group(1)
    response = confirm(client, token)
    assert response.status_code == 302 and JOB_URL.match(response.headers["Location"])
    jobs.wait_for_import_runner(app)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="job-done"' in html and "daftar.csv diimpor: 8 dibuat" in html
    assert 'http-equiv="refresh"' not in html and 'data-finished="1"' in html
    assert cooperative_count() == 8
    # Confirming again leads to the same job, and imports nothing a second time.
    again = confirm(client, token)
    assert again.headers["Location"] == response.headers["Location"]
    jobs.wait_for_import_runner(app)
    assert cooperative_count() == 8


def test_a_small_upload_is_still_imported_at_once(client, importer):
    preview = upload(client, register(3)).get_data(as_text=True)
    assert 'id="import-in-background"' not in preview
    response = confirm(client, TOKEN_RE.search(preview).group(1))
    assert response.headers["Location"] == "/cooperatives/"
    assert cooperative_count() == 3


def test_the_job_reports_rows_checked_and_written_after_each_batch(
    app, client, importer, monkeypatch
):
    monkeypatch.setattr(planning, "BATCH_ROWS", 2)
    monkeypatch.setattr(services, "BATCH_ROWS", 2)
    token = uploaded(client, register(5))
    store = jobs.upload_store()
    jobs.save_job(store, jobs.ImportJob(token, importer.id, "daftar.csv", 5, "/x"))
    seen = []
    real = jobs.save_job
    monkeypatch.setattr(
        jobs, "save_job", lambda s, job: seen.append((job.status, job.checked)) or real(s, job)
    )
    assert jobs.run_import(token) == "done"
    assert seen == [("running", 0), ("running", 2), ("running", 4), ("done", 5)]
    job = jobs.load_job(store, token)
    assert (job.created, job.updated, job.unchanged, job.written) == (5, 0, 0, 5)
    assert jobs.run_import(token) == "skipped"  # a job runs once
    # The upload is gone; the job's state stays for its page.
    assert store.load(token, importer.id) is None


def test_a_problem_found_by_the_job_writes_nothing_and_is_shown(
    app, client, importer, make_cooperative, monkeypatch
):
    monkeypatch.setattr(planning, "BATCH_ROWS", 2)
    monkeypatch.setattr(services, "BATCH_ROWS", 2)
    token = uploaded(client, register(6))
    # Between the check and the job, the register gained two namesakes of the last row.
    make_cooperative(name="KSP 5", legal_entity_number="1/BH")
    make_cooperative(name="KSP 5", legal_entity_number="2/BH")
    response = confirm(client, token)
    jobs.wait_for_import_runner(app)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="job-failed"' in html and "1 masalah" in html
    assert re.search(r"<tr><td>7</td><td>name</td>", html)
    assert cooperative_count() == 2  # the batches written before the problem are gone
    assert 'http-equiv="refresh"' not in html


def test_a_failure_shows_a_clear_message_and_keeps_nothing(
    app, client, importer, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("password=hunter2")

    monkeypatch.setattr(services, "refresh_facts", broken)
    response = confirm(client, uploaded(client, register(5)))
    jobs.wait_for_import_runner(app)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="job-failed"' in html and "hunter2" not in html
    assert "Tidak ada yang diimpor" in html
    assert "hunter2" in caplog.text
    assert cooperative_count() == 0


def test_a_running_job_page_reloads_without_javascript_and_polls_with_it(client, importer):
    token = uploaded(client, register(5))
    store = jobs.upload_store()
    job = jobs.ImportJob(token, importer.id, "daftar.csv", 5, "/x", status="running", checked=2)
    jobs.save_job(store, job)
    html = client.get(f"/import/cooperatives/jobs/{token}").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert "import-job.js" in html and 'data-finished="0"' in html
    assert "2 dari 5 baris diperiksa" in html


def test_a_stalled_job_says_whether_it_was_imported(app, client, importer, monkeypatch):
    token = uploaded(client, register(5))
    store = jobs.upload_store()
    jobs.save_job(store, jobs.ImportJob(token, importer.id, "daftar.csv", 5, "/x"))
    monkeypatch.setattr(jobs, "STALLED_AFTER", -1)
    html = client.get(f"/import/cooperatives/jobs/{token}").get_data(as_text=True)
    assert 'id="job-failed"' in html and "berhenti" in html


def test_the_job_page_is_for_the_uploader_and_importers_in_scope(
    app, client, importer, make_user, make_province, auth
):
    token = uploaded(client, register(5))
    jobs.save_job(jobs.upload_store(), jobs.ImportJob(token, importer.id, "daftar.csv", 5, "/x"))
    url = f"/import/cooperatives/jobs/{token}"
    make_user("rekan", role="supervisor")  # the same province
    make_user("jauh", role="supervisor", province=make_province("Gorontalo", "75"))
    make_user("petugas", role="ppkl")
    make_user("root", role="admin")
    expected = {"rekan": 200, "root": 200, "jauh": 404, "petugas": 403}
    for username, status in expected.items():
        other = app.test_client()
        auth.login(other, username)
        assert other.get(url).status_code == status, username
    assert client.get("/import/cooperatives/jobs/not-a-token").status_code in (403, 404)


def test_a_large_upload_that_needs_a_reason_asks_for_it_before_starting(
    app, client, importer, make_cooperative
):
    for n in range(5):
        make_cooperative(name=f"KSP {n}", active=True)
    text = "Nama Koperasi;Kabupaten/Kota;Status\n" + "".join(
        f"KSP {n};Bulungan;tidak aktif\n" for n in range(5)
    )
    token = uploaded(client, text)
    response = confirm(client, token)
    assert response.headers["Location"] == f"/import/cooperatives/{token}"
    assert jobs.load_job(jobs.upload_store(), token) is None
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(Cooperative.active.is_(False))) == 0


def test_with_redis_the_report_workers_run_the_import(app, client, importer, rq_queue):
    from rq import SimpleWorker

    response = confirm(client, uploaded(client, register(6)))
    assert rq_queue.count == 1 and cooperative_count() == 0  # nothing imported in the request
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Menunggu giliran" in html and 'data-finished="0"' in html
    worker = SimpleWorker([rq_queue], connection=rq_queue.connection, name=f"{rq_queue.name}-1")
    worker.work(burst=True)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "daftar.csv diimpor: 6 dibuat" in html
    assert cooperative_count() == 6


def test_a_stalled_job_that_had_committed_says_it_was_imported(client, importer, monkeypatch):
    from ppkl.clock import utcnow
    from ppkl.form_keys import spend_key

    token = uploaded(client, register(5))
    jobs.save_job(jobs.upload_store(), jobs.ImportJob(token, importer.id, "daftar.csv", 5, "/x"))
    spend_key(token, importer.id, "import", utcnow()).url = "/x"
    db.session.commit()
    monkeypatch.setattr(jobs, "STALLED_AFTER", -1)
    html = client.get(f"/import/cooperatives/jobs/{token}").get_data(as_text=True)
    assert 'id="job-done"' in html and "daftar.csv telah diimpor." in html


def test_the_job_page_reads_the_same_whatever_the_job_holds(app, client, importer):
    from tests.helpers import count_queries

    counts = []
    for rows, problems in ((5, 0), (5_000, 50)):
        token = uploaded(client, register(5))
        job = jobs.ImportJob(token, importer.id, "daftar.csv", rows, "/x", status="failed")
        job.failure, job.problem_count = "problems", problems
        job.problems = [
            {"row": n + 2, "column": "name", "value": "", "code": "required", "params": {}}
            for n in range(problems)
        ]
        jobs.save_job(jobs.upload_store(), job)
        with count_queries(db.engine) as statements:
            assert client.get(f"/import/cooperatives/jobs/{token}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
