"""Two people, the same page, both submit: exactly one change is recorded, the second gets a
409 page naming the first person, and nothing the second typed is lost.

Each test opens the page in two clients and submits the forms exactly as the pages carried
them (version, target stage, status), with what each person typed.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ppkl.clock import office_today
from ppkl.extensions import db
from ppkl.models import Assignment, Cooperative, CooperativeHistory, RatRecord, Visit
from tests.conftest import add_assignment, login
from tests.page_forms import open_form, page_form

TODAY = office_today()
DAY = timedelta(days=1)


@pytest.fixture
def people(make_regency, make_user):
    home = make_regency("Bulungan")
    return {
        "home": home,
        "rina": make_user("ppkl01", role="ppkl", regency=home, full_name="Rina Officer"),
        "dedi": make_user("dak01", role="dak", regency=home, full_name="Dedi Assistant"),
        "tri": make_user("boss", role="supervisor", full_name="Tri Supervisor"),
        "sari": make_user("boss2", role="supervisor", full_name="Sari Supervisor"),
    }


@pytest.fixture
def two(app, people):
    """Two signed-in browsers: first, second."""

    def make(first: str, second: str):
        clients = []
        for username in (first, second):
            client = app.test_client()
            assert login(client, username).status_code == 302
            clients.append(client)
        return clients

    return make


@pytest.fixture
def rinas(people, make_cooperative):
    """A cooperative at rat_held that Rina covers."""
    coop = make_cooperative(regency=people["home"], stage="rat_held")
    add_assignment(coop, people["rina"])
    db.session.commit()
    return coop


def count(column, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(column)).where(*where))


def moves(coop_id: int, kind: str = "move") -> int:
    return count(
        CooperativeHistory.id,
        CooperativeHistory.cooperative_id == coop_id,
        CooperativeHistory.kind == kind,
    )


def refused(response, winner: str, *typed: str) -> str:
    """The 409 page: names who changed the cooperative and keeps every typed value."""
    assert response.status_code == 409, response.get_data(as_text=True)[-2000:]
    html = response.get_data(as_text=True)
    assert 'id="stale"' in html and winner in html
    for value in typed:
        assert value in html, value
    return html


def test_move_same_stage_twice_shows_both_and_offers_no_second_move(two, rinas):
    coop = rinas
    url = f"/certification/{coop.id}/move"
    tri, rina = two("boss", "ppkl01")
    first, second = open_form(tri, url), open_form(rina, url)
    assert first["to_stage"] == second["to_stage"] == "report_received"
    first.update(received_on=(TODAY - 3 * DAY).isoformat(), note="dibawa bendahara")
    second.update(received_on=(TODAY - DAY).isoformat(), note="laporan dibawa ketua")
    assert tri.post(url, data=first).status_code == 302
    html = refused(
        rina.post(url, data=second),
        "Tri Supervisor",
        "laporan dibawa ketua",
        f'value="{(TODAY - DAY).isoformat()}"',
    )
    # Not the next stage's form with errors under fields the user never saw.
    # (The field app's strings, on every page, name every field and say "wajib diisi": look
    # for a field and an error under one, not for the words.)
    assert 'name="entered_on"' not in html and "invalid-feedback" not in html
    assert 'id="stale-theirs"' in html  # the first person's evidence, beside the typed one
    assert "Simpan lagi" not in html  # the move has been made: nothing to apply again
    assert moves(coop.id) == 1
    assert db.session.get(Cooperative, coop.id).stage == "report_received"


def test_move_applies_again_when_the_stage_is_unchanged(two, rinas):
    coop = rinas
    move_url, rat_url = f"/certification/{coop.id}/move", f"/certification/{coop.id}/rat"
    tri, rina = two("boss", "ppkl01")
    ledger, move = open_form(tri, rat_url), open_form(rina, move_url)
    ledger.update(held_on=(TODAY - 9 * DAY).isoformat(), members_present="25")
    ledger["members_total"] = "40"
    move.update(received_on=(TODAY - DAY).isoformat(), note="laporan lengkap")
    assert tri.post(rat_url, data=ledger).status_code == 302
    html = refused(rina.post(move_url, data=move), "Tri Supervisor", "laporan lengkap")
    assert "RAT dicatat" in html  # what the change was
    again = page_form(html)
    db.session.expire_all()
    assert again["version"] == str(db.session.get(Cooperative, coop.id).version)
    assert rina.post(move_url, data=again).status_code == 302
    assert moves(coop.id) == 1


def test_correction(two, people, make_cooperative):
    coop = make_cooperative(regency=people["home"], stage="report_received")
    url = f"/certification/{coop.id}/correct"
    tri, sari = two("boss", "boss2")
    first, second = open_form(tri, url), open_form(sari, url)
    first.update(to_stage="rat_held", note="laporan salah koperasi")
    second.update(to_stage="not_started", note="RAT tidak sah, diulang")
    assert tri.post(url, data=first).status_code == 302
    html = refused(sari.post(url, data=second), "Tri Supervisor", "RAT tidak sah, diulang")
    assert '<option selected value="not_started">' in html  # the choice made is kept
    assert moves(coop.id, "correction") == 1
    # Still an earlier stage than the current one: applying again is offered, and works.
    assert sari.post(url, data=page_form(html)).status_code == 302
    assert db.session.get(Cooperative, coop.id).stage == "not_started"


def test_status(two, people, make_cooperative):
    coop = make_cooperative(regency=people["home"])
    url = f"/certification/{coop.id}/status"
    tri, sari = two("boss", "boss2")
    first, second = open_form(tri, url), open_form(sari, url)
    assert first["to_active"] == second["to_active"] == "0"
    first["note"], second["note"] = "bubar", "tidak ada pengurus sejak 2016"
    assert tri.post(url, data=first).status_code == 302
    html = refused(sari.post(url, data=second), "Tri Supervisor", "tidak ada pengurus sejak 2016")
    form = html.split('name="to_active"')[1].split("</form>")[0]
    assert 'type="submit"' not in form  # already inactive: nothing to apply again
    assert moves(coop.id, "deactivated") == 1


def test_rat_record(two, rinas):
    coop = rinas
    url = f"/certification/{coop.id}/rat"
    tri, rina = two("boss", "ppkl01")
    first, second = open_form(tri, url), open_form(rina, url)
    first.update(held_on=(TODAY - 20 * DAY).isoformat(), members_present="31", members_total="40")
    second.update(held_on=(TODAY - 19 * DAY).isoformat(), members_present="29", members_total="41")
    assert tri.post(url, data=first).status_code == 302
    html = refused(rina.post(url, data=second), "Tri Supervisor", 'value="29"', 'value="41"')
    theirs = html.split('id="stale-theirs"')[1].split("</dl>")[0]
    assert "31" in theirs  # the RAT the first person recorded, beside the typed one
    assert count(RatRecord.id) == 1
    assert db.session.scalar(select(RatRecord.members_present)) == 31
    assert rina.post(url, data=page_form(html)).status_code == 302  # apply again: update
    assert count(RatRecord.id) == 1
    assert db.session.scalar(select(RatRecord.members_present)) == 29


def test_bulk_move(two, people, make_cooperative):
    coop = make_cooperative(regency=people["home"], stage="report_received", name="KSP Sejahtera")
    other = make_cooperative(regency=people["home"], stage="report_received", name="KSP Lain")
    url, page = "/certification/bulk", "/certification/bulk?to=ods_entered"
    tri, sari = two("boss", "boss2")
    first, second = open_form(tri, page, "entered_on"), open_form(sari, page, "entered_on")
    first.update(cooperative=str(coop.id), entered_on=(TODAY - DAY).isoformat())
    second.setlist("cooperative", [str(coop.id), str(other.id)])
    second.update(entered_on=TODAY.isoformat(), entered_by="Operator Sari", note="batch Juni")
    assert tri.post(url, data=first).status_code == 302
    html = refused(sari.post(url, data=second), "Tri Supervisor", "Operator Sari", "batch Juni")
    assert "KSP Sejahtera" in html.split('id="stale"')[1].split("</div>")[0]
    assert f'value="{other.id}" checked' in html  # the ticks still valid stay ticked
    assert moves(coop.id) == 1 and moves(other.id) == 0
    assert sari.post(url, data=page_form(html, "entered_on")).status_code == 302  # the rest
    assert moves(coop.id) == 1 and moves(other.id) == 1


def test_visit_with_move(two, people, make_cooperative):
    coop = make_cooperative(regency=people["home"], stage="not_started", members=40)
    add_assignment(coop, people["rina"])
    add_assignment(coop, people["dedi"])
    db.session.commit()
    url = f"/visits/new?cooperative={coop.id}"
    rina, dedi = two("ppkl01", "dak01")
    first, second = open_form(rina, url, "move-version"), open_form(dedi, url, "move-version")
    for form, held, notes in ((first, 5, "RAT di balai desa"), (second, 4, "RAT di kantor camat")):
        form.update(
            {
                "purposes": "pendampingan_rat",
                "record_move": "y",
                "notes": notes,
                "people_met": "Pak Ketua",
                "move-fiscal_year": str(TODAY.year - 1),
                "move-held_on": (TODAY - held * DAY).isoformat(),
                "move-members_present": "30",
                "move-members_total": "40",
            }
        )
    response = rina.post(url, data=first)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    html = refused(dedi.post(url, data=second), "Rina Officer", "RAT di kantor camat", "Pak Ketua")
    assert count(Visit.id) == 1 and moves(coop.id) == 1
    # The move is made; the visit can still be saved alone from the page as it came back.
    again = page_form(html, "move-version")
    assert "record_move" not in again
    assert dedi.post(url, data=again).status_code == 302
    assert count(Visit.id) == 2 and moves(coop.id) == 1


def test_assignment_from_the_cooperative_page(two, people, make_cooperative):
    coop = make_cooperative(regency=people["home"])
    page, url = f"/cooperatives/{coop.id}", f"/assignments/cooperative/{coop.id}"
    tri, sari = two("boss", "boss2")
    first, second = open_form(tri, page, "officer"), open_form(sari, page, "officer")
    first["officer"] = f"user:{people['rina'].id}"
    second["officer"] = f"user:{people['dedi'].id}"
    assert tri.post(url, data=first).status_code == 302
    html = refused(
        sari.post(url, data=second),
        "Tri Supervisor",
        f'<option value="user:{people["dedi"].id}" data-label="{people["dedi"].full_name} '
        f'({people["dedi"].username})" selected>',
    )
    assert "Petugas ditugaskan" in html
    assert count(Assignment.id) == 1
    assert sari.post(url, data=page_form(html, "officer")).status_code == 302
    assert count(Assignment.id) == 2  # PPKL and DAK assistant, each once


def test_bulk_assignment(two, people, make_cooperative):
    coop = make_cooperative(regency=people["home"], name="KSP Sejahtera")
    url = "/assignments/"
    tri, sari = two("boss", "boss2")
    first, second = open_form(tri, url, "officer"), open_form(sari, url, "officer")
    for form, officer in ((first, people["rina"]), (second, people["dedi"])):
        form.update(officer=f"user:{officer.id}", target="selected", cooperative_ids=str(coop.id))
    assert tri.post(url, data=first).status_code == 302
    html = refused(sari.post(url, data=second), "Tri Supervisor", "KSP Sejahtera")
    assert f'value="{coop.id}" checked' in html
    assert count(Assignment.id) == 1
    assert sari.post(url, data=page_form(html, "officer")).status_code == 302
    assert count(Assignment.id) == 2


def test_an_uncaught_stale_edit_answers_json_for_the_api(app, people, make_cooperative):
    from ppkl.access import signed_in
    from ppkl.certification.services import advance_stage
    from ppkl.workflow import RatEvidence

    coop = make_cooperative(regency=people["home"])
    loaded_at = coop.version

    def api_move():  # what a JSON endpoint does: call the service, let StaleEdit through
        advance_stage(
            people["rina"],
            coop,
            "rat_held",
            RatEvidence(TODAY.year - 1, TODAY, 1, 2),
            None,
            loaded_at,
            TODAY,
        )

    app.add_url_rule("/api/v1/test-stale", "test_stale", signed_in(api_move))
    coop.members = 12  # someone changes it first
    db.session.commit()
    client = app.test_client()
    assert login(client, "ppkl01").status_code == 302
    response = client.get("/api/v1/test-stale")
    assert response.status_code == 409
    body = response.get_json()
    assert body["code"] == "stale"
    assert set(body["current"]) >= {"stage", "version", "changed_by", "changed_at"}
    assert body["current"]["version"] == loaded_at + 1
    assert body["current"]["changed_at"].endswith("Z")
