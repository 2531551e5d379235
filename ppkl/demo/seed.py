"""Deterministic demo data reproducing the office's June 2019 recap (Capaian Koperasi)."""

import csv
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ppkl.auth.passwords import hash_password
from ppkl.cooperatives.facts import refresh_all
from ppkl.demo.fieldwork import seed_fieldwork
from ppkl.demo.history import seed_history
from ppkl.demo.people import person_name
from ppkl.models import Cooperative, Province, Regency, User
from ppkl.models.user import Role
from ppkl.recap_past import rebuild_month_ends
from ppkl.workflow import IN_PROGRESS_STAGES, STAGE_ORDER, Stage

DEMO_PASSWORD = "ppkl-demo"
TABLE = Path(__file__).parent.parent / "data" / "kaltara-2019-06-recap.csv"

REGENCY_CODES = {
    "Bulungan": "65.01",
    "Malinau": "65.02",
    "Nunukan": "65.03",
    "Tana Tidung": "65.04",
    "Tarakan": "65.71",
}
DISTRICTS = {
    "Bulungan": [
        "Tanjung Selor",
        "Tanjung Palas",
        "Tanjung Palas Timur",
        "Tanjung Palas Tengah",
        "Tanjung Palas Utara",
        "Tanjung Palas Barat",
        "Sekatak",
        "Bunyu",
        "Peso",
        "Peso Hilir",
    ],
    "Malinau": [
        "Malinau Kota",
        "Malinau Barat",
        "Malinau Utara",
        "Malinau Selatan",
        "Mentarang",
        "Kayan Hulu",
        "Pujungan",
        "Sungai Boh",
        "Bahau Hulu",
    ],
    "Nunukan": [
        "Nunukan",
        "Nunukan Selatan",
        "Sebatik",
        "Sebatik Barat",
        "Sebatik Timur",
        "Sembakung",
        "Lumbis",
        "Krayan",
        "Sebuku",
        "Tulin Onsoi",
    ],
    "Tana Tidung": ["Sesayap", "Sesayap Hilir", "Tana Lia", "Betayau", "Muruk Rian"],
    "Tarakan": ["Tarakan Barat", "Tarakan Tengah", "Tarakan Timur", "Tarakan Utara"],
}
SECTORS = {
    "Simpan Pinjam": "KSP",
    "Serba Usaha": "KSU",
    "Konsumen": "Koperasi Konsumen",
    "Produsen": "Koperasi Produsen",
    "Pemasaran": "Koperasi Pemasaran",
    "Jasa": "Koperasi Jasa",
}
WORDS = [
    "Sejahtera",
    "Maju",
    "Bersama",
    "Mandiri",
    "Makmur",
    "Sentosa",
    "Jaya",
    "Bahagia",
    "Harapan",
    "Karya",
    "Tani",
    "Nelayan",
    "Bina",
    "Mitra",
    "Sinar",
    "Cahaya",
    "Tunas",
    "Amanah",
    "Berkah",
    "Mulia",
    "Abadi",
    "Lestari",
    "Benuanta",
    "Borneo",
    "Persada",
    "Sumber",
    "Rezeki",
    "Swadaya",
    "Mekar",
    "Usaha",
    "Pelita",
    "Bakti",
]
STREETS = [
    "Jl. Jelarai",
    "Jl. Sengkawit",
    "Jl. Katamso",
    "Jl. Sudirman",
    "Jl. Diponegoro",
    "Jl. Gadjah Mada",
    "Jl. Mulawarman",
    "Jl. Yos Sudarso",
    "Jl. Pangeran Antasari",
]
# PPKL and DAK assistants per regency: 13 and 24 in all, as in the office.
OFFICERS = {
    "Bulungan": (3, 6),
    "Malinau": (2, 4),
    "Nunukan": (4, 7),
    "Tana Tidung": (1, 2),
    "Tarakan": (3, 5),
}


@dataclass(frozen=True)
class RegencyTarget:
    name: str
    active: int
    inactive: int
    certified: int
    in_progress: int


def june_2019_table() -> list[RegencyTarget]:
    with TABLE.open(newline="", encoding="utf-8") as handle:
        return [
            RegencyTarget(
                r["regency"],
                int(r["active"]),
                int(r["inactive"]),
                int(r["certified"]),
                int(r["in_progress"]),
            )
            for r in csv.DictReader(handle)
            if r["regency"] != "TOTAL"
        ]


class DemoRefused(RuntimeError):
    pass


@dataclass
class DemoResult:
    cooperatives: int
    users: list[str]


def seed(session: Session, end_date: date, hash_method: str) -> DemoResult:
    """Create regencies, cooperatives and accounts; refuses when cooperatives exist."""
    if session.scalar(select(func.count(Cooperative.id))):
        raise DemoRefused("cooperatives already exist")
    rng = random.Random(2019)
    province = home_province(session)
    regencies = ensure_regencies(session, province)
    created = 0
    used_names: set[str] = set()
    for target in june_2019_table():
        regency = regencies[target.name]
        for coop in build_cooperatives(rng, regency, target, end_date, used_names):
            session.add(coop)
            created += 1
    users = build_users(
        rng, regencies, province, end_date, hash_password(DEMO_PASSWORD, hash_method)
    )
    session.add_all(users)
    session.flush()
    seed_history(session, end_date)
    seed_fieldwork(session, end_date)
    refresh_all(session)
    rebuild_month_ends(session)  # the history above was written with past times
    return DemoResult(created, [u.username for u in users])


