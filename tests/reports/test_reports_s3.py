"""The report cache and batch files on the S3 backend (moto's server)."""

import pytest

from ppkl.extensions import db
from ppkl.reports.jobs import wait_for_thread_runner
from tests.reports.test_batches import download, start_batch
from tests.reports.test_cache import pdf


@pytest.fixture
def bucket_keys(app, s3_storage_settings, s3_client):
    app.config.update(s3_storage_settings)

    def keys(prefix):
        bucket = s3_storage_settings["S3_BUCKET"]
        found = s3_client.list_objects_v2(Bucket=bucket, Prefix="ppkl/" + prefix)
        return sorted(o["Key"] for o in found.get("Contents", []))

    return keys


def test_the_officer_pdf_is_cached_in_the_bucket(world, bucket_keys):
    first = pdf(world)
    [cached] = bucket_keys("report-cache/")
    assert cached.startswith(f"ppkl/report-cache/officer-{world.officer.id}_")
    again = pdf(world)
    assert again.from_cache and again.pdf == first.pdf
    world.visits[0].outcome = "Hasil diperbarui"
    db.session.commit()
    assert not pdf(world).from_cache
    [newer] = bucket_keys("report-cache/")  # the older file of the same report is gone
    assert newer != cached


def test_a_batch_keeps_its_pdfs_and_zip_in_the_bucket(world, app, client, auth, bucket_keys):
    auth.login(client, "boss")
    job_url = start_batch(client)
    wait_for_thread_runner(app)
    job_id = job_url.rsplit("/", 1)[-1]
    assert f"ppkl/report-jobs/{job_id}.zip" in bucket_keys("report-jobs/")
    assert len(bucket_keys(f"report-jobs/{job_id}/")) == 2
    assert sorted(download(client, job_url).namelist()) == ["ppkl01.pdf", "ppkl02.pdf"]
