"""Property: the stored facts equal the facts recomputed from history after every change.

Hypothesis draws sequences of visits (logged, some with a stage move), edits, removals, stage
moves, corrections, status changes and reassignments, and runs each through the real services
as a request would (a refusal rolls back). After every step, before and after the commit, the
stored rows must equal the recomputed ones for every cooperative (each example adds cooperatives
of its own; those of earlier examples stay and are checked too). Bounded and derandomized, so
that it runs in seconds on SQLite and PostgreSQL.
"""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ppkl.assignments.services import assign_officer
from ppkl.certification.services import (
    MoveRefused,
    MoveSettings,
    advance_stage,
    correct_stage,
    evidence_context,
    set_active,
)
from ppkl.clock import office_today, utcnow
from ppkl.cooperatives.facts import differences, id_ranges
from ppkl.cooperatives.services import CooperativeDetails, create_cooperative
from ppkl.domain import DomainError, StaleEdit
from ppkl.extensions import db
from ppkl.models import Visit
from ppkl.visits.services import (
    StageMove,
    VisitDetails,
    VisitError,
    edit_visit,
    log_visit,
    remove_visit,
)
from ppkl.workflow import (
    STAGE_ORDER,
    CertificateEvidence,
    OdsEvidence,
    RatEvidence,
    ReportEvidence,
    Stage,
)

COOPERATIVES = 3
REFUSED = (DomainError, MoveRefused, VisitError, StaleEdit)

index = st.integers(min_value=0, max_value=COOPERATIVES - 1)
days_ago = st.integers(min_value=0, max_value=200)
follow_up = st.one_of(st.none(), st.integers(min_value=0, max_value=60))
move = st.tuples(st.just("move"), index, days_ago)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("visit"), index, st.booleans(), days_ago, follow_up),
        st.tuples(st.just("visit_and_move"), index, st.booleans(), days_ago, follow_up),
        st.tuples(st.just("edit"), st.integers(0, 20), days_ago, follow_up),
        st.tuples(st.just("remove"), st.integers(0, 20)),
        move,
        move,  # twice: moves are what corrections need first
        st.tuples(st.just("correct"), index, st.integers(1, 2)),
        st.tuples(st.just("active"), index),
        st.tuples(st.just("reassign"), index, st.booleans()),
    ),
    min_size=1,
    max_size=15,
)
# The stage each cooperative is moved to before the steps.
start_stages = st.lists(st.integers(0, 4), min_size=COOPERATIVES, max_size=COOPERATIVES)


def stored_equals_recomputed():
    found = []
    for low, high in id_ranges(db.session):
        found += differences(db.session, low, high)
    assert found == []


def evidence_for(coop, day):
    """Evidence for the next stage, dated `day` or, when earlier steps forbid, their date."""
    ctx = evidence_context(coop, office_today(), MoveSettings.from_app())
    to_stage = STAGE_ORDER[STAGE_ORDER.index(Stage(coop.stage)) + 1]
    if to_stage == Stage.RAT_HELD:
        fiscal_year = day.year - 1
        return to_stage, RatEvidence(fiscal_year, day, 20, 30)
    if to_stage == Stage.REPORT_RECEIVED:
        return to_stage, ReportEvidence(max(day, ctx.rat_held_on or day))
    if to_stage == Stage.ODS_ENTERED:
        return to_stage, OdsEvidence(max(day, ctx.report_received_on or day), "Admin ODS")
    return to_stage, CertificateEvidence(f"{coop.id:016d}", max(day, ctx.ods_entered_on or day))


@pytest.fixture
def people(make_regency, make_user):
    regency = make_regency("Bulungan")
    return {
        "boss": make_user("boss", role="supervisor"),
        "officers": [
            make_user("ppkl01", role="ppkl", regency=regency),
            make_user("ppkl02", role="ppkl", regency=regency),
        ],
        "regency": regency,
    }


@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(starts=start_stages, plan=steps)
def test_stored_facts_equal_recomputed_after_every_step(app, people, starts, plan):
    boss, officers = people["boss"], people["officers"]
    today = office_today()
    coops = [
        create_cooperative(boss, CooperativeDetails(f"Koperasi {n}", people["regency"].id))
        for n in range(COOPERATIVES)
    ]
    db.session.commit()
    for coop, start in zip(coops, starts, strict=True):
        assign_officer(boss, [coop.id], officers[0], today)
        for _ in range(start):
            to_stage, evidence = evidence_for(coop, today - timedelta(days=300))
            advance_stage(boss, coop, to_stage, evidence, None, coop.version, today)
    db.session.commit()
    stored_equals_recomputed()
    visits: list[int] = []

    def run(step):
        kind, *args = step
        if kind in ("visit", "visit_and_move"):
            n, second, ago, follow = args
            coop, day = coops[n], today - timedelta(days=ago)
            details = VisitDetails(
                day,
                ["pembinaan"],
                follow_up_on=None if follow is None else day + timedelta(days=follow),
                follow_up_action=None if follow is None else "Cek laporan",
            )
            move = None
            if kind == "visit_and_move" and coop.stage != Stage.CERTIFIED:
                to_stage, evidence = evidence_for(coop, day)
                move = StageMove(to_stage, evidence, None, coop.version)
            officer = officers[1 if second else 0]
            visits.append(log_visit(officer, coop, details, [], today, move=move).id)
        elif kind == "edit" and visits:
            visit = db.session.get(Visit, visits[args[0] % len(visits)])
            day = today - timedelta(days=args[1])
            details = VisitDetails(
                day,
                ["pembinaan"],
                follow_up_on=None if args[2] is None else day + timedelta(days=args[2]),
            )
            officer = db.session.get(type(boss), visit.officer_id)
            edit_visit(officer, visit, details, today, utcnow(), 7)
        elif kind == "remove" and visits:
            visit = db.session.get(Visit, visits[args[0] % len(visits)])
            remove_visit(boss, visit, "Tercatat dua kali", utcnow(), 7, any_time=True)
        elif kind == "move" and coops[args[0]].stage != Stage.CERTIFIED:
            coop = coops[args[0]]
            to_stage, evidence = evidence_for(coop, today - timedelta(days=args[1]))
            advance_stage(boss, coop, to_stage, evidence, None, coop.version, today)
        elif kind == "correct":
            coop = coops[args[0]]
            back = STAGE_ORDER.index(Stage(coop.stage)) - args[1]
            if back >= 0:
                correct_stage(boss, coop, STAGE_ORDER[back].value, "Salah catat", None, today)
        elif kind == "active":
            # Deactivated and at once reactivated: two history rows that set no stage.
            coop = coops[args[0]]
            set_active(boss, coop, False, "Status diperiksa", None, today)
            stored_equals_recomputed()
            set_active(boss, coop, True, "Status diperiksa", None, today)
        elif kind == "reassign":
            assign_officer(boss, [coops[args[0]].id], officers[1 if args[1] else 0], today)

    for step in plan:
        try:
            run(step)
        except REFUSED:
            db.session.rollback()
        stored_equals_recomputed()  # in the transaction, before the commit
        db.session.commit()
        stored_equals_recomputed()
