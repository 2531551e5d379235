"""The pure stage rules: allowed moves and every evidence rule."""

from datetime import date

import pytest

from ppkl.workflow import (
    CertificateEvidence,
    EvidenceContext,
    OdsEvidence,
    Problem,
    RatEvidence,
    ReportEvidence,
    Stage,
    check_evidence,
    check_note,
    correction_targets,
    evidence_json,
    evidence_warnings,
    is_backward_move,
    is_forward_move,
    next_stage,
)

TODAY = date(2019, 6, 30)
CTX = EvidenceContext(today=TODAY)


def codes(problems: list[Problem]) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in problems}


ALL_PAIRS = [(a, b) for a in Stage for b in Stage]


@pytest.mark.parametrize(("from_stage", "to_stage"), ALL_PAIRS)
def test_only_one_step_forward_is_a_move(from_stage, to_stage):
    forward = {
        (Stage.NOT_STARTED, Stage.RAT_HELD),
        (Stage.RAT_HELD, Stage.REPORT_RECEIVED),
        (Stage.REPORT_RECEIVED, Stage.ODS_ENTERED),
        (Stage.ODS_ENTERED, Stage.CERTIFIED),
    }
    assert is_forward_move(from_stage, to_stage) is ((from_stage, to_stage) in forward)
    assert is_backward_move(from_stage, to_stage) is (
        list(Stage).index(to_stage) < list(Stage).index(from_stage)
    )


def test_next_stage_and_correction_targets():
    assert next_stage(Stage.NOT_STARTED) is Stage.RAT_HELD
    assert next_stage(Stage.CERTIFIED) is None
    assert correction_targets(Stage.NOT_STARTED) == []
    assert correction_targets(Stage.ODS_ENTERED) == [
        Stage.NOT_STARTED,
        Stage.RAT_HELD,
        Stage.REPORT_RECEIVED,
    ]


def rat(**overrides) -> RatEvidence:
    fields = {
        "fiscal_year": 2018,
        "held_on": date(2019, 3, 2),
        "members_present": 30,
        "members_total": 50,
    }
    fields.update(overrides)
    return RatEvidence(**fields)


def test_a_good_rat_passes():
    assert check_evidence(Stage.RAT_HELD, rat(), CTX) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"held_on": date(2019, 7, 1)}, ("held_on", "in_future")),
        ({"held_on": date(2018, 12, 31)}, ("held_on", "before_fiscal_year_end")),
        ({"held_on": date(2018, 6, 1)}, ("held_on", "before_fiscal_year_end")),
        ({"fiscal_year": 2020}, ("fiscal_year", "fiscal_year_out_of_range")),
        ({"fiscal_year": 1850}, ("fiscal_year", "fiscal_year_out_of_range")),
        ({"members_total": 0, "members_present": 0}, ("members_total", "members_total_positive")),
        ({"members_present": -1}, ("members_present", "not_negative")),
        ({"members_present": 51}, ("members_present", "more_than_total")),
        ({"members_total": 10**12}, ("members_total", "too_many")),
    ],
)
def test_rat_evidence_rules(overrides, expected):
    assert expected in codes(check_evidence(Stage.RAT_HELD, rat(**overrides), CTX))


def test_rat_on_the_first_day_after_the_fiscal_year_and_today_pass():
    assert check_evidence(Stage.RAT_HELD, rat(held_on=date(2019, 1, 1)), CTX) == []
    assert check_evidence(Stage.RAT_HELD, rat(held_on=TODAY), CTX) == []


def test_low_attendance_warns_but_does_not_refuse():
    low = rat(members_present=24, members_total=50)
    assert check_evidence(Stage.RAT_HELD, low, CTX) == []
    assert codes(evidence_warnings(low)) == {("members_present", "low_attendance")}
    assert evidence_warnings(rat(members_present=25, members_total=50)) == []


