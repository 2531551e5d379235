"""Fixtures for report tests: folders per test, an officer's world of rows, PDF text."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from io import BytesIO

import pytest
from pypdf import PdfReader

from ppkl.extensions import db
from tests.helpers import add_assignment as assign

JUNE = (date(2019, 6, 1), date(2019, 6, 30))


def pdf_text(pdf: bytes) -> str:
    """The text of every page, whitespace (line breaks in table cells too) made single spaces."""
    reader = PdfReader(BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def pdf_pages(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


@pytest.fixture
def report_dirs(app, tmp_path):
    app.config.update(
        REPORT_CACHE_DIR=str(tmp_path / "cache"), REPORT_JOB_DIR=str(tmp_path / "jobs")
    )
    return tmp_path


@pytest.fixture
def demo_report_app(demo_app, tmp_path):
    demo_app.config.update(
        REPORT_CACHE_DIR=str(tmp_path / "cache"), REPORT_JOB_DIR=str(tmp_path / "jobs")
    )
    return demo_app


@dataclass
class World:
    """An officer with assignments, visits and moves inserted directly, and what they mean."""

    officer: object
    other_officer: object
    supervisor: object
    cooperatives: list = field(default_factory=list)
    visits: list = field(default_factory=list)


def add_visit(coop, officer, day, purposes=("pembinaan",), follow_up=None, **fields):
    from ppkl.models import Visit

    visit = Visit(
        cooperative_id=coop.id,
        officer_id=officer.id,
        visited_on=day,
        purposes=list(purposes),
        people_met=fields.pop("people_met", "Ketua"),
        outcome=fields.pop("outcome", "Dibina"),
        follow_up_on=follow_up,
        follow_up_action="Cek laporan RAT" if follow_up else None,
        created_at=fields.pop("created_at", datetime.combine(day, datetime.min.time())),
        **fields,
    )
    db.session.add(visit)
    db.session.commit()
    return visit


def add_move(coop, user, to_stage, day, from_stage=None):
    from ppkl.models import CooperativeHistory

    row = CooperativeHistory(
        cooperative_id=coop.id,
        kind="move",
        from_stage=from_stage,
        to_stage=to_stage,
        effective_date=day,
        user_id=user.id,
        created_at=datetime.combine(day, time(3)),  # 11:00 WITA that day
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def world(app, report_dirs, make_regency, make_user, make_cooperative):
    """ppkl01 in Bulungan: five cooperatives during June 2019 (one ended in May, not counted),
    four visits in June (one removed), one in May, and three moves in June."""
    bulungan = make_regency("Bulungan")
    officer = make_user("ppkl01", role="ppkl", regency=bulungan, full_name="Andi Saputra")
    other = make_user("ppkl02", role="ppkl", regency=bulungan, full_name="Budi Wijaya")
    boss = make_user("boss", role="supervisor", full_name="Trianingsih")
    stages = ["not_started", "rat_held", "rat_held", "ods_entered", "certified"]
    coops = [
        make_cooperative(
            regency=bulungan,
            name=f"KSP Uji {i}",
            stage=stage,
            nik=f"650100000000000{i}" if stage == "certified" else None,
        )
        for i, stage in enumerate(stages, start=1)
    ]
    for coop in coops:
        assign(coop, officer, date(2019, 1, 1))
    ended = make_cooperative(regency=bulungan, name="KSP Lama", stage="rat_held")
    assign(ended, officer, date(2019, 1, 1), date(2019, 5, 31))
    w = World(officer, other, boss, coops)
    w.visits = [
        add_visit(coops[0], officer, date(2019, 6, 3), ("pembinaan", "verifikasi_data")),
        add_visit(coops[1], officer, date(2019, 6, 10), ("pendampingan_rat",), date(2019, 7, 2)),
        add_visit(
            coops[2], officer, date(2019, 6, 28), ("pembinaan",), created_at=datetime(2019, 7, 8)
        ),
        add_visit(coops[3], officer, date(2019, 5, 20), ("pembinaan",)),
    ]
    removed = add_visit(coops[4], officer, date(2019, 6, 12), ("pembinaan",))
    removed.deleted_at = datetime(2019, 6, 13)
    db.session.commit()
    add_visit(coops[4], other, date(2019, 6, 14), ("monitoring_usaha",))
    add_move(coops[1], officer, "rat_held", date(2019, 6, 10), "not_started")
    add_move(coops[2], officer, "rat_held", date(2019, 6, 28), "not_started")
    add_move(coops[4], officer, "certified", date(2019, 6, 20), "ods_entered")
    add_move(coops[3], officer, "ods_entered", date(2019, 5, 2), "report_received")
    add_move(coops[3], other, "ods_entered", date(2019, 6, 2), "report_received")
    return w
