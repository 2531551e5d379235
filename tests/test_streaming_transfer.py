"""Exports and command-line imports at national size keep memory flat: exports write rows as
they come from the database, the command line reads a file twice instead of keeping every
change, and writes in batches."""

import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from ppkl.extensions import db
from ppkl.models import Cooperative, CooperativeHistory, Regency
from ppkl.transfer import planning, services, xlsx
from ppkl.transfer.writers import Column, Sheet, write

COLUMNS = [Column("name", "Nama"), Column("members", "Anggota", 10, "0")]


class Watched(io.BytesIO):
    """An output that remembers how much had been written when each row was asked for."""

    def __init__(self):
        super().__init__()
        self.seen: list[int] = []

    def rows(self, count: int):
        for n in range(count):
            self.seen.append(self.tell())
            yield (f"KSP {n}", n)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_rows_are_written_while_later_rows_are_still_being_read(fmt, monkeypatch):
    monkeypatch.setattr(xlsx, "FLUSH_ROWS", 10)
    out = Watched()
    count = write(Sheet("Koperasi", COLUMNS, out.rows(5_000)), fmt, out)
    assert count == 5_000
    # The output had grown before the last row was read: nothing waits for the whole list.
    assert out.seen[0] < out.seen[2_500] < out.seen[-1]
    out.seek(0)
    if fmt == "xlsx":
        sheet = load_workbook(out, read_only=True).worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
        assert values[0] == ("Nama", "Anggota") and values[-1] == ("KSP 4999", 4999)
        assert len(values) == 5_001
    else:
        lines = out.getvalue().decode("utf-8-sig").splitlines()
        assert lines[0] == "name,members" and lines[-1] == "KSP 4999,4999"
        assert len(lines) == 5_001


def test_an_empty_sheet_is_a_header_alone():
    out = io.BytesIO()
    assert write(Sheet("Koperasi", COLUMNS, iter(())), "xlsx", out) == 0
    with zipfile.ZipFile(out) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == 1 and sheet.endswith("</sheetData></worksheet>")


def register(rows: range, members: int = 1) -> str:
    lines = ["Nama Koperasi;Kabupaten/Kota;No Badan Hukum;Jumlah Anggota;Tahap"]
    lines += [f"KSP {n};Bulungan;{n}/BH;{members};RAT terlaksana" for n in rows]
    return "\n".join(lines) + "\n"


def test_the_command_line_import_writes_in_batches_with_the_same_result(
    runner, tmp_path, make_regency, monkeypatch
):
    make_regency("Bulungan")
    monkeypatch.setattr(services, "BATCH_ROWS", 7)
    path = tmp_path / "daftar.csv"
    path.write_text(register(range(50)))
    result = runner.invoke(args=["import-cooperatives", str(path)])
    assert result.exit_code == 0, result.output
    assert "created 50, updated 0, unchanged 0" in result.stdout
    db.session.expire_all()
    names = db.session.scalars(select(Cooperative.name).order_by(Cooperative.id)).all()
    assert names == [f"KSP {n}" for n in range(50)]
    history = db.session.execute(
        select(CooperativeHistory.to_stage, CooperativeHistory.evidence["row"].as_integer())
    ).all()
    assert sorted(row for _, row in history) == list(range(2, 52))
    assert {stage for stage, _ in history} == {"rat_held"}
    # Every row changed (members), in batches again, each version raised once.
    path.write_text(register(range(50), members=2))
    result = runner.invoke(args=["import-cooperatives", str(path)])
    assert "created 0, updated 50, unchanged 0" in result.stdout
    db.session.expire_all()
    assert set(db.session.scalars(select(Cooperative.version))) == {2}
    assert set(db.session.scalars(select(Cooperative.members))) == {2}