def test_report_date_not_before_the_rat_nor_in_the_future():
    ctx = EvidenceContext(today=TODAY, rat_held_on=date(2019, 3, 2))
    assert check_evidence(Stage.REPORT_RECEIVED, ReportEvidence(date(2019, 3, 2)), ctx) == []
    early = check_evidence(Stage.REPORT_RECEIVED, ReportEvidence(date(2019, 3, 1)), ctx)
    assert codes(early) == {("received_on", "before_rat")}
    late = check_evidence(Stage.REPORT_RECEIVED, ReportEvidence(date(2019, 7, 1)), ctx)
    assert codes(late) == {("received_on", "in_future")}


def test_ods_entry_needs_a_date_and_who_entered_it():
    ctx = EvidenceContext(today=TODAY, report_received_on=date(2019, 4, 1))
    assert check_evidence(Stage.ODS_ENTERED, OdsEvidence(date(2019, 4, 1), "Rina"), ctx) == []
    assert codes(check_evidence(Stage.ODS_ENTERED, OdsEvidence(date(2019, 4, 1), "  "), ctx)) == {
        ("entered_by", "required")
    }
    assert ("entered_by", "too_long") in codes(
        check_evidence(Stage.ODS_ENTERED, OdsEvidence(date(2019, 4, 1), "x" * 121), ctx)
    )
    assert codes(
        check_evidence(Stage.ODS_ENTERED, OdsEvidence(date(2019, 3, 31), "Rina"), ctx)
    ) == {("entered_on", "before_report")}


@pytest.mark.parametrize(
    ("nik", "pattern", "ok"),
    [
        ("6501000000000001", r"\d{16}", True),
        ("650100000000001", r"\d{16}", False),
        ("65010000000000012", r"\d{16}", False),
        ("650100000000000A", r"\d{16}", False),
        ("KOP-123", r"KOP-\d{3}", True),
    ],
)
def test_certificate_nik_follows_the_configured_pattern(nik, pattern, ok):
    ctx = EvidenceContext(today=TODAY, nik_pattern=pattern, ods_entered_on=date(2019, 5, 1))
    problems = check_evidence(Stage.CERTIFIED, CertificateEvidence(nik, date(2019, 5, 2)), ctx)
    assert (problems == []) is ok
    if not ok:
        assert codes(problems) == {("nik", "nik_pattern")}


def test_an_overlong_nik_is_refused_before_the_pattern():
    ctx = EvidenceContext(today=TODAY, nik_pattern=r"\d+")
    problems = check_evidence(Stage.CERTIFIED, CertificateEvidence("1" * 33, TODAY), ctx)
    assert codes(problems) == {("nik", "too_long")}


def test_certificate_date_not_before_ods_entry_nor_in_the_future():
    ctx = EvidenceContext(today=TODAY, ods_entered_on=date(2019, 5, 1))
    nik = "6501000000000001"
    assert codes(
        check_evidence(Stage.CERTIFIED, CertificateEvidence(nik, date(2019, 4, 30)), ctx)
    ) == {("issued_on", "before_ods")}
    assert codes(
        check_evidence(Stage.CERTIFIED, CertificateEvidence(nik, date(2019, 7, 1)), ctx)
    ) == {("issued_on", "in_future")}


def test_evidence_must_match_the_target_stage():
    assert codes(check_evidence(Stage.REPORT_RECEIVED, rat(), CTX)) == {
        ("evidence", "wrong_evidence")
    }
    assert codes(check_evidence(Stage.NOT_STARTED, rat(), CTX)) == {("evidence", "wrong_evidence")}


def test_reason_rules():
    assert codes(check_note("  ", required=True)) == {("note", "reason_required")}
    assert check_note("", required=False) == []
    assert codes(check_note("x" * 2001, required=False)) == {("note", "too_long")}


def test_evidence_is_stored_as_json_friendly_values():
    assert evidence_json(rat()) == {
        "fiscal_year": 2018,
        "held_on": "2019-03-02",
        "members_present": 30,
        "members_total": 50,
    }
