"""Who may print what: officers their own report only, supervisors any, batches supervisors."""

import pytest

from tests.helpers import post_form

JUNE_ARGS = "start=2019-06-01&end=2019-06-30"


def test_officer_opens_own_report(world, client, auth):
    auth.login(client, "ppkl01")
    assert client.get(f"/reports/officer?{JUNE_ARGS}").status_code == 200
    own = f"/reports/officer?officer={world.officer.id}&{JUNE_ARGS}"
    assert client.get(own).status_code == 200


def test_officer_is_refused_another_officers_report(world, client, auth):
    auth.login(client, "ppkl01")
    other = f"/reports/officer?officer={world.other_officer.id}&{JUNE_ARGS}"
    assert client.get(other).status_code == 403
    response = post_form(
        client,
        f"/reports/officer/{world.other_officer.id}/pdf",
        {"start": "2019-06-01", "end": "2019-06-30"},
        page="/reports/",
    )
    assert response.status_code == 403


def test_officer_downloads_own_pdf_and_it_is_audited(world, client, auth):
    from sqlalchemy import select

    from ppkl.extensions import db
    from ppkl.models import AuditEvent

    auth.login(client, "ppkl01")
    response = post_form(
        client,
        f"/reports/officer/{world.officer.id}/pdf",
        {"start": "2019-06-01", "end": "2019-06-30"},
        page="/reports/",
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"%PDF")
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "officer_report.generated")
    )
    assert event.username == "ppkl01" and event.target == f"user:{world.officer.id}"


def test_supervisor_prints_any_officer(world, client, auth):
    auth.login(client, "boss")
    for officer in (world.officer, world.other_officer):
        url = f"/reports/officer?officer={officer.id}&{JUNE_ARGS}"
        assert client.get(url).status_code == 200


def test_report_of_a_non_officer_or_missing_user_is_404(world, client, auth):
    auth.login(client, "boss")
    assert (
        client.get(f"/reports/officer?officer={world.supervisor.id}&{JUNE_ARGS}").status_code == 404
    )
    assert client.get(f"/reports/officer?officer=999999&{JUNE_ARGS}").status_code == 404


@pytest.mark.parametrize("path", ["/reports/", "/reports/recap?as_of=2019-06-30"])
def test_signed_out_visitors_go_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_officers_cannot_start_or_see_batches(world, client, auth):
    auth.login(client, "ppkl01")
    index = client.get("/reports/").get_data(as_text=True)
    assert 'id="batch-form"' not in index
    response = post_form(
        client,
        "/reports/batch",
        {"batch-regency": "0", "batch-start": "2019-06-01", "batch-end": "2019-06-30"},
        page="/reports/",
    )
    assert response.status_code == 403
    assert client.get("/reports/jobs/abc").status_code == 403


def test_officer_form_lists_only_the_officer(world, client, auth):
    auth.login(client, "ppkl01")
    html = client.get("/reports/").get_data(as_text=True)
    assert "Andi Saputra" in html and "Budi Wijaya" not in html
    auth.logout(client)
    auth.login(client, "boss")
    html = client.get("/reports/").get_data(as_text=True)
    assert "Andi Saputra" in html and "Budi Wijaya" in html


def test_junk_job_ids_are_404_before_any_query(world, client, auth):
    auth.login(client, "boss")
    for junk in ("abc", "x' OR 1=1 --", "0" * 33, "G" * 32):
        assert client.get(f"/reports/jobs/{junk}").status_code == 404
    assert client.get("/reports/jobs/" + "0" * 32).status_code == 404