def test_an_unchanged_register_changes_nothing_and_says_so(runner, tmp_path, make_regency):
    make_regency("Bulungan")
    path = tmp_path / "daftar.csv"
    path.write_text(register(range(20)))
    assert runner.invoke(args=["import-cooperatives", str(path)]).exit_code == 0
    history = db.session.scalar(select(func.count()).select_from(CooperativeHistory))
    result = runner.invoke(args=["import-cooperatives", str(path)])
    assert result.exit_code == 0
    assert "unchanged 20: nothing changed" in result.stdout
    db.session.expire_all()
    assert set(db.session.scalars(select(Cooperative.version))) == {1}
    assert db.session.scalar(select(func.count()).select_from(CooperativeHistory)) == history


def test_a_problem_late_in_a_large_file_writes_nothing(runner, tmp_path, make_regency, monkeypatch):
    """Batches are written as they are checked; a later problem rolls them all back."""
    make_regency("Bulungan")
    monkeypatch.setattr(planning, "BATCH_ROWS", 7)
    monkeypatch.setattr(services, "BATCH_ROWS", 7)
    path = tmp_path / "daftar.csv"
    path.write_text(register(range(30)) + "KSP Akhir;Atlantis;99/BH;1;RAT terlaksana\n")
    result = runner.invoke(args=["import-cooperatives", str(path)])
    assert result.exit_code == 1 and "row 32" in result.stderr
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Cooperative)) == 0
    assert db.session.scalar(select(func.count()).select_from(CooperativeHistory)) == 0


def test_a_new_regency_named_in_several_batches_is_created_once(
    runner, tmp_path, make_regency, monkeypatch
):
    make_regency("Bulungan")
    monkeypatch.setattr(planning, "BATCH_ROWS", 4)
    monkeypatch.setattr(services, "BATCH_ROWS", 4)
    path = tmp_path / "daftar.csv"
    path.write_text(register(range(10)).replace(";Bulungan;", ";Tana  Tidung;"))
    result = runner.invoke(args=["import-cooperatives", str(path), "--create-regencies"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    regencies = db.session.scalars(select(Regency.id).where(Regency.name == "Tana Tidung")).all()
    assert len(regencies) == 1
    assert set(db.session.scalars(select(Cooperative.regency_id))) == set(regencies)


def test_each_batch_reads_only_the_cooperatives_it_matches(
    runner, tmp_path, make_regency, monkeypatch
):
    make_regency("Bulungan")
    path = tmp_path / "daftar.csv"
    path.write_text(register(range(12)))
    assert runner.invoke(args=["import-cooperatives", str(path)]).exit_code == 0
    monkeypatch.setattr(planning, "BATCH_ROWS", 5)
    asked = []
    real = services.read_existing
    monkeypatch.setattr(
        services, "read_existing", lambda session, ids: asked.append(ids) or real(session, ids)
    )
    path.write_text(register(range(10, 15), members=2))
    result = runner.invoke(args=["import-cooperatives", str(path)])
    assert "created 3, updated 2, unchanged 0" in result.stdout, result.output
    names = db.session.scalars(select(Cooperative.name).where(Cooperative.id.in_(asked[0])))
    assert sorted(names) == ["KSP 10", "KSP 11"] and len(asked) == 1


def test_statements_grow_with_batches_not_rows(app, make_regency, monkeypatch):
    from tests.helpers import count_queries

    make_regency("Bulungan")
    monkeypatch.setattr(planning, "BATCH_ROWS", 50)
    monkeypatch.setattr(services, "BATCH_ROWS", 50)
    options = services.ImportOptions(nik_pattern=app.config["NIK_PATTERN"])
    counts = []
    for rows, members in ((range(100), 1), (range(100), 2), (range(300), 3)):
        data = register(rows, members).encode()
        with count_queries(db.engine) as statements:
            result = services.import_cooperatives(db.session, None, "d.csv", data, options)
            db.session.commit()
        assert result.applied
        counts.append(len(statements))
    # Two batches of creates, two of updates, then six of updates and creates: at most five
    # statements a batch and a few for the import (keys, regencies, audit), none per row.
    assert counts[0] <= 2 * 5 + 5 and counts[1] <= 2 * 5 + 5
    assert counts[2] <= 6 * 5 + 5
