import csv
from decimal import Decimal
from pathlib import Path

import pytest

from ppkl.extensions import db
from ppkl.recap import CSV_HEADER, current_recap, percentage

EXPECTED_TABLE = Path(__file__).parent / "data" / "kaltara-2019-06-recap.csv"


def expected_rows() -> list[list[str]]:
    with EXPECTED_TABLE.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize(
    ("certified", "active", "expected"),
    [
        (41, 109, "37.61"),
        (4, 75, "5.33"),
        (70, 474, "14.77"),
        (1, 800, "0.13"),  # 0.125: half up, not to even
        (3, 800, "0.38"),  # 0.375
        (0, 0, "0.00"),
        (5, 0, "0.00"),
        (20, 20, "100.00"),
    ],
)
def test_percentage_rounds_half_up_to_two_decimals(certified, active, expected):
    assert percentage(certified, active) == Decimal(expected)


def test_recap_counts_follow_the_definitions(app, make_regency, make_cooperative):
    bulungan = make_regency("Bulungan")
    tarakan = make_regency("Tarakan")
    make_regency("Malinau")  # no cooperatives: a row of zeros
    make_cooperative(regency=bulungan, stage="certified", nik="6501000000000001")
    make_cooperative(regency=bulungan, stage="rat_held")
    make_cooperative(regency=bulungan, stage="ods_entered")
    make_cooperative(regency=bulungan, stage="not_started")
    # Inactive cooperatives count as Tidak Aktif only, whatever their stage or NIK.
    make_cooperative(regency=bulungan, stage="certified", nik="6501000000000002", active=False)
    make_cooperative(regency=bulungan, stage="report_received", active=False)
    make_cooperative(regency=tarakan, stage="report_received")

    recap = current_recap(db.session)

    assert [r.regency for r in recap.rows] == ["Bulungan", "Malinau", "Tarakan"]
    bul, mal, tar = recap.rows
    assert (bul.active, bul.inactive, bul.total, bul.certified, bul.in_progress) == (4, 2, 6, 1, 2)
    assert bul.percentage == Decimal("25.00")
    assert (mal.active, mal.total, mal.percentage) == (0, 0, Decimal("0.00"))
    assert (tar.active, tar.certified, tar.in_progress) == (1, 0, 1)
    total = recap.total
    assert (total.active, total.inactive, total.certified, total.in_progress) == (5, 2, 1, 3)
    assert total.percentage == Decimal("20.00")


def test_recap_uses_one_query_whatever_the_size(app, make_regency, make_cooperative, query_counter):
    regency = make_regency("Nunukan")
    for _ in range(30):
        make_cooperative(regency=regency)
    with query_counter() as small:
        current_recap(db.session)
    for _ in range(200):
        make_cooperative(regency=regency, stage="rat_held")
    with query_counter() as large:
        current_recap(db.session)
    assert len(small) == len(large) == 1


def test_demo_data_reproduces_the_june_2019_table(demo_app):
    rows = current_recap(db.session).csv_rows()
    assert rows[0] == CSV_HEADER
    assert [list(r) for r in rows] == expected_rows()


def test_cli_recap_csv_prints_the_table_exactly(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["recap", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output == EXPECTED_TABLE.read_text(encoding="utf-8")


def test_cli_recap_table_is_aligned_for_people(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["recap"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == list(CSV_HEADER)
    assert lines[1].split() == ["Bulungan", "109", "70", "179", "41", "5", "37.61"]
    assert lines[-1].split() == ["TOTAL", "474", "273", "747", "70", "12", "14.77"]
    assert len({len(line) for line in lines}) == 1


def test_dashboard_shows_the_recap_in_indonesian(demo_client, auth):
    auth.login(demo_client, "supervisor", "ppkl-demo")
    html = demo_client.get("/dashboard").get_data(as_text=True)
    assert "Capaian Koperasi" in html
    for label in (
        "Aktif",
        "Tidak Aktif",
        "Total Koperasi",
        "Bersertifikat NIK",
        "Progres",
        "Presentase",
    ):
        assert f">{label}<" in html
    assert "37,61" in html and "14,77" in html and "37.61" not in html
