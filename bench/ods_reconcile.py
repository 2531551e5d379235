"""Benchmark: reconcile a national-size ODS extract (210,000 rows) with a national register.

    .venv/bin/python bench/ods_reconcile.py --template ppkl_national
    .venv/bin/python bench/ods_reconcile.py --rows 210000            # generated register

With --template the script copies that PostgreSQL database (CREATE DATABASE ... TEMPLATE; the
national data set of bench/national_data.py), upgrades the copy to head and reconciles against
its cooperatives. Without it, it generates a register of --rows cooperatives in a database of
its own. Either way the database is dropped at the end. The extract is written from the register
with drift (names written another way and without numbers, NIKs issued in ODS only, missing and
new rows), as semicolon CSV with a BOM, then reconciled and kept as a run (as `reconcile-ods
--apply` would, without applying). Prints the time of each step and the peak memory (RSS).
Target: under 30 s.
"""

import argparse
import cProfile
import csv
import io
import pstats
import resource
import sys
import time
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from ppkl import create_app  # noqa: E402
from ppkl.extensions import db  # noqa: E402
from ppkl.models import Cooperative, OdsRun, OdsRunLine, Regency  # noqa: E402
from ppkl.ods.services import OdsOptions, reconcile_file, save_run  # noqa: E402
from ppkl.transfer.bulk import insert_rows  # noqa: E402
from ppkl.transfer.tabular import Limits  # noqa: E402

ENTERED = ("ods_entered", "certified")
SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
HEADER = ["NIK", "Nama Koperasi", "Kabupaten/Kota", "Nomor Badan Hukum", "Tanggal Update",
          "Tanggal NIK", "Status"]  # fmt: skip


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def admin(sql: str) -> None:
    engine = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def generate_register(count: int) -> None:
    regencies = [{"name": f"Kabupaten Uji {n}"} for n in range(514)]
    insert_rows(db.session, Regency.__table__, regencies)
    ids = list(db.session.scalars(select(Regency.id)))
    now = date(2026, 1, 1)
    stages = ["not_started", "rat_held", "report_received", "ods_entered", "certified"]
    rows = []
    for n in range(count):
        stage = stages[n % 5]
        rows.append(
            {
                "name": f"Koperasi Simpan Pinjam Uji {n}",
                "search_name": f"koperasi simpan pinjam uji {n}",
                "regency_id": ids[n % len(ids)],
                "legal_entity_number": f"{n:06d}/BH/{n % 514}",
                "nik": f"{n:016d}" if stage == "certified" else None,
                "stage": stage,
                "active": True,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    insert_rows(db.session, Cooperative.__table__, rows)
    db.session.commit()


def ods_regency(name: str) -> str:
    """As ODS writes it: "KAB. BULUNGAN" for "Bulungan" or "Kabupaten Bulungan"."""
    for word in ("Kabupaten ", "Kota "):
        if name.startswith(word):
            return ("KAB. " if word == "Kabupaten " else "KOTA ") + name[len(word) :].upper()
    return f"KAB. {name.upper()}"


def write_extract(rows: int) -> tuple[bytes, int]:
    """One row per cooperative of the register (up to `rows`), with drift; new rows fill up
    to `rows` when the register is smaller."""
    regencies = dict(db.session.execute(select(Regency.id, Regency.name)).all())
    coops = db.session.execute(
        select(
            Cooperative.id,
            Cooperative.name,
            Cooperative.regency_id,
            Cooperative.legal_entity_number,
            Cooperative.nik,
            Cooperative.stage,
        ).order_by(Cooperative.id)
    ).all()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    written = 0
    for n, (cid, name, regency_id, number, nik, stage) in enumerate(coops):
        if written >= rows:
            break
        regency = ods_regency(regencies[regency_id])
        if n % 200 == 1:
            continue  # missing in ODS
        if n % 50 == 2:  # another spelling, no numbers: matched by name
            writer.writerow(["", name.replace("Koperasi", "Kop.", 1), regency, "", "", "", ""])
        elif n % 100 == 3 and not nik:  # a NIK issued in ODS only
            writer.writerow([f"99{cid:014d}", name, regency, number or "", "2026-01-10",
                             "2026-01-20", "Aktif"])  # fmt: skip
        else:  # ODS has the RAT data of those entered here; a draft of the others
            status = "Aktif" if stage in ENTERED else "Draft"
            writer.writerow([nik or "", name, regency, number or "", "2026-01-10",
                             "2026-01-20" if nik else "", status])  # fmt: skip
        written += 1
    n, first = 0, ods_regency(regencies[min(regencies)])
    while written < rows:  # new in ODS
        writer.writerow(["", f"Koperasi Baru Sekali {n}", first, "", "", "", "Aktif"])
        written, n = written + 1, n + 1
    return ("\ufeff" + out.getvalue()).encode("utf-8"), written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", help="PostgreSQL database to copy (the national data set)")
    parser.add_argument("--rows", type=int, default=210_000)
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    args = parser.parse_args()
    name = f"ods_bench_{uuid.uuid4().hex[:8]}"
    admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{args.template}"' if args.template else ""))
    url = make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
        with app.app_context():
            upgrade()
            if not args.template:
                generate_register(args.rows)
            registered = db.session.scalar(select(db.func.count(Cooperative.id)))
            data, rows = write_extract(args.rows)
            print(f"register: {registered:,} cooperatives; extract: {rows:,} rows, "
                  f"{len(data) / 1e6:.1f} MB")  # fmt: skip
            before = peak_mb()
            options = OdsOptions(r"\d{16}", date(2026, 2, 1), Limits(200_000_000, 250_000))
            profile = cProfile.Profile() if args.profile else None
            if profile:
                profile.enable()
            started = time.perf_counter()
            outcome = reconcile_file(db.session, None, "ods-national.csv", data, options)
            matched = time.perf_counter()
            assert outcome.ok, [p.line() for p in outcome.extract.problems[:5]]
            run = save_run(db.session, None, outcome, options.extract_date)
            db.session.commit()
            saved = time.perf_counter()
            if profile:
                profile.disable()
                pstats.Stats(profile).sort_stats("tottime").print_stats(25)
            print(f"read and reconcile: {matched - started:.1f} s")
            print(f"keep the run ({sum(run.counts.values()):,} lines): {saved - matched:.1f} s")
            print(f"total: {saved - started:.1f} s")
            print(f"peak RSS: {peak_mb():.0f} MB (before reconciling: {before:.0f} MB)")
            print("counts:", run.counts, "proposals:", run.proposals)
            db.session.execute(OdsRunLine.__table__.delete())
            db.session.execute(OdsRun.__table__.delete())
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
