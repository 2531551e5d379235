"""Build the national data set on PostgreSQL with set-based SQL (prints what it made and how long).

    .venv/bin/python bench/national_data.py                      # ppkl_national on 127.0.0.1
    .venv/bin/python bench/national_data.py --url postgresql://postgres@127.0.0.1:5432/other
    .venv/bin/python bench/national_data.py --scale 0.05         # a twentieth, for a quick try
    .venv/bin/python bench/national_data.py --end-date 2026-11-29  # the same rows every time

It drops and recreates the database named in --url, migrates it with `flask db upgrade`, inserts
every row with a handful of INSERT ... SELECT statements over generate_series, then ANALYZEs
and, when the app has it, runs `flask rebuild-derived`. A few minutes on a 2-core machine.

Deterministic: every "random" choice is hashint8extended(row number, salt) scaled to [0, 1), so
the same --end-date and --scale give the same rows. Without --end-date the end date is the
office's today, so worklists (overdue follow-ups, RAT deadlines) look like a live installation.

Distributions (at --scale 1; E = end date, W = E minus three years):
- 514 regencies spread over 38 provinces (when the app has a province table), named
  "Kabupaten <word> <nnn>"; each has 3 PPKL officers and 3 DAK assistants (3,084 officers)
  and between 162 and 336 active cooperatives (130,000 in all, a fixed deterministic spread),
  plus inactive ones in proportion (80,000): 210,000 cooperatives. Ids are shuffled over the
  regencies, as rows registered over the years would be.
- Every active cooperative has a current PPKL and a current DAK assistant of its regency, round
  robin, so each officer covers between 54 and 112 cooperatives; 10% had another PPKL before a
  hand-over (an ended assignment).
- Stage of an active cooperative: 24% certified (with a NIK), 8% ods_entered, 10%
  report_received, 12% rat_held, 46% not_started; inactive ones are not_started.
- Registered before W (70% of active ones, all inactive ones) or during the three years.
- History (~489,000 rows): a `created` row each, one `move` per stage reached, and a
  `deactivated` row for each inactive one. A cooperative's moves fall in order inside a stretch
  that starts in the first 70% of [max(registration, W), E) and lasts 30-100% of what is left.
- RAT records (~459,000): the current cycle's RAT for every cooperative past not_started (held
  on the day of its rat_held move, report received on the report_received move), earlier yearly
  RATs back to fiscal year Y-5 (90% a year; Y = the end date's year), the next years' for
  certified ones (80%), fiscal years Y-7..Y-4 (70% each) for inactive cooperatives before they
  stopped, Y-5..Y-2 (92% each) for not-started active ones, none for Y-1 (so they carry the
  deadline flags). Held February-July of the year after the fiscal year, 92% with the report
  received 5-45 days later.
- Visits (~985,000): 0-16 per active cooperative (uniform), on days uniform over
  [max(registration, W), E), 55% by the PPKL of the day and 45% by the DAK assistant, 60% with a
  follow-up 7-30 days later, 1% removed.
- Targets: for each of the last three years, one per regency (10% of its active
  cooperatives) and the national one (their sum), with their change rows.
Accounts: `admin`, `supervisor`, `ppkl0001`..`ppkl1542`, `dak0001`..`dak1542`, all with the
demo password (`ppkl-demo`) hashed once with the app's PASSWORD_HASH_METHOD.
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg
from psycopg import sql

from ppkl.auth.passwords import hash_password
from ppkl.clock import office_today
from ppkl.config import Config
from ppkl.demo.seed import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/ppkl_national"

REGENCIES = 514
PROVINCES = 38
OFFICERS_PER_ROLE = 3  # per regency
ACTIVE = 130_000
INACTIVE = 80_000
ACTIVE_MIN, ACTIVE_MAX = 162, 336  # per regency: 3 officers x 54..112
WORDS = (
    *("Sejahtera", "Maju", "Bersama", "Mandiri", "Makmur", "Sentosa", "Jaya", "Bahagia"),
    *("Harapan", "Karya", "Tani", "Nelayan", "Bina", "Mitra", "Sinar", "Cahaya", "Tunas"),
    *("Amanah", "Berkah", "Mulia", "Abadi", "Lestari", "Persada", "Sumber", "Rezeki"),
    *("Swadaya", "Mekar", "Usaha", "Pelita", "Bakti", "Nusantara", "Bahari"),
)
PREFIXES = ("KSP", "KSU", "Koperasi Konsumen", "Koperasi Produsen", "Koperasi Jasa", "KUD")
ACTIONS = (
    "Ambil salinan laporan RAT",
    "Cek kelengkapan dokumen ODS",
    "Hadiri rapat pengurus",
    "Verifikasi daftar anggota",
    "Dampingi input data ODS",
)
PURPOSES = ("pembinaan", "pendampingan_rat", "pendampingan_ods", "verifikasi_data")


def regency_sizes(scale: float) -> list[tuple[int, int]]:
    """(active, inactive) per regency: a fixed spread inside [ACTIVE_MIN, ACTIVE_MAX] summing
    to ACTIVE (scaled), the inactive ones in proportion."""
    count = max(2, round(REGENCIES * scale))
    low, high = max(3, round(ACTIVE_MIN * min(1, scale * 10))), ACTIVE_MAX
    active = [low + (r * 193) % (high - low + 1) for r in range(count)]
    wanted = round(ACTIVE * scale)
    step, r = (1 if wanted > sum(active) else -1), 0
    while sum(active) != wanted:
        if low <= active[r % count] + step <= high:
            active[r % count] += step
        r += 1
    inactive_wanted = round(INACTIVE * scale)
    inactive = [a * inactive_wanted // wanted for a in active]
    for r in range(inactive_wanted - sum(inactive)):
        inactive[r % count] += 1
    return list(zip(active, inactive, strict=True))


def recreate_database(url: str) -> None:
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info["dbname"]
    with psycopg.connect(psycopg.conninfo.make_conninfo(url, dbname="postgres")) as admin:
        admin.autocommit = True
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def flask(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [str(BIN / "flask"), "--app", "ppkl", *args],
        env=env,
        cwd=ROOT,
        check=check,
        capture_output=True,
        text=True,
    )


def has_table(conn, name: str) -> bool:
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0]


def has_column(conn, table: str, column: str) -> bool:
    found = conn.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
        (table, column),
    ).fetchone()
    return found is not None


class Steps:
    """Runs statements in order, printing each step's time and rows."""

    def __init__(self, conn):
        self.conn = conn

    def run(self, label: str, statement: str, params: dict | None = None) -> None:
        start = time.perf_counter()
        cursor = self.conn.execute(statement, params or {})
        rows = cursor.rowcount
        shown = f"{rows:>9,} rows" if rows is not None and rows >= 0 else " " * 14
        print(f"  {label:<38} {shown} {time.perf_counter() - start:7.1f} s", flush=True)


