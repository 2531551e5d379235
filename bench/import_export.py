"""Benchmark: import a generated file of cooperatives, export them again; prints rows/second.

    .venv/bin/python bench/import_export.py                       # SQLite (a temporary file)
    .venv/bin/python bench/import_export.py --database postgresql://postgres@127.0.0.1:5432/postgres

With a PostgreSQL server URL the script creates a database of its own, ppkl_bench_<random>,
and drops it at the end. Targets: 20,000 rows imported in under 10 s and exported in
under 3 s on a 2-core machine.
"""

import argparse
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


def timed(label: str, rows: int, action):
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    print(f"{label:<28} {rows:>7,} rows {seconds:7.2f} s {rows / seconds:>10,.0f} rows/s")
    return result


def run(database_url: str, rows: int) -> None:
    from flask_babel import force_locale
    from flask_migrate import upgrade

    from ppkl.clock import office_today
    from ppkl.cooperatives.queries import CooperativeFilter
    from ppkl.extensions import db
    from ppkl.models import Regency
    from ppkl.tasks.worklist import Thresholds
    from ppkl.transfer.exports import CliActor, export_cooperatives
    from ppkl.transfer.services import ImportOptions, import_cooperatives

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        db.session.add_all(Regency(name=name) for name in REGENCIES)
        db.session.commit()
        data = generate_csv(rows)
        options = ImportOptions(nik_pattern=app.config["NIK_PATTERN"])

        def do_import(data=data):
            result = import_cooperatives(db.session, None, "bench.csv", data, options)
            db.session.commit()
            assert result.applied, result.plan.problems[:5]
            return result

        first = timed("import (all new)", rows, do_import)
        assert first.created == rows
        again = timed("re-import (all unchanged)", rows, do_import)
        assert again.unchanged == rows
        changed = generate_csv(rows, extra_members=1)
        updated = timed("re-import (all updated)", rows, lambda: do_import(changed))
        assert updated.updated == rows
        for fmt in ("csv", "xlsx"):
            with force_locale("id"):
                export = timed(
                    f"export {fmt}",
                    rows,
                    lambda fmt=fmt: export_cooperatives(
                        db.session,
                        CliActor(),
                        CooperativeFilter(),
                        Thresholds.from_config(app.config, office_today()),
                        fmt,
                    ),
                )
            db.session.commit()
            assert export.rows == rows
        db.session.remove()
        db.engine.dispose()


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
