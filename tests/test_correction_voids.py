"""A correction that undoes the RAT stage voids that year's RAT record: the page, the flags and
the ledger follow, and the record is kept with the reason."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from ppkl.certification.deadlines import Flag, rules_from_config
from ppkl.certification.queries import flag_condition
from ppkl.certification.services import advance_stage
from ppkl.clock import office_today
from ppkl.extensions import db
from ppkl.models import Cooperative, CooperativeHistory, RatRecord, User
from ppkl.workflow import RatEvidence, Stage
from tests.helpers import post_form

TODAY = office_today()
HELD_ON = TODAY - timedelta(days=40)  # its report is now overdue
FISCAL_YEAR = HELD_ON.year - 1


@pytest.fixture
def held(app, make_regency, make_user, make_cooperative):
    home = make_regency("Bulungan")
    officer = make_user("ppkl01", role="ppkl", regency=home)
    make_user("boss", role="supervisor")
    coop = make_cooperative(regency=home, name="Koperasi Maju")
    advance_stage(
        officer, coop, Stage.RAT_HELD, RatEvidence(FISCAL_YEAR, HELD_ON, 20, 30), None, None, TODAY
    )
    db.session.commit()
    return coop


def flagged_late(coop_id: int) -> bool:
    from flask import current_app

    condition = flag_condition(Flag.REPORT_OVERDUE, TODAY, rules_from_config(current_app.config))
    found = select(Cooperative.id).where(Cooperative.id == coop_id, condition)
    return db.session.scalar(found) is not None


def test_correcting_rat_held_back_voids_the_rat_record(client, auth, held):
    auth.login(client, "boss")
    before = client.get(f"/cooperatives/{held.id}").get_data(as_text=True)
    assert "flag-report_overdue" in before and flagged_late(held.id)
    assert "dilaksanakan" in before[before.index('id="rat-compliance"') :]

    url = f"/certification/{held.id}/correct"
    data = {"to_stage": "not_started", "note": "RAT belum sah", "version": str(held.version)}
    assert post_form(client, url, data).status_code == 302

    db.session.expire_all()
    rat = db.session.scalar(select(RatRecord))
    boss = db.session.scalar(select(User).where(User.username == "boss"))
    assert rat is not None  # kept, not deleted
    assert (rat.void_reason, rat.voided_by_id) == ("RAT belum sah", boss.id)
    assert rat.voided_at is not None
    entry = db.session.scalar(
        select(CooperativeHistory).where(CooperativeHistory.kind == "correction")
    )
    assert entry.evidence["voided_rat_fiscal_year"] == FISCAL_YEAR

    html = client.get(f"/cooperatives/{held.id}").get_data(as_text=True)
    assert "flag-report_overdue" not in html and not flagged_late(held.id)
    compliance = html[html.index('id="rat-compliance"') : html.index('id="timeline"')]
    assert "dilaksanakan" not in compliance  # no RAT held beside "Belum mulai"
    assert "RAT dibatalkan, tahun buku" in html  # the timeline says what the correction undid


def test_recording_the_year_again_brings_the_record_back(client, auth, held):
    auth.login(client, "boss")
    url = f"/certification/{held.id}/correct"
    post_form(client, url, {"to_stage": "not_started", "note": "salah", "version": "2"})
    db.session.expire_all()
    coop = db.session.get(Cooperative, held.id)
    officer = db.session.scalar(select(User).where(User.username == "ppkl01"))
    advance_stage(
        officer, coop, Stage.RAT_HELD, RatEvidence(FISCAL_YEAR, HELD_ON, 25, 30), None, None, TODAY
    )
    db.session.commit()
    rat = db.session.scalar(select(RatRecord))
    assert (rat.voided_at, rat.members_present) == (None, 25)