# A number in [0, 1) from a row number and a salt: the data set's only source of chance.
FUNCTIONS = (
    """
CREATE FUNCTION pg_temp.rnd(n bigint, salt bigint) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (hashint8extended(n, salt) & 2147483647)::double precision / 2147483648 $$
""",
    """
CREATE FUNCTION pg_temp.word(n bigint) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT ({words})[1 + n % 32] $$
""",
    """
CREATE FUNCTION pg_temp.prefix(n bigint) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT ({prefixes})[1 + n % 6] $$
""",
)


def build(conn, scale: float, end: date, password_hash: str) -> None:
    steps = Steps(conn)
    conn.execute("SET work_mem = '256MB'")
    conn.execute("SET synchronous_commit = off")
    window = 3 * 365
    params = {
        "end": end,
        "w": end - timedelta(days=window),
        "y": end.year,
        "pw": password_hash,
        "actions": list(ACTIONS),
        "purposes": list(PURPOSES),
    }
    arrays = {"words": WORDS, "prefixes": PREFIXES}
    for function in FUNCTIONS:
        # The lists are the module's own constants, without quotes: safe to write in.
        conn.execute(function.format(**{k: f"ARRAY{list(v)!r}" for k, v in arrays.items()}))
    sizes = regency_sizes(scale)
    conn.execute("CREATE TEMP TABLE nat_regency (id int PRIMARY KEY, active_n int, inactive_n int)")
    with conn.cursor().copy("COPY nat_regency FROM STDIN") as copy:
        for r, (active, inactive) in enumerate(sizes, start=1):
            copy.write_row((r, active, inactive))

    provinces = has_table(conn, "province") and has_column(conn, "regency", "province_id")
    if provinces:
        # The migration made one province from the settings; the nation's replace it.
        steps.run("settings' province", "DELETE FROM province")
        steps.run(
            "provinces",
            """INSERT INTO province (id, name, code, office_name, office_place, signatory_name,
                                     signatory_title, timezone)
               SELECT p, 'Provinsi ' || pg_temp.word((p * 7)) || ' ' || lpad(p::text, 2, '0'),
                      lpad((10 + p)::text, 2, '0'),
                      'Dinas Koperasi dan UKM Provinsi ' || pg_temp.word((p * 7)),
                      'Kota ' || pg_temp.word((p * 13)),
                      pg_temp.word((p * 3)) || ' ' || pg_temp.word((p * 5)),
                      'Kepala Bidang Koperasi',
                      (ARRAY['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'])[1 + p %% 3]
               FROM generate_series(1, 38) p""",
            params,
        )
    # Regency r lies in province 1 + (r - 1) mod 38 (its code's first two digits say so).
    steps.run(
        "regencies",
        f"""INSERT INTO regency (id, name, code{", province_id" if provinces else ""})
           SELECT id, 'Kabupaten ' || pg_temp.word((id * 11)) || ' ' || lpad(id::text, 3, '0'),
                  lpad((10 + (id - 1) %% 38 + 1)::text, 2, '0') || '.' || lpad(id::text, 4, '0')
                  {", 1 + (id - 1) %% 38" if provinces else ""}
           FROM nat_regency""",
        params,
    )
    # Accounts: 1 admin, 2 supervisor, then per regency 3 PPKL and 3 DAK (ids 3 + 6(r-1) + k).
    # With provinces the nation-wide supervisor is the national role (it sees every province);
    # officers belong to their regency's province.
    national_role = "'national'" if provinces else "'supervisor'"
    steps.run(
        "accounts",
        """INSERT INTO user_account (id, username, full_name, password_hash, role, regency_id,
                                     cohort_year, contract_end, active, session_version, created_at)
           SELECT 1, 'admin', 'Administrator ppkl', %(pw)s, 'admin', NULL::int, NULL::int,
                  NULL::date, true, 1, %(w)s::timestamp
           UNION ALL
           SELECT 2, 'supervisor', 'Supervisor Nasional', %(pw)s,
                  {national_role}, NULL, NULL, NULL, true, 1, %(w)s
           UNION ALL
           SELECT 3 + 6 * (r.id - 1) + k,
                  CASE WHEN k < 3 THEN 'ppkl' ELSE 'dak' END
                    || lpad((3 * (r.id - 1) + k %% 3 + 1)::text, 4, '0'),
                  pg_temp.word((r.id * 6 + k)) || ' ' || pg_temp.word((r.id + k * 5)),
                  %(pw)s, CASE WHEN k < 3 THEN 'ppkl' ELSE 'dak' END, r.id,
                  CASE WHEN k >= 3 THEN %(y)s END,
                  CASE WHEN k >= 3 THEN make_date(%(y)s, 12, 31) END, true, 1, %(w)s
           FROM nat_regency r CROSS JOIN generate_series(0, 5) k""".replace(
            "{national_role}", national_role
        ),
        params,
    )
    if provinces:
        steps.run(
            "officers into provinces",
            """UPDATE user_account u SET province_id = r.province_id
               FROM regency r WHERE u.regency_id = r.id""",
        )
    # Each cooperative's plan; ids shuffled over the regencies.
    steps.run(
        "plan cooperatives",
        """CREATE TEMP TABLE nat_coop AS
           SELECT row_number() OVER (ORDER BY hashint8extended(r.id * 100000 + g.n, 7), r.id, g.n)
                    AS id,
                  r.id AS regency_id, g.n, g.n <= r.active_n AS active
           FROM nat_regency r
           CROSS JOIN LATERAL generate_series(1, r.active_n + r.inactive_n) g(n)""",
    )
    steps.run(
        "plan stages and dates",
        """CREATE TEMP TABLE nat_plan AS
           SELECT c.*,
                  CASE WHEN NOT c.active THEN 0
                       WHEN u < 0.24 THEN 4 WHEN u < 0.32 THEN 3 WHEN u < 0.42 THEN 2
                       WHEN u < 0.54 THEN 1 ELSE 0 END AS steps,
                  CASE WHEN NOT c.active
                         THEN %(w)s::date - (30 + floor(pg_temp.rnd(c.id, 2) * 1500))::int
                       WHEN pg_temp.rnd(c.id, 3) < 0.7
                         THEN %(w)s::date - (1 + floor(pg_temp.rnd(c.id, 2) * 1460))::int
                       ELSE %(w)s::date + floor(pg_temp.rnd(c.id, 2) * 1035)::int END AS born,
                  3 + 6 * (c.regency_id - 1) + (c.n - 1) %% 3 AS ppkl_id,
                  3 + 6 * (c.regency_id - 1) + 3 + c.n %% 3 AS dak_id,
                  c.active AND pg_temp.rnd(c.id, 4) < 0.1 AS handed_over,
                  3 + 6 * (c.regency_id - 1) + c.n %% 3 AS before_id,
                  %(w)s::date + (200 + floor(pg_temp.rnd(c.id, 5) * 700))::int AS switch_on,
                  %(w)s::date + floor(pg_temp.rnd(c.id, 6) * 1000)::int AS deactivated_on,
                  20 + floor(pg_temp.rnd(c.id, 8) * 430)::int AS members
           FROM nat_coop c CROSS JOIN LATERAL (SELECT pg_temp.rnd(c.id, 1) AS u) s""",
        params,
    )
    conn.execute("ALTER TABLE nat_plan ADD PRIMARY KEY (id)")
    # The day of each move k of steps: in order inside [start, end - 1).
    steps.run(
        "plan moves",
        """CREATE TEMP TABLE nat_move AS
           SELECT p.id, k,
                  s.start + floor(s.span * (s.first + s.length
                                            * ((k - 1) + pg_temp.rnd(p.id, 10 + k)) / p.steps))::int
                    AS day
           FROM nat_plan p
           CROSS JOIN LATERAL (SELECT greatest(p.born + 1, %(w)s::date) AS start,
                                      %(end)s::date - 1 - greatest(p.born + 1, %(w)s::date) AS span,
                                      0.7 * pg_temp.rnd(p.id, 9) AS first) s0
           CROSS JOIN LATERAL (SELECT s0.*, (1 - s0.first) * (0.3 + 0.7 * pg_temp.rnd(p.id, 15))
                                      AS length) s
           CROSS JOIN LATERAL generate_series(1, p.steps) k
           WHERE p.steps > 0""",
        params,
    )
    conn.execute("CREATE INDEX ON nat_move (id, k)")
    steps.run(
        "cooperatives",
        """INSERT INTO cooperative (id, name, search_name, regency_id, district, address,
                                    legal_entity_number, nik, sector, members, active, stage,
                                    version, created_at, updated_at)
           SELECT p.id, nm.name, lower(nm.name), p.regency_id,
                  'Kecamatan ' || pg_temp.word((p.n * 3)),
                  'Jl. ' || pg_temp.word(p.n) || ' No. ' || (1 + p.id %% 120),
                  lpad(p.n::text, 6, '0') || '/BH/' || lpad(p.regency_id::text, 4, '0') || '/'
                    || extract(year FROM p.born),
                  CASE WHEN p.steps = 4 THEN '9' || lpad(p.id::text, 15, '0') END,
                  (ARRAY['Simpan Pinjam','Serba Usaha','Konsumen','Produsen','Jasa','Pemasaran'])
                    [1 + p.id %% 6],
                  p.members, p.active,
                  (ARRAY['not_started','rat_held','report_received','ods_entered','certified'])
                    [1 + p.steps],
                  1, p.born + interval '1 hour', coalesce(m.day, p.born) + interval '6 hours'
           FROM nat_plan p
           LEFT JOIN nat_move m ON m.id = p.id AND m.k = p.steps
           CROSS JOIN LATERAL (
             SELECT pg_temp.prefix(p.id) || ' ' || pg_temp.word((p.id / 6)) || ' '
                    || pg_temp.word((p.id / 192)) || ' ' || (p.id %% 997) AS name) nm""",
        params,
    )
    steps.run(
        "history: created",
        """INSERT INTO cooperative_history (cooperative_id, kind, to_stage, to_active,
                                            effective_date, created_at, note, user_id)
           SELECT id, 'created', 'not_started', true, born, born + interval '1 hour', 'Nasional', 2
           FROM nat_plan ORDER BY born, id""",
    )
    steps.run(
        "history: moves",
        """INSERT INTO cooperative_history (cooperative_id, kind, from_stage, to_stage, evidence,
                                            effective_date, created_at, user_id)
           SELECT m.id, 'move',
                  (ARRAY['not_started','rat_held','report_received','ods_entered'])[m.k],
                  (ARRAY['rat_held','report_received','ods_entered','certified'])[m.k],
                  CASE m.k
                    WHEN 1 THEN jsonb_build_object('fiscal_year', extract(year FROM m.day)::int - 1,
                      'held_on', m.day, 'members_present', p.members * 3 / 4,
                      'members_total', p.members)
                    WHEN 2 THEN jsonb_build_object('received_on', m.day)
                    WHEN 3 THEN jsonb_build_object('entered_on', m.day,
                      'entered_by', 'Operator ODS Dinas')
                    ELSE jsonb_build_object('nik', '9' || lpad(p.id::text, 15, '0'),
                      'issued_on', m.day) END::json,
                  m.day, m.day + make_interval(hours => 1 + m.k, mins => (p.id %% 60)::int),
                  CASE WHEN m.k <= 2 THEN p.ppkl_id ELSE 2 END
           FROM nat_move m JOIN nat_plan p USING (id)
           ORDER BY m.day, m.id""",
    )
    steps.run(
        "history: deactivations",
        """INSERT INTO cooperative_history (cooperative_id, kind, from_active, to_active, note,
                                            effective_date, created_at, user_id)
           SELECT id, 'deactivated', true, false, 'Tidak aktif', deactivated_on,
                  deactivated_on + interval '3 hours', 2
           FROM nat_plan WHERE NOT active ORDER BY deactivated_on, id""",
    )
    steps.run(
        "RAT records: current cycle",
        """INSERT INTO rat_record (cooperative_id, fiscal_year, held_on, members_present,
                                   members_total, report_received_on, health, created_by_id,
                                   created_at)
           SELECT p.id, extract(year FROM m.day)::int - 1, m.day, p.members * 3 / 4, p.members,
                  r.day, (ARRAY['Sehat','Cukup Sehat','Dalam Pengawasan'])[1 + p.id %% 3],
                  p.ppkl_id, m.day + interval '2 hours'
           FROM nat_plan p
           JOIN nat_move m ON m.id = p.id AND m.k = 1
           LEFT JOIN nat_move r ON r.id = p.id AND r.k = 2""",
    )
    # Yearly RATs around the cycle: fiscal years y-7 .. y-1, chosen by the rules of the docstring.
    steps.run(
        "RAT records: other years",
        """INSERT INTO rat_record (cooperative_id, fiscal_year, held_on, members_present,
                                   members_total, report_received_on, health, created_by_id,
                                   created_at)
           SELECT p.id, f.fy, h.held, p.members * 2 / 3, p.members,
                  CASE WHEN pg_temp.rnd(p.id * 16 + f.fy %% 16, 31) < 0.92
                            AND h.held + h.lag < %(end)s::date THEN h.held + h.lag END,
                  (ARRAY['Sehat','Cukup Sehat','Dalam Pengawasan','Dalam Pengawasan Khusus'])
                    [1 + (p.id + f.fy) %% 4],
                  p.ppkl_id, h.held + interval '2 hours'
           FROM nat_plan p
           LEFT JOIN nat_move c ON c.id = p.id AND c.k = 1
           CROSS JOIN LATERAL generate_series(%(y)s - 7, %(y)s - 1) f(fy)
           CROSS JOIN LATERAL (
             SELECT make_date(f.fy + 1, 2 + floor(pg_temp.rnd(p.id * 16 + f.fy %% 16, 32) * 6)::int,
                              1 + floor(pg_temp.rnd(p.id * 16 + f.fy %% 16, 33) * 28)::int) AS held,
                    5 + floor(pg_temp.rnd(p.id * 16 + f.fy %% 16, 34) * 41)::int AS lag) h
           CROSS JOIN LATERAL (SELECT extract(year FROM c.day)::int - 1 AS cycle) cy
           WHERE h.held < %(end)s::date AND h.held > p.born
             AND CASE
               WHEN NOT p.active THEN f.fy BETWEEN %(y)s - 7 AND %(y)s - 4
                    AND h.held < p.deactivated_on AND pg_temp.rnd(p.id * 16 + f.fy %% 16, 35) < 0.7
               WHEN p.steps = 0 THEN f.fy BETWEEN %(y)s - 5 AND %(y)s - 2
                    AND pg_temp.rnd(p.id * 16 + f.fy %% 16, 35) < 0.92
               WHEN f.fy < cy.cycle THEN f.fy >= %(y)s - 5
                    AND pg_temp.rnd(p.id * 16 + f.fy %% 16, 35) < 0.9
               WHEN f.fy > cy.cycle THEN p.steps = 4
                    AND h.held > c.day AND pg_temp.rnd(p.id * 16 + f.fy %% 16, 35) < 0.8
               ELSE false END""",
        params,
    )
    steps.run(
        "assignments",
        """INSERT INTO assignment (cooperative_id, officer_id, officer_role, start_date, end_date,
                                   assigned_by_id, created_at)
           SELECT id, ppkl_id, 'ppkl',
                  CASE WHEN handed_over THEN switch_on ELSE greatest(born, %(w)s::date) END,
                  NULL, 2, %(w)s::date
           FROM nat_plan WHERE active
           UNION ALL
           SELECT id, before_id, 'ppkl', greatest(born, %(w)s::date), switch_on, 2, %(w)s::date
           FROM nat_plan WHERE handed_over AND born < switch_on
           UNION ALL
           SELECT id, dak_id, 'dak', greatest(born, %(w)s::date), NULL, 2, %(w)s::date
           FROM nat_plan WHERE active""",
        params,
    )
    steps.run(
        "visits",
        """INSERT INTO visit (cooperative_id, officer_id, visited_on, purposes, people_met, notes,
                             outcome, follow_up_on, follow_up_action, deleted_at, deleted_by_id,
                             delete_reason, created_at, updated_at)
           SELECT p.id, o.officer_id, v.day,
                  json_build_array((%(purposes)s::text[])[1 + (p.id + i) %% 4]),
                  'Ketua dan bendahara', 'Pendampingan rutin.', 'Perlu kunjungan ulang.',
                  CASE WHEN pg_temp.rnd(p.id * 32 + i, 42) < 0.6
                       THEN v.day + (7 + floor(pg_temp.rnd(p.id * 32 + i, 43) * 24))::int END,
                  CASE WHEN pg_temp.rnd(p.id * 32 + i, 42) < 0.6
                       THEN (%(actions)s::text[])[1 + (p.id + i) %% 5] END,
                  CASE WHEN pg_temp.rnd(p.id * 32 + i, 44) < 0.01
                       THEN v.day + interval '14 hours' END,
                  CASE WHEN pg_temp.rnd(p.id * 32 + i, 44) < 0.01 THEN o.officer_id END,
                  CASE WHEN pg_temp.rnd(p.id * 32 + i, 44) < 0.01 THEN 'Tercatat dua kali.' END,
                  v.day + interval '10 hours', v.day + interval '10 hours'
           FROM nat_plan p
           CROSS JOIN LATERAL generate_series(1, floor(pg_temp.rnd(p.id, 40) * 16.15)::int) i
           CROSS JOIN LATERAL (
             SELECT greatest(p.born + 1, %(w)s::date)
                    + floor(pg_temp.rnd(p.id * 32 + i, 41)
                            * ((%(end)s::date - 1) - greatest(p.born + 1, %(w)s::date)))::int AS day
           ) v
           CROSS JOIN LATERAL (
             SELECT CASE WHEN pg_temp.rnd(p.id * 32 + i, 45) >= 0.55 THEN p.dak_id
                         WHEN p.handed_over AND v.day < p.switch_on THEN p.before_id
                         ELSE p.ppkl_id END AS officer_id) o
           WHERE p.active
           ORDER BY v.day, p.id""",
        params,
    )
    steps.run(
        "targets",
        """INSERT INTO certification_target (year, regency_id, target, set_by_id, updated_at)
           SELECT t.year, r.id, greatest(1, r.active_n / 10), 2,
                  make_timestamp(t.year, 1, 2, 1, 0, 0)
           FROM nat_regency r CROSS JOIN generate_series(%(y)s - 2, %(y)s) t(year)
           UNION ALL
           SELECT t.year, NULL, (SELECT sum(greatest(1, active_n / 10)) FROM nat_regency), 2,
                  make_timestamp(t.year, 1, 2, 1, 0, 0)
           FROM generate_series(%(y)s - 2, %(y)s) t(year)""",
        params,
    )
    steps.run(
        "target changes",
        """INSERT INTO certification_target_change (year, regency_id, target, changed_by_id,
                                                    changed_at)
           SELECT year, regency_id, target, set_by_id, updated_at FROM certification_target""",
    )
    for table in ("regency", "user_account", "cooperative"):
        conn.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence({t}, 'id'), (SELECT max(id) FROM {i}))"
            ).format(t=sql.Literal(table), i=sql.Identifier(table))
        )
    if provinces:
        conn.execute("SELECT setval(pg_get_serial_sequence('province', 'id'), 38)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=DEFAULT_URL, help="database to (re)create")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national size")
    parser.add_argument("--end-date", type=date.fromisoformat, help="default: the office's today")
    args = parser.parse_args()
    end = args.end_date or office_today()
    began = time.perf_counter()
    print(f"national data set: {args.url}, scale {args.scale}, end date {end}", flush=True)
    recreate_database(args.url)
    step = time.perf_counter()
    flask(args.url, "db", "upgrade")
    print(f"  {'migrations (flask db upgrade)':<53} {time.perf_counter() - step:7.1f} s")
    password_hash = hash_password(DEMO_PASSWORD, Config.PASSWORD_HASH_METHOD)
    with psycopg.connect(args.url) as conn:
        build(conn, args.scale, end, password_hash)
        conn.commit()
    with psycopg.connect(args.url, autocommit=True) as conn:
        step = time.perf_counter()
        conn.execute("VACUUM (ANALYZE)")
        print(f"  {'VACUUM (ANALYZE)':<53} {time.perf_counter() - step:7.1f} s")
    if "rebuild-derived" in flask(args.url, "--help").stdout:
        step = time.perf_counter()
        flask(args.url, "rebuild-derived")
        print(f"  {'flask rebuild-derived':<53} {time.perf_counter() - step:7.1f} s")
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")
    with psycopg.connect(args.url) as conn:
        counts = {
            table: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in (
                "regency",
                "user_account",
                "cooperative",
                "assignment",
                "cooperative_history",
                "rat_record",
                "visit",
                "certification_target",
            )
        }
        active = conn.execute("SELECT count(*) FROM cooperative WHERE active").fetchone()[0]
        cover = conn.execute(
            """SELECT min(n), max(n) FROM (SELECT count(*) n FROM assignment
               WHERE end_date IS NULL GROUP BY officer_id) s"""
        ).fetchone()
    print("  " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    print(
        f"  active cooperatives {active:,}; current cooperatives per officer {cover[0]}-{cover[1]}"
    )
    print(f"done in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
