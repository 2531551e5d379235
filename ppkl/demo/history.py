"""Demo history consistent with the demo stages: moves dated across the year before the end date.

Every cooperative gets a `created` row when it was registered, then one move per stage it has
reached, each with its evidence and a RAT record, recorded on its effective date during office
hours. So the recap as of the end date equals the seeded table and earlier days show fewer
certified cooperatives. Deterministic: its own random generator with a fixed seed.
"""

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ppkl.config import Config
from ppkl.models import (
    CertificationTarget,
    Cooperative,
    CooperativeHistory,
    HistoryKind,
    RatRecord,
    TargetChange,
    User,
)
from ppkl.models.user import Role
from ppkl.workflow import (
    STAGE_ORDER,
    CertificateEvidence,
    OdsEvidence,
    RatEvidence,
    ReportEvidence,
    Stage,
    evidence_json,
    stage_index,
)

# Office hours 09:00-16:00 WITA are 01:00-08:00 UTC: a move recorded on its day, whatever zone.
FIRST_HOUR_UTC, LAST_HOUR_UTC = 1, 7


def recorded_at(rng: random.Random, day: date) -> datetime:
    return datetime.combine(
        day, time(rng.randint(FIRST_HOUR_UTC, LAST_HOUR_UTC), rng.randint(0, 59))
    )


def seed_history(session: Session, end_date: date) -> None:
    """Add history rows and RAT records for the demo cooperatives already flushed."""
    rng = random.Random(20190630)
    users = session.scalars(select(User).order_by(User.id)).all()
    supervisor = next(u for u in users if u.role == Role.SUPERVISOR)
    officers: dict[int, list[User]] = {}
    for user in users:
        if user.is_officer:
            officers.setdefault(user.regency_id, []).append(user)
    history, rats = [], []
    coops = session.scalars(select(Cooperative).order_by(Cooperative.id)).all()
    for coop in coops:
        history.append(
            {
                "cooperative_id": coop.id,
                "kind": HistoryKind.CREATED.value,
                "to_stage": Stage.NOT_STARTED.value,
                "to_active": coop.active,
                "effective_date": coop.created_at.date(),
                "created_at": coop.created_at,
                "note": "Demo",
            }
        )
        officer = rng.choice(officers[coop.regency_id])
        moves = plan_moves(rng, coop, end_date)
        for step, (stage, day, evidence) in enumerate(moves):
            history.append(
                {
                    "cooperative_id": coop.id,
                    "kind": HistoryKind.MOVE.value,
                    "from_stage": STAGE_ORDER[step].value,
                    "to_stage": stage.value,
                    "evidence": evidence_json(evidence),
                    "effective_date": day,
                    "created_at": recorded_at(rng, day),
                    "user_id": (
                        officer if stage in (Stage.RAT_HELD, Stage.REPORT_RECEIVED) else supervisor
                    ).id,
                }
            )
        rats += demo_rats(rng, coop, moves, officer, end_date)
    session.execute(insert(CooperativeHistory), history)
    session.execute(insert(RatRecord), rats)
    # The office's own target for 2019: 500 certified by 31 December.
    # Set early in the year, so a recap as of any day of it shows it.
    set_on = datetime(end_date.year, 1, 2, 1, 0)
    session.add(
        CertificationTarget(
            year=end_date.year,
            target=500,
            province_id=supervisor.province_id,
            set_by_id=supervisor.id,
            updated_at=set_on,
        )
    )
    session.add(
        TargetChange(
            year=end_date.year,
            target=500,
            province_id=supervisor.province_id,
            changed_by_id=supervisor.id,
            changed_at=set_on,
        )
    )


def plan_moves(rng: random.Random, coop: Cooperative, end_date: date):
    """(stage, day, evidence) for each forward move up to the cooperative's stage, in order."""
    steps = stage_index(coop.stage)
    if not steps:
        return []
    start = max(coop.created_at.date() + timedelta(days=1), end_date - timedelta(days=364))
    span = (end_date - start).days
    days = sorted(start + timedelta(days=d) for d in rng.sample(range(span + 1), steps))
    members = max(coop.members or 20, 2)
    evidence = [
        RatEvidence(days[0].year - 1, days[0], rng.randint(members // 2, members), members),
        ReportEvidence(days[1]) if steps > 1 else None,
        OdsEvidence(days[2], "Operator ODS Dinas") if steps > 2 else None,
        CertificateEvidence(coop.nik, days[3]) if steps > 3 else None,
    ]
    return [(STAGE_ORDER[i + 1], days[i], evidence[i]) for i in range(steps)]


def demo_rats(rng, coop, moves, officer, end_date) -> list[dict]:
    """The RAT of the current cycle, earlier yearly RATs for some, with a health category."""
    health = Config.HEALTH_CATEGORIES
    rows = []
    if moves:
        rat = moves[0][2]
        received = moves[1][1] if len(moves) > 1 else None
        rows.append(
            {
                "cooperative_id": coop.id,
                "fiscal_year": rat.fiscal_year,
                "held_on": rat.held_on,
                "members_present": rat.members_present,
                "members_total": rat.members_total,
                "report_received_on": received,
                "health": rng.choice(health[:3]),
                "created_by_id": officer.id,
                "created_at": recorded_at(rng, rat.held_on),
            }
        )
    first_year = moves[0][2].fiscal_year if moves else end_date.year - 1
    # Older yearly RATs: most cooperatives that reached a stage, a few that did not.
    if coop.active and rng.random() < (0.7 if moves else 0.25):
        for year in range(first_year - 1, first_year - 1 - rng.randint(1, 2), -1):
            held = date(year + 1, rng.randint(2, 7), rng.randint(1, 28))
            received = held + timedelta(days=rng.randint(5, 45))
            rows.append(yearly_rat(rng, coop, officer, year, held, received))
    # After certification the yearly RAT goes on: most certified ones held the next one too.
    last_year = end_date.year - 1
    new_year = date(end_date.year, 1, 2)
    continues = coop.stage == Stage.CERTIFIED and first_year < last_year and end_date >= new_year
    if continues and rng.random() < 0.6:
        held = new_year + timedelta(days=rng.randint(0, (end_date - new_year).days))
        received = held + timedelta(days=rng.randint(3, 40))
        rows.append(
            yearly_rat(
                rng, coop, officer, last_year, held, received if received <= end_date else None
            )
        )
    return rows


def yearly_rat(rng, coop, officer, year: int, held: date, received: date | None) -> dict:
    members = max(coop.members or 20, 2)
    return {
        "cooperative_id": coop.id,
        "fiscal_year": year,
        "held_on": held,
        "members_present": rng.randint(members // 2, members),
        "members_total": members,
        "report_received_on": received,
        "health": rng.choice(Config.HEALTH_CATEGORIES),
        "created_by_id": officer.id,
        "created_at": recorded_at(rng, held),
    }
