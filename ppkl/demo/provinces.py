"""More demo provinces for trying the national view: `seed-demo --provinces N`.

Each generated province has three regencies, twenty cooperatives per regency at mixed stages,
a PPKL officer and a DAK assistant per regency (assigned to all its active cooperatives, with
a visit each), and a supervisor; one national account sees them all. Deterministic (its own
seeded random generator), and it leaves Kalimantan Utara's demo data exactly as it was.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from ppkl.cooperatives.facts import refresh_all
from ppkl.demo.people import person_name
from ppkl.demo.seed import demo_officer
from ppkl.models import (
    Assignment,
    CertificationTarget,
    Cooperative,
    Province,
    Regency,
    TargetChange,
    User,
    Visit,
)
from ppkl.models.user import Role
from ppkl.recap_past import rebuild_month_ends
from ppkl.workflow import IN_PROGRESS_STAGES, Stage

# (name, official code, the office's city, time zone): real provinces, in all three zones.
CATALOGUE = [
    ("Gorontalo", "75", "Gorontalo", "Asia/Makassar"),
    ("Maluku", "81", "Ambon", "Asia/Jayapura"),
    ("Bali", "51", "Denpasar", "Asia/Makassar"),
    ("Aceh", "11", "Banda Aceh", "Asia/Jakarta"),
    ("Sulawesi Utara", "71", "Manado", "Asia/Makassar"),
    ("Papua Barat", "92", "Manokwari", "Asia/Jayapura"),
    ("Sumatera Barat", "13", "Padang", "Asia/Jakarta"),
    ("Nusa Tenggara Timur", "53", "Kupang", "Asia/Makassar"),
    ("Jambi", "15", "Jambi", "Asia/Jakarta"),
    ("Maluku Utara", "82", "Sofifi", "Asia/Jayapura"),
]
REGENCIES_PER_PROVINCE = 3
COOPERATIVES_PER_REGENCY = 20
NATIONAL_USERNAME = "nasional"
PREFIXES = ["KSP", "KSU", "Koperasi Konsumen", "Koperasi Produsen", "Koperasi Jasa"]
WORDS = ["Sejahtera", "Maju", "Mandiri", "Makmur", "Sentosa", "Harapan", "Karya", "Mulia"]


class TooManyProvinces(ValueError):
    pass


@dataclass
class ProvincesResult:
    provinces: list[str]
    cooperatives: int
    users: list[str]


def seed_provinces(
    session: Session, count: int, end_date: date, password_hash: str
) -> ProvincesResult:
    """Add `count` generated provinces and the national account; the caller commits."""
    if not 0 < count <= len(CATALOGUE):
        raise TooManyProvinces(f"choose 1 to {len(CATALOGUE)} provinces")
    rng = random.Random(38)
    result = ProvincesResult([], 0, [])
    for name, code, city, zone in CATALOGUE[:count]:
        result.provinces.append(name)
        province = Province(
            name=name,
            code=code,
            office_name=f"Dinas Koperasi dan UKM Provinsi {name}",
            office_place=city,
            signatory_name=person_name(rng),
            signatory_title="Kepala Bidang Kelembagaan Koperasi",
            timezone=zone,
        )
        session.add(province)
        session.flush()
        supervisor = User(
            username=f"supervisor{code}",
            full_name=person_name(rng),
            role=Role.SUPERVISOR,
            province_id=province.id,
            password_hash=password_hash,
        )
        session.add(supervisor)
        result.users.append(supervisor.username)
        for number in range(1, REGENCIES_PER_PROVINCE + 1):
            regency = Regency(
                name=f"Kota {city}" if number == 1 else f"Kabupaten {name} {number - 1}",
                code=f"{code}.71" if number == 1 else f"{code}.{number - 1:02d}",
                province_id=province.id,
            )
            session.add(regency)
            session.flush()
            officers = [
                demo_officer(
                    rng, role, f"{role.value}{code}{number}", regency, end_date, password_hash
                )
                for role in (Role.PPKL, Role.DAK)
            ]
            session.add_all(officers)
            result.users += [o.username for o in officers]
            coops = list(cooperatives(rng, regency, end_date))
            session.add_all(coops)
            session.flush()
            result.cooperatives += len(coops)
            add_fieldwork(rng, session, coops, officers, supervisor, end_date)
            if number == 1:
                add_target(session, end_date.year, 20, supervisor, regency_id=regency.id)
        add_target(session, end_date.year, 40, supervisor, province_id=province.id)
    national = User(
        username=NATIONAL_USERNAME,
        full_name="Kementerian Koperasi",
        role=Role.NATIONAL,
        password_hash=password_hash,
    )
    session.add(national)
    result.users.append(national.username)
    session.flush()
    # Visits and history written with past times: the stored facts and month ends follow.
    refresh_all(session)
    rebuild_month_ends(session)
    return result


def cooperatives(rng: random.Random, regency: Regency, end_date: date):
    progress = sorted(IN_PROGRESS_STAGES)
    digits = regency.code.replace(".", "")
    for index in range(1, COOPERATIVES_PER_REGENCY + 1):
        active = rng.random() > 0.15
        stage = rng.choice([Stage.NOT_STARTED, Stage.CERTIFIED, *progress]) if active else None
        stage = stage or Stage.NOT_STARTED
        name = f"{rng.choice(PREFIXES)} {rng.choice(WORDS)} {regency.name} {index}"
        created = datetime.combine(end_date - timedelta(days=rng.randint(200, 365)), time(9))
        yield Cooperative(
            name=name,
            regency_id=regency.id,
            district=regency.name,
            legal_entity_number=f"{index:03d}/BH/{digits}/{rng.randint(1990, 2018)}",
            nik=f"{digits}{index:012d}" if stage == Stage.CERTIFIED else None,
            sector="Simpan Pinjam",
            members=rng.randint(20, 300),
            active=active,
            stage=stage.value,
            created_at=created,
            updated_at=created,
        )


def add_target(session, year, target, supervisor, province_id=None, regency_id=None) -> None:
    """A yearly target, set at the start of the year, with its history row."""
    set_on = datetime(year, 1, 2, 1, 0)
    area = {"province_id": province_id, "regency_id": regency_id}
    by = supervisor.id
    session.add(
        CertificationTarget(year=year, target=target, set_by_id=by, updated_at=set_on, **area)
    )
    session.add(TargetChange(year=year, target=target, changed_by_id=by, changed_at=set_on, **area))


def add_fieldwork(rng, session, coops, officers, supervisor, end_date) -> None:
    """Each officer takes the regency's active cooperatives and has visited each once."""
    start = date(end_date.year, 1, 1)
    for coop in coops:
        if not coop.active:
            continue
        for officer in officers:
            session.add(
                Assignment(
                    cooperative_id=coop.id,
                    officer_id=officer.id,
                    officer_role=officer.role,
                    start_date=start,
                    assigned_by_id=None,
                )
            )
            session.add(
                Visit(
                    cooperative_id=coop.id,
                    officer_id=officer.id,
                    visited_on=end_date - timedelta(days=rng.randint(1, 150)),
                    purposes=["pembinaan"],
                    notes="Kunjungan pembinaan rutin.",
                )
            )
