"""The reconciliation's pure rules: names, regencies, matching order, groups."""

from datetime import date

import pytest

from ppkl.ods.names import bare_name, name_key, regency_short_key
from ppkl.ods.rows import OdsRow, parse_date
from ppkl.ods.rules import Context, Group, Known, reconcile


@pytest.mark.parametrize(
    "written",
    [
        "KSP Maju Jaya",
        "K.S.P. Maju Jaya",
        "K.S.P Maju Jaya",
        "ksp maju jaya",
        "Kop. Simpan Pinjam Maju Jaya",
        "Kop Simpan Pinjam Maju-Jaya",
        "Koperasi Simpan Pinjam MAJU  JAYA",
        "Koperasi KSP Maju Jaya",
        "KSP  Máju Jaya.",
    ],
)
def test_the_ways_of_writing_a_savings_and_loan_cooperative_are_one_name(written):
    assert name_key(written) == "ksp maju jaya"


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("KSU Sinar", "ksu sinar"),
        ("K.S.U. Sinar", "ksu sinar"),
        ("Koperasi Serba Usaha Sinar", "ksu sinar"),
        ("Kopwan Melati", "kopwan melati"),
        ("Koperasi Wanita Melati", "kopwan melati"),
        ("Kop. Wanita Melati", "kopwan melati"),
        ("KUD Sumber Rejeki", "kud sumber rejeki"),
        ("K.U.D. Sumber Rejeki", "kud sumber rejeki"),
        ("Koperasi Unit Desa Sumber Rejeki", "kud sumber rejeki"),
        ("Koperasi Produsen Tani", "kopprod tani"),
        ("Kop. Produsen Tani", "kopprod tani"),
        ("Koperasi Konsumen Abadi", "kopkons abadi"),
        ("Koperasi Karyawan PLN", "kopkar pln"),
        ("Kopkar PLN", "kopkar pln"),
        ("Koperasi Bahari", "kop bahari"),
        ("Kop. Bahari", "kop bahari"),
        ("Kop Bahari", "kop bahari"),
    ],
)
def test_legal_forms_in_their_usual_variants(written, key):
    assert name_key(written) == key


def test_different_forms_or_names_stay_apart():
    assert name_key("KSP Maju") != name_key("KSU Maju")
    assert name_key("Koperasi Maju") != name_key("KSP Maju")
    assert bare_name("Koperasi Maju") == bare_name("KSP Maju") == "maju"
    assert name_key("KSP Koperasi Maju") == "ksp koperasi maju"  # only a generic word goes


def test_regency_names_as_ods_writes_them():
    assert regency_short_key("Kab. Bulungan") == regency_short_key("Bulungan") == "bulungan"
    assert regency_short_key("KABUPATEN TANA TIDUNG") == "tana tidung"
    assert regency_short_key("Kota Tarakan") == "tarakan"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024-03-05", date(2024, 3, 5)),
        ("05/03/2024", date(2024, 3, 5)),
        ("5-3-2024", date(2024, 3, 5)),
        ("05.03.2024", date(2024, 3, 5)),
        ("2024-03-05 00:00:00", date(2024, 3, 5)),
        ("31/02/2024", None),
        ("maret 2024", None),
        ("05/03/0024", None),
    ],
)
def test_dates(text, day):
    assert parse_date(text) == day


REGENCIES = {1: "Bulungan", 2: "Tarakan", 3: "Kota Bekasi", 4: "Kabupaten Bekasi"}


def known(id, name, regency_id=1, nik=None, number=None, stage="not_started", **kw):
    return Known(id, 1, name, regency_id, number, nik, stage, kw.get("active", True))


def run(rows, cooperatives, columns=("nik", "name", "regency", "legal_entity_number")):
    context = Context(REGENCIES, cooperatives, date(2024, 6, 1), frozenset(columns))
    return reconcile(rows, context)


def test_nik_comes_before_the_legal_entity_number_and_the_name():
    coops = [
        known(1, "KSP A", nik="6501000000000001", stage="certified"),
        known(2, "KSP B", number="01/BH"),
        known(3, "KSP C"),
    ]
    rows = [
        OdsRow(
            2, nik="6501000000000001", name="KSP C", regency="Bulungan", legal_entity_number="01/BH"
        ),
    ]
    result = run(rows, coops)
    line = result.lines[0]
    assert line.cooperative_id == 1 and line.matched_by == "nik"
    assert line.group == Group.CONFLICT
    # Its own legal entity number is empty: nothing to differ from.
    assert [r["code"] for r in line.reasons] == ["name_differs"]


