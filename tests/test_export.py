"""Exports: the list's filters and visibility, round trip, formula neutralising, XLSX form."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from ppkl.extensions import db
from ppkl.models import AuditEvent, Visit
from tests.helpers import post_form

NIK = "6501000000000009"
FORMULAS = ["=SUM(A1:A9)", "+62811", "-1+2", "@cmd", "\tTab", "\rCR"]


def csv_rows(content: bytes) -> list[dict]:
    assert content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def export_cli(runner, tmp_path, *args, name="out.csv"):
    path = tmp_path / name
    result = runner.invoke(args=["export", *args, "--output", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def sample(make_regency, make_cooperative):
    bulungan, tarakan = make_regency("Bulungan"), make_regency("Tarakan")
    return [
        make_cooperative(
            name="KSP Lengkap",
            regency=bulungan,
            address="Jl. Sudirman 1",
            legal_entity_number="1/BH/2001",
            nik=NIK,
            sector="Simpan Pinjam",
            members=40,
            stage="certified",
        ),
        make_cooperative(name="KUD Kosong", regency=tarakan, district=None, members=None),
        make_cooperative(
            name="Kopwan Tidur",
            regency=tarakan,
            active=False,
            stage="ods_entered",
            legal_entity_number="2/BH/2002",
        ),
        *[
            make_cooperative(
                name=f"KSP Rumus {n}",
                regency=bulungan,
                district=value,
                legal_entity_number=f"{n}/BH/F",
            )
            for n, value in enumerate(FORMULAS)
        ],
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_cooperatives_import_back_unchanged(runner, tmp_path, sample, fmt):
    path = export_cli(runner, tmp_path, "cooperatives", "--format", fmt, name=f"all.{fmt}")
    if fmt == "xlsx":
        # XML turns a carriage return into a line feed: the one value XLSX cannot carry back.
        sample[-1].district = "CR"
        db.session.commit()
    result = runner.invoke(args=["import-cooperatives", str(path)])
    assert result.exit_code == 0, result.output
    if fmt == "xlsx":
        assert result.stdout.strip().endswith("created 0, updated 1, unchanged 8")
    else:
        assert result.stdout.strip().endswith(
            "created 0, updated 0, unchanged 9: nothing changed, the database already holds "
            "every row"
        )
    assert result.stderr.count("ignored unknown columns") == 0


def test_csv_export_neutralises_formulas(runner, tmp_path, sample):
    rows = csv_rows(export_cli(runner, tmp_path, "cooperatives").read_bytes())
    districts = {row["name"]: row["district"] for row in rows}
    for n, value in enumerate(FORMULAS):
        assert districts[f"KSP Rumus {n}"] == "'" + value
    lengkap = next(row for row in rows if row["name"] == "KSP Lengkap")
    assert lengkap == {
        "name": "KSP Lengkap",
        "regency": "Bulungan",
        "district": "Tanjung Selor",
        "address": "Jl. Sudirman 1",
        "legal_entity_number": "1/BH/2001",
        "nik": NIK,
        "sector": "Simpan Pinjam",
        "members": "40",
        "active": "yes",
        "stage": "certified",
    }


def test_xlsx_export_neutralises_formulas_and_has_an_indonesian_header(runner, tmp_path, sample):
    path = export_cli(runner, tmp_path, "cooperatives", "--format", "xlsx", name="c.xlsx")
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Nama Koperasi", "Kabupaten/Kota", "Kecamatan", "Alamat"]
    assert sheet[1][0].font.bold and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 40
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    for n, value in enumerate(FORMULAS):
        cell = cells[f"KSP Rumus {n}"][2]
        # XML reads a carriage return back as a line feed.
        assert cell.data_type == "s" and cell.value == "'" + value.replace("\r", "\n")
    lengkap = [c.value for c in cells["KSP Lengkap"]]
    assert lengkap[7] == 40 and lengkap[8] == "aktif" and lengkap[9] == "Tersertifikasi (NIK)"


def test_recap_export_uses_the_recap(runner, tmp_path, sample):
    rows = list(
        csv.reader(io.StringIO(export_cli(runner, tmp_path, "recap").read_text("utf-8-sig")))
    )
    assert rows[0] == [
        "regency",
        "active",
        "inactive",
        "total",
        "certified",
        "in_progress",
        "percentage",
    ]
    assert rows[1] == ["Bulungan", "7", "0", "7", "1", "0", "14.29"]
    assert rows[-1][:4] == ["TOTAL", "8", "1", "9"]
    sheet = load_workbook(
        export_cli(runner, tmp_path, "recap", "--format", "xlsx", name="r.xlsx")
    ).active
    assert sheet["G2"].value == pytest.approx(14.29) and sheet["G2"].number_format == "0.00"


@pytest.fixture
def visits(app, sample, make_user):
    ppkl01 = make_user("ppkl01", role="ppkl", full_name="Andi Officer")
    ppkl02 = make_user("ppkl02", role="ppkl", full_name="Budi Officer")
    coop = sample[0]
    rows = [
        Visit(
            cooperative_id=coop.id,
            officer_id=ppkl01.id,
            visited_on=date(2019, 5, 2),
            purposes=["rat", "ods"],
            outcome="=cmd|' /C calc'!A0",
            follow_up_on=date(2019, 6, 1),
        ),
        Visit(cooperative_id=coop.id, officer_id=ppkl02.id, visited_on=date(2019, 6, 3)),
        Visit(cooperative_id=coop.id, officer_id=ppkl01.id, visited_on=date(2019, 7, 9)),
        Visit(
            cooperative_id=coop.id,
            officer_id=ppkl01.id,
            visited_on=date(2019, 6, 9),
            deleted_at=date(2019, 6, 10),
        ),
    ]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def test_visit_export_takes_a_period_and_real_dates(runner, tmp_path, visits):
    path = export_cli(runner, tmp_path, "visits", "--from", "2019-05-01", "--to", "2019-06-30")
    rows = csv_rows(path.read_bytes())
    # The visits list's order: newest first.
    assert [(r["visited_on"], r["officer"]) for r in rows] == [
        ("2019-06-03", "Budi Officer"),
        ("2019-05-02", "Andi Officer"),
    ]
    assert rows[1]["purposes"] == "rat; ods" and rows[1]["outcome"].startswith("'=cmd")
    sheet = load_workbook(
        export_cli(runner, tmp_path, "visits", "--format", "xlsx", name="v.xlsx")
    ).active
    assert sheet.max_row == 4  # header + 3 visits not deleted
    assert sheet["A4"].is_date and sheet["A4"].value.date() == date(2019, 5, 2)
    assert sheet["H4"].is_date and sheet["A4"].number_format == "yyyy-mm-dd"


def test_from_and_to_apply_to_visits_only(runner, tmp_path):
    result = runner.invoke(
        args=["export", "recap", "--from", "2019-01-01", "--output", str(tmp_path / "x.csv")]
    )
    assert result.exit_code == 2 and "visits only" in result.output


def test_web_cooperative_export_keeps_the_list_filters_and_is_audited(
    client, sample, auth, make_user
):
    make_user("boss", role="supervisor")
    auth.login(client, "boss")
    html = client.get("/cooperatives/?stage=ods_entered&active=0").get_data(as_text=True)
    assert 'name="stage" value="ods_entered"' in html
    response = post_form(
        client,
        "/export/cooperatives",
        {"fmt": "csv", "stage": "ods_entered", "active": "0"},
        page="/cooperatives/?stage=ods_entered&active=0",
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        "attachment; filename=ppkl-cooperatives-"
    )
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert [r["name"] for r in csv_rows(response.data)] == ["Kopwan Tidur"]
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "cooperatives.exported")
    )
    assert event.username == "boss" and event.detail["rows"] == 1
    assert event.detail["filters"] == {"stage": "ods_entered", "active": "0"}


def test_officer_exports_only_what_the_list_shows(client, sample, visits, auth):
    auth.login(client, "ppkl01")  # home regency Bulungan (the first regency)
    response = post_form(client, "/export/cooperatives", {"fmt": "csv"}, page="/cooperatives/")
    names = {r["name"] for r in csv_rows(response.data)}
    assert "KSP Lengkap" in names and "KUD Kosong" not in names and "Kopwan Tidur" not in names
    response = post_form(client, "/export/visits", {"fmt": "csv"}, page="/transfer/")
    assert {r["officer"] for r in csv_rows(response.data)} == {"Andi Officer"}


def test_web_xlsx_header_follows_the_users_language(client, sample, auth, make_user):
    make_user("boss", role="supervisor", locale="en")
    auth.login(client, "boss")
    response = post_form(client, "/export/cooperatives", {"fmt": "xlsx"}, page="/cooperatives/")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert response.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]][:3] == ["Cooperative name", "Regency", "District"]
    response = post_form(client, "/export/recap", {"fmt": "xlsx"}, page="/dashboard")
    assert load_workbook(io.BytesIO(response.data)).active["A1"].value == "Regency"


def test_export_refuses_an_unknown_format_and_get(client, sample, auth, make_user):
    make_user("boss", role="supervisor")
    auth.login(client, "boss")
    response = post_form(client, "/export/cooperatives", {"fmt": "pdf"}, page="/cooperatives/")
    assert response.status_code == 302
    assert client.get("/export/cooperatives").status_code == 405
    bad = post_form(
        client,
        "/export/visits",
        {"fmt": "csv", "start": "2019-06-02", "end": "2019-06-01"},
        page="/transfer/",
    )
    assert bad.status_code == 400 and "Tanggal akhir sebelum tanggal awal" in bad.get_data(
        as_text=True
    )


def test_recap_export_as_of_a_past_day(runner, tmp_path, sample):
    from datetime import timedelta

    from ppkl.clock import office_today

    before = (office_today() - timedelta(days=2)).isoformat()
    path = export_cli(runner, tmp_path, "recap", "--as-of", before)
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
    # The sample cooperatives were registered today: none existed two days ago.
    assert rows[1] == ["Bulungan", "0", "0", "0", "0", "0", "0.00"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "recap.exported"))
    assert event.detail["as_of"] == before and before in event.target
    result = runner.invoke(
        args=["export", "cooperatives", "--as-of", before, "--output", str(tmp_path / "c.csv")]
    )
    assert result.exit_code == 2 and "recap only" in result.output


def test_web_recap_export_keeps_the_dashboard_day(client, sample, auth, make_user):
    from datetime import timedelta

    from ppkl.clock import office_today

    make_user("boss", role="supervisor")
    auth.login(client, "boss")
    day = (office_today() - timedelta(days=2)).isoformat()
    html = client.get(f"/dashboard?as_of={day}").get_data(as_text=True)
    assert f'name="as_of" value="{day}"' in html
    response = post_form(
        client, "/export/recap", {"fmt": "csv", "as_of": day}, page=f"/dashboard?as_of={day}"
    )
    assert response.status_code == 200 and day in response.headers["Content-Disposition"]
    assert csv_rows(response.data)[0]["active"] == "0"


def test_visits_list_buttons_keep_its_officer_filter(client, visits, auth, make_user):
    make_user("boss", role="supervisor")
    auth.login(client, "boss")
    budi = visits[1].officer_id
    page = f"/visits/?officer={budi}"
    assert f'name="officer" value="{budi}"' in client.get(page).get_data(as_text=True)
    response = post_form(client, "/export/visits", {"fmt": "csv", "officer": budi}, page=page)
    assert [r["officer"] for r in csv_rows(response.data)] == ["Budi Officer"]


def test_cooperative_export_follows_the_lists_district_filter_and_sort(
    client, sample, auth, make_user
):
    make_user("boss", role="supervisor")
    auth.login(client, "boss")
    page = "/cooperatives/?district=Tanjung+Selor&sort=regency&dir=desc"
    response = post_form(
        client,
        "/export/cooperatives",
        {"fmt": "csv", "district": "Tanjung Selor", "sort": "regency", "dir": "desc"},
        page=page,
    )
    rows = csv_rows(response.data)
    assert {r["district"] for r in rows} == {"Tanjung Selor"}
    regencies = [r["regency"] for r in rows]
    assert regencies == sorted(regencies, reverse=True) and regencies[0] == "Tarakan"