def home_province(session: Session) -> Province:
    """The installation's first province (the migration made it from the settings), or one
    made from the settings now."""
    province = session.scalar(select(Province).order_by(Province.id).limit(1))
    if province is None:
        config = current_app.config
        province = Province(
            name=config["PROVINCE_NAME"],
            code=config["PROVINCE_CODE"],
            office_name=config["OFFICE_NAME"],
            office_place=config["OFFICE_PLACE"],
            signatory_name=config["REPORT_SUPERVISOR_NAME"],
            signatory_title=config["REPORT_SUPERVISOR_TITLE"],
            signatory_nip=config.get("REPORT_SUPERVISOR_NIP"),
            timezone=config["TIMEZONE"],
        )
        session.add(province)
        session.flush()
    return province


def ensure_regencies(session: Session, province: Province) -> dict[str, Regency]:
    existing = {r.name: r for r in session.scalars(select(Regency))}
    for name, code in REGENCY_CODES.items():
        if name not in existing:
            existing[name] = Regency(name=name, code=code, province_id=province.id)
            session.add(existing[name])
    session.flush()
    return existing


def demo_stages(rng: random.Random, target: RegencyTarget) -> list[tuple[bool, Stage]]:
    """(active, stage) for each cooperative of the regency, matching the table's counts."""
    progress = sorted(IN_PROGRESS_STAGES, key=STAGE_ORDER.index)
    active = [Stage.CERTIFIED] * target.certified
    active += [rng.choice(progress) for _ in range(target.in_progress)]
    active += [Stage.NOT_STARTED] * (target.active - len(active))
    plan = [(True, s) for s in active] + [(False, Stage.NOT_STARTED)] * target.inactive
    rng.shuffle(plan)
    return plan


def build_cooperatives(rng, regency, target, end_date, used_names):
    code_digits = regency.code.replace(".", "")
    for index, (active, stage) in enumerate(demo_stages(rng, target), start=1):
        sector = rng.choice(list(SECTORS))
        district = rng.choice(DISTRICTS[regency.name])
        name = unique_name(rng, SECTORS[sector], district, used_names)
        founded = rng.randint(1985, end_date.year - 1)
        created = datetime.combine(end_date - timedelta(days=rng.randint(200, 365)), time(9))
        yield Cooperative(
            name=name,
            regency_id=regency.id,
            district=district,
            address=f"{rng.choice(STREETS)} No. {rng.randint(1, 120)}, {district}",
            legal_entity_number=f"{index:03d}/BH/KUK.{code_digits}/{founded}",
            nik=f"{code_digits}{index:012d}" if stage == Stage.CERTIFIED else None,
            sector=sector,
            members=rng.randint(20, 450),
            active=active,
            stage=stage.value,
            created_at=created,
            updated_at=created,
        )


def unique_name(rng, prefix, district, used_names) -> str:
    while True:
        name = f"{prefix} {rng.choice(WORDS)} {rng.choice(WORDS)}"
        if name in used_names or len(set(name.split())) < len(name.split()):
            name = f"{name} {district}"
        if name not in used_names:
            used_names.add(name)
            return name


def build_users(rng, regencies, province, end_date, password_hash) -> list[User]:
    users = [
        User(
            username="admin",
            full_name="Administrator ppkl",
            role=Role.ADMIN,
            password_hash=password_hash,
        ),
        User(
            username="supervisor",
            full_name="Trianingsih",
            role=Role.SUPERVISOR,
            province_id=province.id,
            password_hash=password_hash,
        ),
    ]
    ppkl_no = dak_no = 0
    for regency_name, (ppkl_count, dak_count) in OFFICERS.items():
        regency = regencies[regency_name]
        for _ in range(ppkl_count):
            ppkl_no += 1
            users.append(
                demo_officer(rng, Role.PPKL, f"ppkl{ppkl_no:02d}", regency, end_date, password_hash)
            )
        for _ in range(dak_count):
            dak_no += 1
            users.append(
                demo_officer(rng, Role.DAK, f"dak{dak_no:02d}", regency, end_date, password_hash)
            )
    return users


def demo_officer(rng, role: Role, username: str, regency: Regency, end_date, password_hash) -> User:
    """A demo officer living in the regency (and so its province); a DAK assistant is on this
    year's contract."""
    contract = {}
    if role == Role.DAK:
        contract = {"cohort_year": end_date.year, "contract_end": date(end_date.year, 12, 31)}
    return User(
        username=username,
        full_name=person_name(rng),
        role=role,
        regency_id=regency.id,
        province_id=regency.province_id,
        password_hash=password_hash,
        **contract,
    )
