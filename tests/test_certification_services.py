"""Stage moves through the service: every allowed and refused move, history and audit."""

from datetime import date

import pytest
from sqlalchemy import select

from ppkl.certification.services import (
    BulkRefused,
    MoveRefused,
    advance_stage,
    bulk_advance,
    correct_stage,
    set_active,
)
from ppkl.cooperatives.changes import explain_stale
from ppkl.domain import StaleEdit
from ppkl.extensions import db
from ppkl.models import AuditEvent, CooperativeHistory, RatRecord
from ppkl.workflow import (
    CertificateEvidence,
    OdsEvidence,
    RatEvidence,
    ReportEvidence,
    Stage,
)

TODAY = date(2019, 6, 30)
RAT = RatEvidence(2018, date(2019, 3, 2), 30, 50)
REPORT = ReportEvidence(date(2019, 3, 20))
ODS = OdsEvidence(date(2019, 4, 2), "Operator ODS")
CERT = CertificateEvidence("6501000000000001", date(2019, 5, 2))
EVIDENCE = {
    Stage.RAT_HELD: RAT,
    Stage.REPORT_RECEIVED: REPORT,
    Stage.ODS_ENTERED: ODS,
    Stage.CERTIFIED: CERT,
}


def codes(error) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in error.value.problems}


@pytest.fixture
def people(app, make_regency, make_user):
    home = make_regency("Bulungan")
    other = make_regency("Tarakan")
    return {
        "home": home,
        "other": other,
        "officer": make_user("ppkl01", role="ppkl", regency=home),
        "dak": make_user("dak01", role="dak", regency=home),
        "stranger": make_user("ppkl02", role="ppkl", regency=other),
        "supervisor": make_user("boss", role="supervisor"),
    }


def advance(actor, coop, to_stage, evidence=None, note=None):
    return advance_stage(
        actor, coop, to_stage, evidence or EVIDENCE[Stage(to_stage)], note, coop.version, TODAY
    )


def test_an_officer_walks_a_cooperative_to_certified(people, make_cooperative):
    coop = make_cooperative(regency=people["home"])
    officer = people["officer"]
    for stage in list(Stage)[1:]:
        entry = advance(officer, coop, stage, note=f"to {stage}")
        assert (entry.from_stage, entry.to_stage, entry.user_id) == (
            list(Stage)[list(Stage).index(stage) - 1],
            stage,
            officer.id,
        )
    db.session.commit()
    assert (coop.stage, coop.nik, coop.version) == ("certified", "6501000000000001", 5)
    rat = db.session.scalar(select(RatRecord))
    assert (rat.fiscal_year, rat.held_on, rat.report_received_on) == (
        2018,
        date(2019, 3, 2),
        date(2019, 3, 20),
    )
    history = db.session.scalars(select(CooperativeHistory).order_by(CooperativeHistory.id)).all()
    assert [h.to_stage for h in history] == [s.value for s in list(Stage)[1:]]
    assert history[-1].evidence == {"nik": "6501000000000001", "issued_on": "2019-05-02"}
    assert history[0].effective_date == date(2019, 3, 2)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("cooperative.moved") == 4


@pytest.mark.parametrize("role", ["dak", "supervisor"])
def test_dak_assistants_and_supervisors_may_move_forward(people, make_cooperative, role):
    coop = make_cooperative(regency=people["home"])
    advance(people[role], coop, Stage.RAT_HELD)
    assert coop.stage == "rat_held"


def test_officers_of_another_regency_may_not_move(people, make_cooperative):
    coop = make_cooperative(regency=people["home"])
    with pytest.raises(MoveRefused) as error:
        advance(people["stranger"], coop, Stage.RAT_HELD)
    assert codes(error) == {("stage", "not_allowed")}


@pytest.mark.parametrize(
    ("stage", "to_stage"),
    [
        ("not_started", "report_received"),
        ("not_started", "certified"),
        ("rat_held", "ods_entered"),
        ("rat_held", "rat_held"),
        ("certified", "certified"),
    ],
)
def test_skipping_or_staying_is_refused(people, make_cooperative, stage, to_stage):
    coop = make_cooperative(regency=people["home"], stage=stage)
    with pytest.raises(MoveRefused) as error:
        advance(people["supervisor"], coop, to_stage)
    assert codes(error) == {("stage", "not_next_stage")}


