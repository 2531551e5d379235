"""Batches run in the background (a thread without Redis, RQ with it), report progress,
survive a reload, report a failed officer, and produce one PDF per officer."""

import re
import zipfile
from io import BytesIO

from ppkl.extensions import db
from ppkl.reports.jobs import wait_for_thread_runner
from tests.helpers import post_form
from tests.reports.conftest import pdf_text

JUNE = {"batch-regency": "0", "batch-start": "2019-06-01", "batch-end": "2019-06-30"}


def start_batch(client, data=JUNE):
    response = post_form(client, "/reports/batch", data, page="/reports/")
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    location = response.headers["Location"]
    assert re.search(r"/reports/jobs/[0-9a-f]{32}$", location)
    return location


def download(client, job_url):
    response = post_form(client, job_url + "/download", page=job_url)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"  # send_file's no-cache still stores
    data = response.data
    response.close()  # send_file streams from the file; close it as a server would
    return zipfile.ZipFile(BytesIO(data))


def test_thread_batch_prints_one_pdf_per_officer(world, app, client, auth):
    auth.login(client, "boss")
    job_url = start_batch(client)
    wait_for_thread_runner(app)
    html = client.get(job_url).get_data(as_text=True)
    assert "2 dari 2 laporan selesai, 0 gagal" in html
    assert 'http-equiv="refresh"' not in html  # finished: no more reloading
    archive = download(client, job_url)
    assert sorted(archive.namelist()) == ["ppkl01.pdf", "ppkl02.pdf"]
    assert "Andi Saputra" in pdf_text(archive.read("ppkl01.pdf"))
    assert "Budi Wijaya" in pdf_text(archive.read("ppkl02.pdf"))


def test_a_failed_officer_is_reported_not_skipped(world, app, client, auth):
    app.config["REPORT_MAX_ROWS"] = 2  # ppkl01 has five cooperatives: refused
    auth.login(client, "boss")
    job_url = start_batch(client)
    wait_for_thread_runner(app)
    html = client.get(job_url).get_data(as_text=True)
    assert "1 dari 2 laporan selesai, 1 gagal" in html
    assert 'id="job-failures"' in html and "ppkl01" in html
    assert "lebih dari 2 koperasi" in html
    archive = download(client, job_url)
    assert sorted(archive.namelist()) == ["FAILED.txt", "ppkl02.pdf"]
    assert archive.read("FAILED.txt").decode().startswith("ppkl01: ")


def test_an_unexpected_failure_shows_a_translated_reason_not_the_exception(
    world, app, client, auth, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("connection to /srv/ppkl/secret.sqlite failed: password=hunter2")

    monkeypatch.setattr("ppkl.reports.jobs.officer_pdf", broken)
    auth.login(client, "boss")
    job_url = start_batch(client)
    wait_for_thread_runner(app)
    html = client.get(job_url).get_data(as_text=True)
    assert "0 dari 2 laporan selesai, 2 gagal" in html
    assert "RuntimeError" not in html and "hunter2" not in html and "/srv/" not in html
    assert "Laporan tidak dapat dibuat. Kesalahannya telah dicatat di log server." in html
    archive = download(client, job_url)
    assert "hunter2" not in archive.read("FAILED.txt").decode()
    assert "hunter2" in caplog.text  # the whole story is in the server log


def test_batch_for_a_regency_without_officers_is_refused(world, app, client, auth, make_regency):
    empty = make_regency("Tana Tidung")
    auth.login(client, "boss")
    response = post_form(
        client, "/reports/batch", {**JUNE, "batch-regency": str(empty.id)}, page="/reports/"
    )
    assert response.status_code == 400
    assert "Tidak ada petugas aktif" in response.get_data(as_text=True)


def test_batch_period_over_the_cap_is_refused(world, client, auth):
    from ppkl.models import ReportJob

    auth.login(client, "boss")
    data = {**JUNE, "batch-start": "2017-01-01"}
    response = post_form(client, "/reports/batch", data, page="/reports/")
    assert response.status_code == 400
    assert 'id="batch-end-error"' in response.get_data(as_text=True)
    assert db.session.query(ReportJob).count() == 0


def test_rq_batch_reports_progress_and_survives_reload(world, app, client, auth, rq_queue):
    from rq import SimpleWorker

    auth.login(client, "boss")
    job_url = start_batch(client)
    assert rq_queue.count == 2  # nothing was rendered inside the request
    for _ in range(2):  # a reload shows the same job, still waiting
        html = client.get(job_url).get_data(as_text=True)
        assert "0 dari 2 laporan selesai, 0 gagal" in html
        assert 'http-equiv="refresh"' in html
    assert client.post(job_url + "/download", data={}).status_code in (400, 404)

    def worker(n):  # named after the queue, so the fixture finds and removes its keys
        return SimpleWorker([rq_queue], connection=rq_queue.connection, name=f"{rq_queue.name}-{n}")

    worker(1).work(burst=True, max_jobs=1)
    db.session.expire_all()
    html = client.get(job_url).get_data(as_text=True)
    assert "1 dari 2 laporan selesai" in html and 'http-equiv="refresh"' in html

    worker(2).work(burst=True)
    html = client.get(job_url).get_data(as_text=True)
    assert "2 dari 2 laporan selesai, 0 gagal" in html
    assert sorted(download(client, job_url).namelist()) == ["ppkl01.pdf", "ppkl02.pdf"]