def test_legal_entity_number_then_name():
    coops = [known(2, "KSP B", number="01/BH"), known(3, "Koperasi Simpan Pinjam C")]
    rows = [
        OdsRow(2, name="KSP Bee", regency="Bulungan", legal_entity_number="01/BH"),
        OdsRow(3, name="K.S.P. C", regency="Kab. Bulungan"),
    ]
    first, second = run(rows, coops).lines
    assert first.matched_by == "legal_entity_number" and first.group == Group.CONFLICT
    assert second.matched_by == "name" and second.cooperative_id == 3


def test_a_name_is_matched_only_within_its_regency_and_only_when_alone():
    coops = [known(1, "KSP Sama", 1), known(2, "KSP Sama", 1), known(3, "KSP Lain", 2)]
    rows = [
        OdsRow(2, name="KSP Sama", regency="Bulungan"),
        OdsRow(3, name="KSP Lain", regency="Bulungan"),
    ]
    ambiguous, elsewhere = run(rows, coops).lines[:2]
    assert ambiguous.group == Group.ONLY_ODS and ambiguous.cooperative_id is None
    assert {c["id"] for c in ambiguous.candidates} == {1, 2}
    assert elsewhere.group == Group.ONLY_ODS and elsewhere.cooperative_id is None
    assert [(c["id"], c["why"]) for c in elsewhere.candidates] == [(3, "other_regency")]


def test_another_legal_form_is_a_candidate_never_a_match():
    rows = [OdsRow(2, name="Koperasi Maju Bersama", regency="Bulungan")]
    (line, only_here) = run(rows, [known(1, "KSP Maju Bersama")]).lines
    assert line.group == Group.ONLY_ODS and line.proposal == {"kind": "create", "regency_id": 1}
    assert [(c["id"], c["why"]) for c in line.candidates] == [(1, "other_form")]
    assert only_here.group == Group.ONLY_PPKL and only_here.cooperative_id == 1


def test_a_short_regency_name_that_could_be_two_regencies_matches_none():
    rows = [OdsRow(2, name="KSP X", regency="Bekasi"), OdsRow(3, name="KSP Y", regency="Tarakan")]
    first, second = run(rows, []).lines
    assert [r["code"] for r in first.reasons] == ["not_in_ppkl", "unknown_regency"]
    assert first.proposal is None
    assert second.proposal == {"kind": "create", "regency_id": 2}


def test_two_rows_for_one_cooperative():
    rows = [OdsRow(2, nik="6501000000000001"), OdsRow(3, nik="6501000000000001")]
    coops = [known(1, "KSP A", nik="6501000000000001", stage="certified")]
    first, second = run(rows, coops).lines
    assert first.group == Group.CONSISTENT
    assert second.group == Group.CONFLICT and second.reasons == [
        {"code": "same_cooperative", "row": 2}
    ]


def test_ods_ahead_proposals_follow_the_evidence_the_extract_holds():
    coops = [
        known(1, "KSP A", stage="report_received"),
        known(2, "KSP B", stage="ods_entered"),
        known(3, "KSP C", stage="rat_held"),
        known(4, "KSP D", stage="report_received", active=False),
    ]
    rows = [
        OdsRow(
            2,
            name="KSP A",
            regency="Bulungan",
            nik="6501000000000001",
            ods_date=date(2024, 5, 20),
            nik_issued_on=date(2024, 5, 10),
        ),
        OdsRow(3, name="KSP B", regency="Bulungan", nik="6501000000000002"),
        OdsRow(4, name="KSP C", regency="Bulungan"),
        OdsRow(5, name="KSP D", regency="Bulungan"),
    ]
    a, b, c, d = run(rows, coops).lines
    # The ODS date is the last update, after the NIK: the entry is dated no later than the NIK.
    assert a.proposal["steps"] == [
        {"to": "ods_entered", "entered_on": "2024-05-10"},
        {"to": "certified", "nik": "6501000000000001", "issued_on": "2024-05-10"},
    ]
    assert b.proposal is None and "no_issue_date" in [r["code"] for r in b.reasons]
    assert c.proposal is None and "earlier_steps_first" in [r["code"] for r in c.reasons]
    assert d.proposal is None and "inactive_here" in [r["code"] for r in d.reasons]
    assert {a.group, b.group, c.group, d.group} == {Group.ODS_AHEAD}


def test_a_draft_in_ods_is_not_an_entry():
    coops = [known(1, "KSP A", stage="report_received"), known(2, "KSP B", stage="ods_entered")]
    rows = [
        OdsRow(2, name="KSP A", regency="Bulungan", ods_status="Draft"),
        OdsRow(3, name="KSP B", regency="Bulungan", ods_status="BELUM LENGKAP"),
    ]
    a, b = run(rows, coops, columns=("name", "regency", "ods_status")).lines
    assert a.group == Group.CONSISTENT
    assert b.group == Group.PPKL_AHEAD