def test_forward_move_cannot_go_backward(people, make_cooperative):
    coop = make_cooperative(regency=people["home"], stage="ods_entered")
    with pytest.raises(MoveRefused) as error:
        advance(people["officer"], coop, Stage.RAT_HELD, evidence=RAT)
    assert codes(error) == {("stage", "not_next_stage")}  # backward is correct_stage()


def test_inactive_cooperatives_refuse_every_move(people, make_cooperative):
    coop = make_cooperative(regency=people["home"], active=False)
    with pytest.raises(MoveRefused) as error:
        advance(people["supervisor"], coop, Stage.RAT_HELD)
    assert codes(error) == {("stage", "inactive")}
    with pytest.raises(MoveRefused) as error:
        correct_stage(people["supervisor"], coop, "not_started", "oops", coop.version, TODAY)
    assert ("stage", "inactive") in codes(error)


def test_bad_evidence_changes_nothing(people, make_cooperative):
    coop = make_cooperative(regency=people["home"])
    with pytest.raises(MoveRefused) as error:
        advance(
            people["officer"], coop, Stage.RAT_HELD, RatEvidence(2018, date(2019, 7, 1), 60, 50)
        )
    assert codes(error) == {("held_on", "in_future"), ("members_present", "more_than_total")}
    db.session.rollback()
    assert db.session.scalar(select(CooperativeHistory)) is None
    assert coop.stage == "not_started"


def test_report_may_not_precede_the_rat(people, make_cooperative):
    coop = make_cooperative(regency=people["home"])
    advance(people["officer"], coop, Stage.RAT_HELD)
    with pytest.raises(MoveRefused) as error:
        advance(people["officer"], coop, Stage.REPORT_RECEIVED, ReportEvidence(date(2019, 3, 1)))
    assert codes(error) == {("received_on", "before_rat")}


def test_nik_must_be_unique_across_cooperatives(people, make_cooperative):
    make_cooperative(regency=people["other"], stage="certified", nik=CERT.nik, name="KSP Lama")
    coop = make_cooperative(regency=people["home"], stage="ods_entered")
    with pytest.raises(MoveRefused) as error:
        advance(people["supervisor"], coop, Stage.CERTIFIED)
    # The supervisor may see the holder: it is named; an officer of another regency is not told.
    assert codes(error) == {("nik", "nik_taken_by")}
    assert error.value.problems[0].params == {"cooperative": "KSP Lama"}
    with pytest.raises(MoveRefused) as error:
        advance(people["officer"], coop, Stage.CERTIFIED)
    assert codes(error) == {("nik", "nik_taken")}


def test_nik_pattern_comes_from_configuration(app, people, make_cooperative):
    coop = make_cooperative(regency=people["home"], stage="ods_entered")
    app.config["NIK_PATTERN"] = r"KOP-\d{4}"
    with pytest.raises(MoveRefused) as error:
        advance(people["supervisor"], coop, Stage.CERTIFIED)
    assert codes(error) == {("nik", "nik_pattern")}
    advance(people["supervisor"], coop, Stage.CERTIFIED, CertificateEvidence("KOP-0001", TODAY))
    assert coop.nik == "KOP-0001"


def test_corrections_are_for_supervisors_with_a_reason(people, make_cooperative):
    coop = make_cooperative(regency=people["home"], stage="certified", nik=CERT.nik)
    with pytest.raises(MoveRefused) as error:
        correct_stage(people["officer"], coop, "ods_entered", "wrong NIK", coop.version, TODAY)
    assert ("stage", "not_allowed") in codes(error)
    with pytest.raises(MoveRefused) as error:
        correct_stage(people["supervisor"], coop, "ods_entered", "  ", coop.version, TODAY)
    assert codes(error) == {("note", "reason_required")}
    with pytest.raises(MoveRefused) as error:
        correct_stage(people["supervisor"], coop, "certified", "same", coop.version, TODAY)
    assert codes(error) == {("to_stage", "not_earlier_stage")}
    entry = correct_stage(
        people["supervisor"], coop, "ods_entered", "wrong NIK", coop.version, TODAY
    )
    assert (coop.stage, coop.nik) == ("ods_entered", None)
    assert (entry.kind, entry.note, entry.evidence) == (
        "correction",
        "wrong NIK",
        {"removed_nik": CERT.nik},
    )


