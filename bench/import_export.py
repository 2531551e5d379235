"""Benchmark: import a generated file of cooperatives, export them again; prints rows/second
and each step's peak memory.

    .venv/bin/python bench/import_export.py                       # SQLite (a temporary file)
    .venv/bin/python bench/import_export.py --database postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/import_export.py --rows 210000 --database postgresql://...   # national

With a PostgreSQL server URL the script creates a database of its own, ppkl_bench_<random>,
and drops it at the end. Each step runs in a child process of its own (the command line's
path: a streamed import, exports written to a file), so its peak resident memory is its own.
Targets: 20,000 rows imported in under 10 s and exported in under 3 s; 210,000 rows imported
in under 30 s and 300 MiB, exported in under 150 MiB (CSV under 5 s) on a 2-core machine.
"""

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ppkl import create_app  # noqa: E402
from ppkl.config import normalise_database_url  # noqa: E402

REGENCIES = ["Bulungan", "Malinau", "Nunukan", "Tana Tidung", "Tarakan"]
STAGES = ["Belum mulai", "RAT terlaksana", "Laporan RAT diterima", "Sudah input ODS"]


def generate_csv(rows: int, extra_members: int = 0) -> bytes:
    """The office's kind of file: semicolons, Indonesian header, a NIK on every fifth row."""
    lines = [
        "Nama Koperasi;Kabupaten/Kota;Kecamatan;Alamat;No Badan Hukum;NIK;Jenis;"
        "Jumlah Anggota;Status;Tahap"
    ]
    for n in range(rows):
        nik = f"65{n:014d}" if n % 5 == 0 else ""
        lines.append(
            f"Koperasi Uji {n};{REGENCIES[n % 5]};Kecamatan {n % 37};Jl. Contoh No. {n};"
            f"{n:05d}/BH/KUK/{2000 + n % 20};{nik};Simpan Pinjam;{n % 500 + extra_members};"
            f"{'tidak aktif' if n % 9 == 0 else 'aktif'};{STAGES[n % 4]}"
        )
    return "\n".join(lines).encode("utf-8")


class Database:
    def __init__(self, url: str | None):
        self.server = url
        self.name = None
        if url is None:
            self.tmp = tempfile.TemporaryDirectory()
            self.url = f"sqlite:///{self.tmp.name}/bench.sqlite"
        else:
            self.name = f"ppkl_bench_{uuid.uuid4().hex[:8]}"
            self.admin(f'CREATE DATABASE "{self.name}"')
            server = make_url(normalise_database_url(url))
            self.url = server.set(database=self.name).render_as_string(hide_password=False)

    def admin(self, sql: str) -> None:
        engine = create_engine(normalise_database_url(self.server), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(sql))
        engine.dispose()

    def drop(self) -> None:
        if self.name:
            self.admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            self.tmp.cleanup()


def in_child(label: str, rows: int, action) -> None:
    """Run `action` in a forked child; print its time, rows per second and peak memory."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        start = time.perf_counter()
        try:
            action()
        except BaseException as error:  # noqa: BLE001 - reported by the parent
            os.write(write, f"failed: {error!r}".encode())
            os._exit(1)
        os.write(write, f"{time.perf_counter() - start:.3f}".encode())
        os._exit(0)
    os.close(write)
    _, status, usage = os.wait4(pid, 0)
    with os.fdopen(read) as pipe:
        said = pipe.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{label}: {said}")
    seconds = float(said)
    print(
        f"{label:<28} {rows:>8,} rows {seconds:7.2f} s {rows / seconds:>10,.0f} rows/s "
        f"peak {usage.ru_maxrss / 1024:6.0f} MiB"
    )


def run(database_url: str, rows: int) -> None:
    from flask_babel import force_locale
    from flask_migrate import upgrade
    from sqlalchemy import select

    from ppkl.clock import office_today
    from ppkl.cooperatives.queries import CooperativeFilter
    from ppkl.extensions import db
    from ppkl.models import Province, Regency
    from ppkl.tasks.worklist import Thresholds
    from ppkl.transfer.exports import CliActor, export_cooperatives
    from ppkl.transfer.services import import_cooperatives, import_options

    settings = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url}
    app = create_app(settings)
    with app.app_context():
        upgrade()
        home = db.session.scalar(select(Province.id))  # the migration's province
        db.session.add_all(Regency(name=name, province_id=home) for name in REGENCIES)
        db.session.commit()
        db.engine.dispose()
    folder = tempfile.TemporaryDirectory()
    files = {"new": Path(folder.name) / "new.csv", "changed": Path(folder.name) / "changed.csv"}
    files["new"].write_bytes(generate_csv(rows))
    files["changed"].write_bytes(generate_csv(rows, extra_members=1))

    def do_import(name: str, expect: str):
        def action():
            with app.app_context():
                options = import_options(app.config, False, False, cli=True)
                result = import_cooperatives(
                    db.session, None, files[name].name, files[name].read_bytes(), options
                )
                db.session.commit()
                assert result.applied, result.plan.problems[:5]
                assert getattr(result, expect) == rows, result.summary()

        return action

    def do_export(fmt: str):
        def action():
            with app.app_context(), force_locale("id"):
                thresholds = Thresholds.from_config(app.config, office_today())
                with (Path(folder.name) / f"out.{fmt}").open("wb") as out:
                    export = export_cooperatives(
                        db.session, CliActor(), CooperativeFilter(), thresholds, fmt, out
                    )
                db.session.commit()
                assert export.rows == rows

        return action

    in_child("import (all new)", rows, do_import("new", "created"))
    in_child("re-import (all unchanged)", rows, do_import("new", "unchanged"))
    in_child("re-import (all updated)", rows, do_import("changed", "updated"))
    for fmt in ("csv", "xlsx"):
        in_child(f"export {fmt}", rows, do_export(fmt))
    folder.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    database = Database(args.database)
    print(f"{args.rows:,} cooperatives on {'PostgreSQL' if args.database else 'SQLite'}")
    try:
        run(database.url, args.rows)
    finally:
        database.drop()


if __name__ == "__main__":
    main()
