"""Reconciling demo-made ODS extracts: every drift in its group with its reason, CSV and XLSX."""

from datetime import date

import pytest
from sqlalchemy import select

from ppkl.extensions import db
from ppkl.models import User
from ppkl.ods.rules import Group
from ppkl.ods.services import ods_options, reconcile_file
from tests.ods.extracts import as_csv, as_xlsx, build_extract

EXTRACT_DATE = date(2019, 8, 10)


def reconciled(app, data: bytes, filename: str, username: str = "supervisor"):
    user = db.session.scalar(select(User).where(User.username == username))
    options = ods_options(app.config, EXTRACT_DATE)
    return reconcile_file(db.session, user, filename, data, options)


def lines_by_cooperative(result):
    found = {}
    for line in result.lines:
        if line.cooperative_id is not None:
            found.setdefault(line.cooperative_id, []).append(line)
    return found


def codes(line) -> list[str]:
    return [r["code"] for r in line.reasons]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_drift_lands_in_its_group_with_its_reason(ods_app, fmt):
    drift = build_extract(db.session)
    data = as_csv(drift.rows) if fmt == "csv" else as_xlsx(drift.rows)
    outcome = reconciled(ods_app, data, f"ods.{fmt}")
    assert outcome.ok, [p.line() for p in outcome.extract.problems]
    result = outcome.result
    lines = lines_by_cooperative(result)

    def one(coop_id):
        (line,) = lines[coop_id]
        return line

    for coop_id in drift.consistent:
        assert one(coop_id).group == Group.CONSISTENT, codes(one(coop_id))
    line = one(drift.entry_ahead)
    assert line.group == Group.ODS_AHEAD and "entered_in_ods" in codes(line)
    assert [s["to"] for s in line.proposal["steps"]] == ["ods_entered"]
    assert line.proposal["steps"][0]["entered_on"] == "2019-07-15"
    line = one(drift.nik_ahead)
    assert line.group == Group.ODS_AHEAD and "nik_in_ods" in codes(line)
    assert line.proposal["steps"] == [
        {"to": "certified", "nik": "6501990000000001", "issued_on": "2019-08-01"}
    ]
    line = one(drift.two_ahead)
    assert [s["to"] for s in line.proposal["steps"]] == ["ods_entered", "certified"]
    line = one(drift.too_far_ahead)
    assert line.group == Group.ODS_AHEAD and line.proposal is None
    assert "earlier_steps_first" in codes(line)
    for coop_id, code in (
        (drift.nik_differs, "nik_differs"),
        (drift.len_differs, "legal_entity_number_differs"),
        (drift.name_differs, "name_differs"),
    ):
        assert one(coop_id).group == Group.CONFLICT and code in codes(one(coop_id))
        assert one(coop_id).proposal is None
    assert one(drift.nik_differs).matched_by == "legal_entity_number"
    line = one(drift.no_nik_in_ods)
    assert line.group == Group.PPKL_AHEAD and "no_nik_in_ods" in codes(line)
    line = one(drift.draft_in_ods)
    assert line.group == Group.PPKL_AHEAD and "not_entered_in_ods" in codes(line)
    for coop_id in drift.missing_in_ods:
        assert one(coop_id).group == Group.PPKL_AHEAD and codes(one(coop_id)) == ["missing_in_ods"]
    line = one(drift.by_name_variant)
    assert line.group == Group.CONSISTENT and line.matched_by == "name"
    for coop_id in drift.only_ppkl:
        assert one(coop_id).group == Group.ONLY_PPKL and codes(one(coop_id)) == ["not_in_ods"]
    only_ods = [line for line in result.lines if line.group == Group.ONLY_ODS]
    assert len(only_ods) == 2
    new, similar = only_ods
    assert new.ods["name"] == drift.new_name and new.proposal["kind"] == "create"
    assert new.candidates == []
    assert [c["id"] for c in similar.candidates] == [drift.similar_to]
    assert similar.candidates[0]["why"] == "similar_name"
    # Never applied: the misspelt row matches nothing, its look-alike stays "only in ppkl".
    assert similar.cooperative_id is None
    # Only the file's regency is compared.
    regencies = {line.ppkl["regency"] for line in result.lines if line.ppkl}
    assert regencies == {"Bulungan"}
    counts = result.counts()
    assert sum(counts.values()) == len(result.lines)
    assert counts["ods_ahead"] == 4 and counts["conflict"] == 3 and counts["only_ods"] == 2


def test_csv_and_xlsx_give_the_same_result(ods_app):
    drift = build_extract(db.session)
    from_csv = reconciled(ods_app, as_csv(drift.rows), "ods.csv").result
    from_xlsx = reconciled(ods_app, as_xlsx(drift.rows), "ods.xlsx").result
    assert [line.as_json() for line in from_csv.lines] == [
        line.as_json() for line in from_xlsx.lines
    ]


def test_bad_rows_are_listed_by_row_number_and_nothing_is_reconciled(ods_app):
    rows = [
        ["123", "KSP A", "Kab. Bulungan", "", "", "2019-07-01", "", "", ""],
        ["", "KSP B", "Kab. Bulungan", "", "", "31/02/2019", "", "dua ribu", ""],
        ["", "", "", "", "Sekatak", "", "", "", ""],
    ]
    outcome = reconciled(ods_app, as_csv(rows), "ods.csv")
    assert not outcome.ok and outcome.extract.rows == []
    found = [(p.row, p.column, p.code) for p in outcome.extract.problems]
    assert found == [
        (2, "nik", "nik_pattern"),
        (3, "ods_date", "bad_date"),
        (3, "last_rat_year", "bad_year"),
        (4, "", "nothing_to_match"),
    ]


def test_a_header_without_a_way_to_match_is_refused(ods_app):
    outcome = reconciled(ods_app, as_csv([["Sekatak"]], header=["Kecamatan"]), "ods.csv")
    assert [p.code for p in outcome.extract.problems] == ["no_match_column"]


def test_a_file_without_nik_column_compares_no_nik(ods_app):
    drift = build_extract(db.session)
    header = ["Nama Koperasi", "Kabupaten/Kota", "Nomor Badan Hukum"]
    rows = [[r[1], r[2], r[3]] for r in drift.rows]
    result = reconciled(ods_app, as_csv(rows, header), "ods.csv").result
    (line,) = lines_by_cooperative(result)[drift.no_nik_in_ods]
    assert line.group == Group.CONSISTENT