def test_deactivate_and_reactivate_with_a_reason(people, make_cooperative):
    coop = make_cooperative(regency=people["home"])
    boss = people["supervisor"]
    with pytest.raises(MoveRefused) as error:
        set_active(people["officer"], coop, False, "no RAT", coop.version, TODAY)
    assert codes(error) == {("active", "not_allowed")}
    with pytest.raises(MoveRefused) as error:
        set_active(boss, coop, False, "", coop.version, TODAY)
    assert codes(error) == {("note", "reason_required")}
    with pytest.raises(MoveRefused) as error:
        set_active(boss, coop, True, "again", coop.version, TODAY)
    assert codes(error) == {("active", "already_active")}
    off = set_active(boss, coop, False, "no RAT since 2015", coop.version, TODAY)
    on = set_active(boss, coop, True, "RAT held again", coop.version, TODAY)
    assert (off.kind, off.from_active, off.to_active) == ("deactivated", True, False)
    assert (on.kind, on.to_active, coop.active) == ("reactivated", True, True)


def test_a_stale_version_is_refused_and_tells_who_changed_it(people, make_cooperative):
    coop = make_cooperative(regency=people["home"])
    loaded_at = coop.version
    advance(people["dak"], coop, Stage.RAT_HELD)
    db.session.commit()
    with pytest.raises(StaleEdit) as refused:
        advance_stage(
            people["officer"], coop, Stage.REPORT_RECEIVED, REPORT, None, loaded_at, TODAY
        )
    payload = explain_stale(refused.value).payload()
    assert payload["code"] == "stale"
    current = payload["current"]
    assert (current["changed_by"], current["stage"]) == (people["dak"].full_name, "rat_held")
    assert (current["version"], current["change"]) == (loaded_at + 1, "cooperative.moved")
    assert current["changed_at"]


def test_bulk_moves_all_or_nothing(people, make_cooperative):
    boss = people["supervisor"]
    ready = [make_cooperative(regency=people["home"], stage="report_received") for _ in range(3)]
    early = make_cooperative(regency=people["home"], stage="rat_held")
    asleep = make_cooperative(regency=people["home"], stage="report_received", active=False)
    chosen = [*ready, early, asleep]
    versions = {c.id: c.version for c in chosen}
    with pytest.raises(BulkRefused) as error:
        bulk_advance(boss, chosen, Stage.ODS_ENTERED, ODS, None, versions, TODAY)
    refusals = {cid: {p.code for p in problems} for cid, problems in error.value.refusals.items()}
    assert refusals == {early.id: {"not_next_stage"}, asleep.id: {"inactive"}}
    db.session.rollback()
    assert db.session.scalar(select(CooperativeHistory)) is None
    moved = bulk_advance(boss, ready, Stage.ODS_ENTERED, ODS, "batch", versions, TODAY)
    db.session.commit()
    assert len(moved) == 3 and {c.stage for c in ready} == {"ods_entered"}


def test_bulk_refuses_a_changed_cooperative_and_shared_niks(people, make_cooperative):
    boss = people["supervisor"]
    coop = make_cooperative(regency=people["home"], stage="report_received")
    with pytest.raises(BulkRefused) as error:
        bulk_advance(boss, [coop], Stage.ODS_ENTERED, ODS, None, {coop.id: 99}, TODAY)
    assert {p.code for p in error.value.refusals[coop.id]} == {"changed_meanwhile"}
    with pytest.raises(BulkRefused) as error:
        bulk_advance(boss, [coop], Stage.CERTIFIED, CERT, None, {coop.id: coop.version}, TODAY)
    assert [p.code for p in error.value.problems] == ["not_for_bulk"]
    with pytest.raises(BulkRefused) as error:
        bulk_advance(boss, [], Stage.ODS_ENTERED, ODS, None, {}, TODAY)
    assert [p.code for p in error.value.problems] == ["none_selected"]


def test_officers_bulk_only_what_they_cover(people, make_cooperative):
    mine = make_cooperative(regency=people["home"], stage="rat_held")
    theirs = make_cooperative(regency=people["other"], stage="rat_held")
    versions = {mine.id: mine.version, theirs.id: theirs.version}
    with pytest.raises(BulkRefused) as error:
        bulk_advance(
            people["officer"], [mine, theirs], Stage.REPORT_RECEIVED, REPORT, None, versions, TODAY
        )
    assert list(error.value.refusals) == [theirs.id]
