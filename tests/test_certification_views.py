"""The workflow's pages: move forms, corrections, status, stale versions, bulk, ledger."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ppkl.clock import office_today
from ppkl.extensions import db
from ppkl.models import Cooperative, CooperativeHistory, RatRecord
from tests.helpers import post_form

TODAY = office_today()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()
REPORT = {"to_stage": "report_received"}


@pytest.fixture
def world(app, make_regency, make_user, make_cooperative):
    home = make_regency("Bulungan")
    other = make_regency("Tarakan")
    make_user("ppkl01", role="ppkl", regency=home, full_name="Rina Officer")
    make_user("ppkl02", role="ppkl", regency=other)
    make_user("boss", role="supervisor", full_name="Tri Supervisor")
    return {
        "home": home,
        "other": other,
        "coop": make_cooperative(regency=home, stage="rat_held", name="Koperasi Maju"),
    }


def history_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(CooperativeHistory.id)))


def test_officer_records_the_report_and_sees_it_in_the_timeline(client, auth, world):
    coop = world["coop"]
    auth.login(client, "ppkl01")
    url = f"/certification/{coop.id}/move"
    response = post_form(
        client, url, {"received_on": YESTERDAY, "note": "dibawa ketua", "version": "1", **REPORT}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cooperatives/{coop.id}#timeline")
    html = client.get(f"/cooperatives/{coop.id}").get_data(as_text=True)
    assert "Laporan RAT diterima" in html and "dibawa ketua" in html and "Rina Officer" in html
    db.session.expire_all()
    assert db.session.get(Cooperative, coop.id).stage == "report_received"


def test_move_errors_show_next_to_the_field(client, auth, world):
    auth.login(client, "ppkl01")
    url = f"/certification/{world['coop'].id}/move"
    future = (TODAY + timedelta(days=1)).isoformat()
    response = post_form(client, url, {"received_on": future, "version": "1", **REPORT})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="received_on-error"' in html and "Tanggal ini di masa depan." in html
    assert history_count() == 0


def test_a_stale_form_names_who_changed_it(client, auth, world):
    from ppkl.certification.services import set_active
    from ppkl.models import User

    coop = world["coop"]
    auth.login(client, "ppkl01")
    url = f"/certification/{coop.id}/move"
    assert 'name="version" type="hidden" value="1"' in client.get(url).get_data(as_text=True)
    boss = db.session.scalar(select(User).where(User.username == "boss"))
    set_active(boss, coop, False, "check", coop.version, TODAY)  # meanwhile, elsewhere
    set_active(boss, coop, True, "fine", coop.version, TODAY)
    db.session.commit()
    response = post_form(client, url, {"received_on": YESTERDAY, "version": "1", **REPORT})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'id="stale"' in html and "Tri Supervisor" in html
    db.session.expire_all()
    assert db.session.get(Cooperative, coop.id).stage == "rat_held"
    assert history_count() == 2


def test_officers_of_other_regencies_get_403_and_missing_is_404(client, auth, world):
    auth.login(client, "ppkl02")
    assert client.get(f"/certification/{world['coop'].id}/move").status_code == 403
    assert client.get("/certification/9999/move").status_code == 404


def test_officers_may_not_correct_or_deactivate(client, auth, world):
    auth.login(client, "ppkl01")
    cid = world["coop"].id
    assert client.get(f"/certification/{cid}/correct").status_code == 403
    assert client.get(f"/certification/{cid}/status").status_code == 403
    html = client.get(f"/cooperatives/{cid}").get_data(as_text=True)
    assert "Koreksi tahap" not in html and 'id="move-button"' in html


def test_supervisor_corrects_with_a_reason(client, auth, world):
    cid = world["coop"].id
    auth.login(client, "boss")
    url = f"/certification/{cid}/correct"
    response = post_form(client, url, {"to_stage": "not_started", "note": "", "version": "1"})
    assert response.status_code == 400 and 'id="note-error"' in response.get_data(as_text=True)
    response = post_form(
        client, url, {"to_stage": "not_started", "note": "salah koperasi", "version": "1"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    entry = db.session.scalar(select(CooperativeHistory))
    assert (entry.kind, entry.note, entry.to_stage) == (
        "correction",
        "salah koperasi",
        "not_started",
    )


def test_deactivated_cooperatives_refuse_moves_with_a_message(client, auth, world):
    cid = world["coop"].id
    auth.login(client, "boss")
    assert (
        post_form(
            client,
            f"/certification/{cid}/status",
            {"note": "bubar", "version": "1", "to_active": "0"},
        ).status_code
        == 302
    )
    html = client.get(f"/certification/{cid}/move").get_data(as_text=True)
    assert "Koperasi ini tidak aktif" in html and 'id="move-form"' not in html
    response = post_form(
        client,
        f"/certification/{cid}/move",
        {"received_on": YESTERDAY, "version": "2", **REPORT},
        page=f"/cooperatives/{cid}",
    )
    assert response.status_code == 400 and "Koperasi ini tidak aktif" in response.get_data(
        as_text=True
    )
    response = post_form(
        client,
        f"/certification/{cid}/status",
        {"note": "aktif lagi", "version": "2", "to_active": "1"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Cooperative, cid).active is True
    assert history_count() == 2


def test_low_attendance_is_a_warning(client, auth, world, make_cooperative):
    coop = make_cooperative(regency=world["home"])
    auth.login(client, "ppkl01")
    data = {
        "fiscal_year": str(TODAY.year - 1),
        "held_on": YESTERDAY if TODAY.month > 1 or TODAY.day > 1 else TODAY.isoformat(),
        "members_present": "10",
        "members_total": "30",
        "version": "1",
        "to_stage": "rat_held",
    }
    response = post_form(client, f"/certification/{coop.id}/move", data, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Kurang dari separuh anggota hadir" in html
    db.session.expire_all()
    rat = db.session.scalar(select(RatRecord))
    assert (rat.members_present, rat.members_total) == (10, 30)


def test_bulk_move_refuses_all_and_lists_each_reason(client, auth, world, make_cooperative):
    ready = [make_cooperative(regency=world["home"], stage="report_received") for _ in range(2)]
    late = make_cooperative(regency=world["home"], stage="report_received", name="Koperasi Lambat")
    data = {
        "to": "ods_entered",
        "entered_on": YESTERDAY,
        "entered_by": "Operator",
        "cooperative": [str(c.id) for c in [*ready, late]],
        **{f"version-{c.id}": str(c.version) for c in ready},
        f"version-{late.id}": "7",  # changed since the list was shown
    }
    auth.login(client, "boss")
    page = "/certification/bulk?to=ods_entered"
    assert "Koperasi Lambat" in client.get(page).get_data(as_text=True)
    response = post_form(client, "/certification/bulk", data, page=page)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'id="stale"' in html and "Koperasi Lambat" in html
    assert history_count() == 0
    data[f"version-{late.id}"] = str(late.version)
    response = post_form(client, "/certification/bulk", data, page=page)
    assert response.status_code == 302
    assert history_count() == 3


def test_bulk_is_for_supervisors(client, auth, world):
    auth.login(client, "ppkl01")
    assert client.get("/certification/bulk").status_code == 403


def test_rat_ledger_records_a_year_with_health(client, auth, world, app):
    cid = world["coop"].id
    auth.login(client, "ppkl01")
    url = f"/certification/{cid}/rat"
    data = {
        "fiscal_year": str(TODAY.year - 1),
        "held_on": YESTERDAY,
        "members_present": "20",
        "members_total": "30",
        "health": "Bukan kategori",
        "version": "1",
    }
    response = post_form(client, url, data)
    assert response.status_code == 400
    data["health"] = "Cukup Sehat"
    assert post_form(client, url, data).status_code == 302
    db.session.expire_all()
    rat = db.session.scalar(select(RatRecord))
    assert (rat.fiscal_year, rat.health) == (TODAY.year - 1, "Cukup Sehat")
    assert db.session.get(Cooperative, cid).stage == "rat_held"  # the ledger moves nothing
    html = client.get(f"{url}?year={TODAY.year - 1}").get_data(as_text=True)
    assert 'value="20"' in html and '<option selected value="Cukup Sehat">' in html
    data["report_received_on"] = TODAY.isoformat()
    data["version"] = "2"  # recording the RAT changed the cooperative
    assert post_form(client, url, data).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count(RatRecord.id))) == 1  # one per fiscal year
    assert db.session.scalar(select(RatRecord.report_received_on)) == TODAY


def test_targets_set_by_supervisors_and_shown_on_the_dashboard(
    client, auth, world, make_cooperative
):
    make_cooperative(regency=world["home"], stage="certified", nik="6501000000000009")
    auth.login(client, "ppkl01")
    assert client.get("/certification/targets").status_code == 200
    auth.logout(client)
    auth.login(client, "boss")
    data = {"year": str(TODAY.year), "regency_id": "0", "target": "0"}
    response = post_form(client, "/certification/targets", data)
    assert response.status_code == 400 and 'id="target-error"' in response.get_data(as_text=True)
    data["target"] = "13"
    assert post_form(client, "/certification/targets", data).status_code == 302
    data.update(regency_id=str(world["home"].id), target="5")
    assert post_form(client, "/certification/targets", data).status_code == 302
    html = client.get("/dashboard").get_data(as_text=True)
    assert html.count('class="border rounded bg-white p-2 mb-2 target-progress"') == 2
    assert "1 / 13" in html and "1 / 5" in html


def test_officers_cannot_set_targets(client, auth, world):
    auth.login(client, "ppkl01")
    data = {"year": str(TODAY.year), "regency_id": "0", "target": "10"}
    response = post_form(client, "/certification/targets", data, page="/dashboard")
    assert response.status_code == 403


def test_numbers_beyond_the_database_range_are_refused_by_the_field(client, auth, world):
    auth.login(client, "ppkl01")
    url = f"/certification/{world['coop'].id}/rat"
    data = {
        "fiscal_year": str(TODAY.year - 1),
        "held_on": YESTERDAY,
        "members_present": "20",
        "members_total": "99999999999",
        "version": "1",
    }
    response = post_form(client, url, data)
    assert response.status_code == 400
    assert 'id="members_total-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(RatRecord.id))) == 0


def test_bulk_ignores_junk_ids(client, auth, world):
    auth.login(client, "boss")
    data = {
        "to": "junk",
        "entered_on": YESTERDAY,
        "entered_by": "Operator",
        "cooperative": ["abc", "²", "99999999999", "-3"],
        "version-abc": "x",
    }
    response = post_form(client, "/certification/bulk", data, page="/certification/bulk")
    assert response.status_code == 400
    assert "Pilih paling sedikit satu koperasi." in response.get_data(as_text=True)
