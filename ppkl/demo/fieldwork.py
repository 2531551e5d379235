"""Demo field work: assignments for every active cooperative and about six months of visits.

Deterministic (its own seeded random generator) and fast (bulk adds, no per-row queries).
The mix of follow-ups (done, due this week, overdue, later) gives the worklists real content.
"""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ppkl.demo.people import person_name
from ppkl.models import Assignment, Cooperative, User, Visit
from ppkl.models.user import Role
from ppkl.visits.rules import PURPOSES

VISIT_WINDOW_DAYS = 182
NOTES = [
    "Pengurus menyiapkan bahan RAT tahun buku berjalan.",
    "Pembukuan sudah rapi, neraca belum ditandatangani pengawas.",
    "Anggota aktif menurun; disarankan rapat anggota luar biasa.",
    "Data anggota dicocokkan dengan buku daftar anggota.",
    "Usaha simpan pinjam berjalan, kredit macet sekitar 8%.",
    "Pengurus belum memiliki akun ODS; dibantu pendaftaran.",
    "Laporan RAT diserahkan dalam bentuk salinan.",
    "Kantor koperasi tutup, bertemu bendahara di rumah.",
]
OUTCOMES = [
    "Jadwal RAT disepakati.",
    "Data diperbaiki bersama pengurus.",
    "Pengurus berjanji melengkapi dokumen.",
    "Input ODS selesai sebagian.",
    "Perlu kunjungan ulang.",
]
ACTIONS = [
    "Ambil salinan laporan RAT",
    "Cek kelengkapan dokumen ODS",
    "Hadiri rapat pengurus",
    "Verifikasi daftar anggota",
    "Dampingi input data ODS",
]


def seed_fieldwork(session: Session, end_date: date) -> None:
    """Assign officers and create visits for the demo cooperatives (already flushed)."""
    rng = random.Random(4)
    officers = defaultdict(lambda: {Role.PPKL: [], Role.DAK: []})
    for user in session.scalars(select(User).where(User.role.in_([Role.PPKL, Role.DAK]))):
        officers[user.regency_id][Role(user.role)].append(user)
    coops = session.scalars(
        select(Cooperative).where(Cooperative.active.is_(True)).order_by(Cooperative.id)
    ).all()
    supervisor_id = session.scalar(select(User.id).where(User.role == Role.SUPERVISOR))
    assignments, visits = [], []
    for index, coop in enumerate(coops):
        staff = officers[coop.regency_id]
        periods = []
        for role, start in (
            (Role.PPKL, end_date - timedelta(days=270)),
            (Role.DAK, date(end_date.year, 1, 2)),
        ):
            team = staff[role]
            if not team:
                continue
            officer = team[index % len(team)]
            if role == Role.PPKL and len(team) > 1 and rng.random() < 0.1:
                # An earlier officer handed this cooperative over: history to show.
                before = team[(index + 1) % len(team)]
                switch = end_date - timedelta(days=rng.randint(60, 150))
                periods.append((before, start, switch))
                assignments.append(assignment(coop, before, start, switch, supervisor_id))
                start = switch
            periods.append((officer, start, None))
            assignments.append(assignment(coop, officer, start, None, supervisor_id))
        visits.extend(demo_visits(rng, coop, periods, end_date))
    session.add_all(assignments)
    session.add_all(visits)
    session.flush()


def assignment(coop, officer, start, end, supervisor_id) -> Assignment:
    return Assignment(
        cooperative_id=coop.id,
        officer_id=officer.id,
        officer_role=officer.role,
        start_date=start,
        end_date=end,
        assigned_by_id=supervisor_id,
    )


def officer_on(periods, day: date):
    for officer, start, end in periods:
        if start <= day and (end is None or day < end):
            return officer
    return None


def demo_visits(rng: random.Random, coop, periods, end_date: date) -> list[Visit]:

    count = rng.choices([0, 1, 2, 3, 4, 5], weights=[8, 20, 28, 22, 14, 8])[0]
    days = sorted(rng.sample(range(VISIT_WINDOW_DAYS), count))
    visits = []
    for n, ago in enumerate(reversed(days)):
        visited_on = end_date - timedelta(days=ago)
        officer = officer_on(periods, visited_on)
        if officer is None:
            continue
        latest = n == len(days) - 1
        follow_up_on = follow_up_for(rng, visited_on, end_date, latest)
        recorded = datetime.combine(visited_on, time(9)) + timedelta(hours=rng.randint(2, 30))
        visits.append(
            Visit(
                cooperative_id=coop.id,
                officer_id=officer.id,
                visited_on=visited_on,
                purposes=sorted(rng.sample(PURPOSES[:5], rng.randint(1, 2)), key=PURPOSES.index),
                people_met=f"{person_name(rng)} (ketua), {person_name(rng)} (bendahara)",
                notes=rng.choice(NOTES),
                outcome=rng.choice(OUTCOMES),
                follow_up_on=follow_up_on,
                follow_up_action=rng.choice(ACTIONS) if follow_up_on else None,
                created_at=recorded,
                updated_at=recorded,
            )
        )
    if len(visits) > 2 and rng.random() < 0.05:
        removed = visits[0]
        removed.deleted_at = removed.created_at + timedelta(hours=3)
        removed.deleted_by_id = removed.officer_id
        removed.delete_reason = "Tercatat dua kali."
    return visits


def follow_up_for(rng: random.Random, visited_on: date, end_date: date, latest: bool):
    """Earlier visits' follow-ups were settled by the next visit; the latest one's vary."""
    if not latest:
        return visited_on + timedelta(days=rng.randint(7, 30)) if rng.random() < 0.7 else None
    roll = rng.random()
    if roll < 0.25:
        return None
    if (
        roll < 0.5 and visited_on < end_date
    ):  # overdue, yet never before the visit (the form's rule)
        overdue_days = (end_date - visited_on).days
        return end_date - timedelta(days=rng.randint(1, min(40, overdue_days)))
    if roll < 0.7:  # due this week
        return end_date + timedelta(days=rng.randint(0, 6))
    return end_date + timedelta(days=rng.randint(7, 45))
