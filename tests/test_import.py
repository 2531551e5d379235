"""Importing cooperatives: formats, headers, matching, history, all-or-nothing, limits."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from ppkl.extensions import db
from ppkl.models import AuditEvent, Cooperative, CooperativeHistory, Regency
from ppkl.models.cooperative import NAME_MAX
from tests.helpers import count_queries

NIK_A = "6501000000000001"
NIK_B = "6501000000000002"
HEADER = "name,regency,district,legal_entity_number,nik,members,active,stage"


def write_csv(tmp_path, text: str, name="koperasi.csv", encoding="utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def import_file(runner, path, *args):
    return runner.invoke(args=["import-cooperatives", str(path), *args])


def snapshot():
    """Everything an import may write, to prove a refused import wrote nothing."""
    db.session.expire_all()
    coops = db.session.execute(
        select(Cooperative.id, Cooperative.name, Cooperative.stage, Cooperative.version).order_by(
            Cooperative.id
        )
    ).all()
    counts = [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Regency, CooperativeHistory, AuditEvent)
    ]
    return coops, counts


@pytest.fixture
def bulungan(make_regency):
    return make_regency("Bulungan")


def test_semicolon_csv_with_bom_creates_cooperatives(runner, tmp_path, bulungan):
    text = (
        "\ufeffNama Koperasi;Kabupaten/Kota;Kecamatan;Jumlah Anggota;Status;Tahap\n"
        "KSP Maju;Bulungan;Tanjung Selor;35;aktif;RAT terlaksana\n"
        "KUD Sejahtera;bulungan;Peso;0;tidak aktif;\n"
    )
    result = import_file(runner, write_csv(tmp_path, text))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("created 2, updated 0, unchanged 0")
    coops = {c.name: c for c in db.session.scalars(select(Cooperative))}
    assert coops["KSP Maju"].stage == "rat_held" and coops["KSP Maju"].members == 35
    assert coops["KSP Maju"].district == "Tanjung Selor" and coops["KSP Maju"].active
    assert coops["KUD Sejahtera"].active is False and coops["KUD Sejahtera"].stage == "not_started"
    assert coops["KUD Sejahtera"].regency_id == bulungan.id


def test_comma_csv_without_bom(runner, tmp_path, bulungan):
    text = f"{HEADER}\nKSP Satu,Bulungan,Peso,001/BH/2019,,12,yes,ods_entered\n"
    result = import_file(runner, write_csv(tmp_path, text))
    assert result.exit_code == 0, result.output
    coop = db.session.scalar(select(Cooperative))
    assert (coop.legal_entity_number, coop.stage, coop.members) == (
        "001/BH/2019",
        "ods_entered",
        12,
    )


def test_xlsx_with_indonesian_header(runner, tmp_path, bulungan):
    path = tmp_path / "daftar.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                [
                    "NAMA KOPERASI",
                    "kabupaten_kota",
                    "No. Badan Hukum",
                    "NIK",
                    "Jumlah_Anggota",
                    "STATUS",
                    "Tahap",
                ],
                [
                    "KSP Sentosa",
                    "Bulungan",
                    "12/BH/2001",
                    int(NIK_A),
                    40.0,
                    "Aktif",
                    "Sudah input ODS",
                ],
                [None, None, None, None, None, None, None],
                ["Kopwan Melati", "Bulungan", "13/BH/2001", None, 7, 0, "Laporan RAT diterima"],
            ]
        )
    )
    result = import_file(runner, path)
    assert result.exit_code == 0, result.output
    coops = {c.name: c for c in db.session.scalars(select(Cooperative))}
    # A NIK makes the cooperative certified, whatever the stage column says.
    assert coops["KSP Sentosa"].nik == NIK_A and coops["KSP Sentosa"].stage == "certified"
    assert coops["KSP Sentosa"].members == 40
    assert coops["Kopwan Melati"].stage == "report_received" and not coops["Kopwan Melati"].active


@pytest.mark.parametrize(
    "header", ["Kabupaten/Kota", "kabupaten_kota", "KABUPATEN KOTA", "Regency"]
)
def test_header_spellings_mean_the_same_column(header):
    from ppkl.transfer.planning import map_header
    from ppkl.transfer.tabular import Table

    positions, unknown, problems = map_header(Table(header=["Nama.Koperasi", header, "Catatan"]))
    assert positions == {"name": 0, "regency": 1}
    assert unknown == ["Catatan"] and problems == []


def test_unknown_columns_are_reported_and_ignored(runner, tmp_path, bulungan):
    text = "name,regency,Catatan,Ketua\nKSP Maju,Bulungan,lama,Pak Budi\n"
    result = import_file(runner, write_csv(tmp_path, text))
    assert result.exit_code == 0
    assert "ignored unknown columns: Catatan, Ketua" in result.stderr
    assert db.session.scalar(select(func.count()).select_from(Cooperative)) == 1


def test_other_encoding_is_refused_with_the_fix(runner, tmp_path, bulungan):
    path = write_csv(
        tmp_path, "name,regency\nKoperasi Karyawan Sénior,Bulungan\n", encoding="cp1252"
    )
    before = snapshot()
    result = import_file(runner, path)
    assert result.exit_code == 1
    assert "not UTF-8" in result.stderr and "CSV UTF-8" in result.stderr
    assert snapshot() == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "The file is empty"),
        ("\n\n", "The file is empty"),
        ("name,regency\n", "header row but no data rows"),
        ("name,regency\n,\n", "header row but no data rows"),
    ],
)
def test_empty_or_header_only_file_is_an_error(runner, tmp_path, bulungan, text, expected):
    result = import_file(runner, write_csv(tmp_path, text))
    assert result.exit_code == 1 and expected in result.stderr


def test_file_size_and_row_limits_of_the_command_line(app, runner, tmp_path, bulungan):
    rows = "".join(f"KSP {n},Bulungan\n" for n in range(30))
    path = write_csv(tmp_path, "name,regency\n" + rows)
    # The web's limits do not apply to the command line: it has its own.
    app.config.update(IMPORT_MAX_BYTES=100, IMPORT_MAX_ROWS=5, IMPORT_CLI_MAX_BYTES=100)
    result = import_file(runner, path)
    assert result.exit_code == 1 and "the largest accepted is 100 bytes" in result.stderr
    app.config.update(IMPORT_CLI_MAX_BYTES=10_000, IMPORT_CLI_MAX_ROWS=29)
    result = import_file(runner, path)
    assert result.exit_code == 1 and "more than 29 rows" in result.stderr
    assert db.session.scalar(select(func.count()).select_from(Cooperative)) == 0
    app.config["IMPORT_CLI_MAX_ROWS"] = 30
    assert import_file(runner, path).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Cooperative)) == 30


def test_default_limits_are_modest_on_the_web_and_national_on_the_command_line(app):
    assert app.config["IMPORT_MAX_BYTES"] == 10 * 1024 * 1024
    assert app.config["IMPORT_MAX_ROWS"] == 50_000
    assert app.config["IMPORT_CLI_MAX_BYTES"] == 256 * 1024 * 1024
    assert app.config["IMPORT_CLI_MAX_ROWS"] == 1_000_000


def test_unsupported_file_type_is_refused(runner, tmp_path, bulungan):
    result = import_file(runner, write_csv(tmp_path, "name,regency\nA,Bulungan\n", "list.ods"))
    assert result.exit_code == 1 and "'.ods' are not accepted" in result.stderr


def test_broken_xlsx_is_refused(runner, tmp_path, bulungan):
    result = import_file(runner, write_csv(tmp_path, "not a zip", "list.xlsx"))
    assert result.exit_code == 1 and "not a readable Excel workbook" in result.stderr


LONG_NAME = "K" * (NAME_MAX + 1)
INVALID = {
    "missing name": ("name,regency\n,Bulungan\n", 2, "name", "", "A value is required"),
    "missing regency": ("name,regency\nKSP A,\n", 2, "regency", "", "A value is required"),
    "unknown regency": (
        "name,regency\nKSP A,Atlantis\n",
        2,
        "regency",
        "Atlantis",
        "Unknown regency",
    ),
    "unknown stage": (
        "name,regency,stage\nKSP A,Bulungan,finished\n",
        2,
        "stage",
        "finished",
        "Unknown stage",
    ),
    "unknown status": (
        "name,regency,active\nKSP A,Bulungan,maybe\n",
        2,
        "active",
        "maybe",
        "Unknown status",
    ),
    "nik pattern": ("name,regency,nik\nKSP A,Bulungan,12345\n", 2, "nik", "12345", "expected form"),
    "nik repeated": (
        f"name,regency,nik\nKSP A,Bulungan,{NIK_B}\nKSP B,Bulungan,{NIK_B}\n",
        3,
        "nik",
        NIK_B,
        "appears in row 2",
    ),
    "legal entity number repeated": (
        "name,regency,legal_entity_number\nKSP A,Bulungan,9/BH\nKSP B,Bulungan,9/BH\n",
        3,
        "legal_entity_number",
        "9/BH",
        "appears in row 2",
    ),
    "nik and legal entity number of two cooperatives": (
        f"name,regency,legal_entity_number,nik\nKSP Baru,Bulungan,1/BH/LAMA,{NIK_A}\n",
        2,
        "legal_entity_number",
        "1/BH/LAMA",
        "belongs to another cooperative: KSP Lama",
    ),
    "legal entity number of a cooperative holding another nik": (
        f"name,regency,legal_entity_number,nik\nKSP Baru,Bulungan,2/BH/NIK,{NIK_B}\n",
        2,
        "nik",
        NIK_B,
        "already holds NIK",
    ),
    "members negative": (
        "name,regency,members\nKSP A,Bulungan,-3\n",
        2,
        "members",
        "-3",
        "whole number",
    ),
    "members not whole": (
        "name,regency,members\nKSP A,Bulungan,12.5\n",
        2,
        "members",
        "12.5",
        "whole number",
    ),
    "members not a number": (
        "name,regency,members\nKSP A,Bulungan,banyak\n",
        2,
        "members",
        "banyak",
        "whole number",
    ),
    "name too long": (
        f"name,regency\n{LONG_NAME},Bulungan\n",
        2,
        "name",
        LONG_NAME,
        f"Longer than {NAME_MAX}",
    ),
    "required column missing": ("nama,regency\nKSP A,Bulungan\n", 1, "name", "", "missing"),
    "certified without nik": (
        "name,regency,stage\nKSP A,Bulungan,certified\n",
        2,
        "stage",
        "certified",
        "needs a NIK",
    ),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_file_writes_nothing_and_names_row_column_value_reason(
    runner, tmp_path, bulungan, make_cooperative, case
):
    make_cooperative(
        name="KSP Pemilik NIK", nik=NIK_A, legal_entity_number="2/BH/NIK", stage="certified"
    )
    make_cooperative(name="KSP Lama", legal_entity_number="1/BH/LAMA")
    text, row, column, value, reason = INVALID[case]
    # A valid row too: all or nothing means it is not written either.
    header = text.splitlines()[0]
    text += ",".join(["KSP Baik", "Bulungan"] + [""] * (header.count(",") - 1)) + "\n"
    before = snapshot()
    result = import_file(runner, write_csv(tmp_path, text))
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if ": row " in line]
    assert len(lines) >= 1
    assert f"row {row}, column {column}, value {value!r}: " in lines[0]
    assert reason in lines[0]
    assert "nothing was imported" in result.stderr
    assert snapshot() == before


def test_every_problem_is_listed_at_once(runner, tmp_path, bulungan):
    text = "name,regency,members\n,Bulungan,1\nKSP B,Atlantis,x\nKSP C,Bulungan,3\n"
    result = import_file(runner, write_csv(tmp_path, text))
    assert result.exit_code == 1
    problems = [line for line in result.stderr.splitlines() if ": row " in line]
    assert [p.split(", value")[0].split(": ", 1)[1] for p in problems] == [
        "row 2, column name",
        "row 3, column regency",
        "row 3, column members",
    ]


def test_create_regencies_option(runner, tmp_path, bulungan):
    text = "name,regency\nKSP Baru,Tana Tidung\nKSP Lain,tana  tidung\n"
    path = write_csv(tmp_path, text)
    assert import_file(runner, path).exit_code == 1
    result = import_file(runner, path, "--create-regencies")
    assert result.exit_code == 0, result.output
    regency = db.session.scalar(select(Regency).where(Regency.name == "Tana Tidung"))
    coops = db.session.scalars(select(Cooperative)).all()
    assert len(coops) == 2 and {c.regency_id for c in coops} == {regency.id}


def test_matching_updates_by_nik_or_legal_entity_number_and_records_history(
    runner, tmp_path, bulungan, make_cooperative, make_user
):
    by_nik = make_cooperative(name="KSP Lama Nama", nik=NIK_A, stage="certified")
    by_number = make_cooperative(
        name="KUD Tetap", legal_entity_number="7/BH/1999", stage="rat_held"
    )
    supervisor = make_user("siti", role="supervisor")
    text = (
        f"{HEADER}\n"
        f"KSP Nama Baru,Bulungan,Peso,,{NIK_A},30,yes,certified\n"
        f"KUD Tetap,Bulungan,Tanjung Selor,7/BH/1999,,30,tidak aktif,Sudah input ODS\n"
        f"KSP Baru,Bulungan,Peso,8/BH/2020,,5,yes,\n"
    )
    path = write_csv(tmp_path, text, "register-2019.csv")
    # KUD Tetap is deactivated: as on the screens, that needs a reason.
    result = import_file(runner, path, "--as", "siti", "--reason", "Register 2019")
    assert result.exit_code == 0, result.output
    assert "created 1, updated 2, unchanged 0" in result.stdout
    db.session.expire_all()
    assert db.session.get(Cooperative, by_nik.id).name == "KSP Nama Baru"
    moved = db.session.get(Cooperative, by_number.id)
    assert (moved.stage, moved.active) == ("ods_entered", False)
    history = db.session.scalars(
        select(CooperativeHistory).where(CooperativeHistory.cooperative_id == by_number.id)
    ).all()
    assert len(history) == 1
    entry = history[0]
    assert (entry.kind, entry.from_stage, entry.to_stage) == ("import", "rat_held", "ods_entered")
    assert (entry.from_active, entry.to_active) == (True, False)
    assert entry.user_id == supervisor.id and entry.note == "register-2019.csv: Register 2019"
    # The renamed cooperative kept its stage and status: no history row for it.
    assert not db.session.scalars(
        select(CooperativeHistory).where(CooperativeHistory.cooperative_id == by_nik.id)
    ).all()
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "cooperatives.imported")
    )
    assert event.user_id == supervisor.id and event.target == "register-2019.csv"
    assert event.detail["created"] == 1 and event.detail["updated"] == 2

    again = import_file(runner, path, "--as", "siti")
    assert "created 0, updated 0, unchanged 3" in again.stdout
    assert db.session.scalar(select(func.count()).select_from(CooperativeHistory)) == 2


def test_rows_without_identifiers_match_by_name_so_reimport_changes_nothing(
    runner, tmp_path, bulungan
):
    path = write_csv(tmp_path, "name,regency,members\nKSP Tanpa Nomor,Bulungan,9\n")
    assert "created 1" in import_file(runner, path).stdout
    assert "created 0, updated 0, unchanged 1" in import_file(runner, path).stdout


def test_empty_cells_never_remove_a_nik(runner, tmp_path, bulungan, make_cooperative):
    coop = make_cooperative(
        name="KSP Ber-NIK", nik=NIK_A, legal_entity_number="3/BH", stage="certified"
    )
    path = write_csv(
        tmp_path,
        "name,regency,legal_entity_number,nik,stage\nKSP Ber-NIK,Bulungan,3/BH,,rat_held\n",
    )
    result = import_file(runner, path)
    assert "unchanged 1" in result.stdout
    db.session.expire_all()
    assert db.session.get(Cooperative, coop.id).nik == NIK_A


def test_dry_run_counts_and_writes_nothing(runner, tmp_path, bulungan, make_cooperative):
    make_cooperative(name="KSP Ada", legal_entity_number="1/BH", members=30)
    text = (
        "name,regency,legal_entity_number,members\nKSP Ada,Bulungan,1/BH,31\nKSP Baru,Bulungan,,1\n"
    )
    before = snapshot()
    result = import_file(runner, write_csv(tmp_path, text), "--dry-run")
    assert result.exit_code == 0
    assert "dry run, nothing written: created 1, updated 1, unchanged 0" in result.stdout
    assert snapshot() == before


def test_unknown_user_for_as_is_refused(runner, tmp_path, bulungan):
    result = import_file(
        runner, write_csv(tmp_path, "name,regency\nA,Bulungan\n"), "--as", "nobody"
    )
    assert result.exit_code == 1 and "unknown user" in result.stderr


def test_two_thousand_rows_import_with_a_bounded_number_of_queries(app, make_regency):
    from ppkl.transfer.services import ImportOptions, import_cooperatives

    regencies = [make_regency(name) for name in ("Bulungan", "Malinau", "Tarakan")]
    existing = [
        {
            "name": f"KSP Lama {n}",
            "regency_id": regencies[n % 3].id,
            "legal_entity_number": f"{n}/BH/LAMA",
            "stage": "not_started",
            "active": True,
        }
        for n in range(1000)
    ]
    db.session.execute(Cooperative.__table__.insert(), existing)
    db.session.commit()
    lines = ["name,regency,legal_entity_number,nik,members,stage"]
    lines += [
        f"KSP Lama {n},{regencies[n % 3].name},{n}/BH/LAMA,,{n},rat_held" for n in range(1000)
    ]
    lines += [f"KSP Baru {n},Malinau,{n}/BH/BARU,65020000{n:08d},{n}," for n in range(1000)]
    data = "\n".join(lines).encode()
    options = ImportOptions(nik_pattern=app.config["NIK_PATTERN"])
    with count_queries(db.engine) as statements:
        result = import_cooperatives(db.session, None, "big.csv", data, options)
        db.session.commit()
    assert result.applied and (result.created, result.updated) == (1000, 1000)
    assert len(statements) <= 20, statements
    assert db.session.scalar(select(func.count()).select_from(CooperativeHistory)) == 2000
    assert db.session.scalar(select(func.count()).where(Cooperative.stage == "certified")) == 1000


def test_a_cooperative_changed_meanwhile_stops_the_whole_import(
    runner, tmp_path, bulungan, make_cooperative, monkeypatch
):
    from ppkl.transfer import services

    coop = make_cooperative(name="KSP Lama", legal_entity_number="1/BH", members=3)
    real = services.read_existing

    def stale(session, ids):
        # What a concurrent edit looks like: the version read is older than the row's.
        rows = real(session, ids)
        for row in rows.values():
            row.version -= 1
        return rows

    monkeypatch.setattr(services, "read_existing", stale)
    text = (
        "name,regency,legal_entity_number,members\nKSP Lama,Bulungan,1/BH,4\nKSP Baru,Bulungan,,1\n"
    )
    before = snapshot()
    result = import_file(runner, write_csv(tmp_path, text))
    assert result.exit_code == 1 and "changed meanwhile" in result.stderr
    assert snapshot() == before
    assert db.session.get(Cooperative, coop.id).members == 3


def test_csv_with_nul_characters_is_refused(runner, tmp_path, bulungan):
    result = import_file(runner, write_csv(tmp_path, "name,regency\nKSP\x00A,Bulungan\n"))
    assert result.exit_code == 1 and "not a readable CSV text file (NUL)" in result.stderr
    assert db.session.scalar(select(func.count()).select_from(Cooperative)) == 0
