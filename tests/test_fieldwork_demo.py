"""Demo field work: every active cooperative assigned, six months of visits, a follow-up mix."""

from datetime import timedelta

from sqlalchemy import func, select, true

from ppkl.extensions import db
from ppkl.models import Assignment, Cooperative, User, Visit
from ppkl.tasks.worklist import Reason, Thresholds, reason_counts
from tests.helpers import DEMO_END_DATE


def test_every_active_demo_cooperative_has_a_ppkl_and_a_dak(demo_app):
    active = db.session.scalar(select(func.count()).where(Cooperative.active.is_(True)))
    for role in ("ppkl", "dak"):
        current = db.session.scalar(
            select(func.count(Assignment.id)).where(
                Assignment.end_date.is_(None), Assignment.officer_role == role
            )
        )
        assert current == active
    mismatched = db.session.scalar(
        select(func.count(Assignment.id))
        .join(User, User.id == Assignment.officer_id)
        .where(User.role != Assignment.officer_role)
    )
    assert mismatched == 0
    # Some hand-overs, so the history has something to show.
    assert db.session.scalar(select(func.count()).where(Assignment.end_date.is_not(None))) > 0


def test_demo_visits_span_six_months_before_the_end_date(demo_app):
    first, last, count = db.session.execute(
        select(func.min(Visit.visited_on), func.max(Visit.visited_on), func.count(Visit.id))
    ).one()
    assert last <= DEMO_END_DATE
    assert DEMO_END_DATE - timedelta(days=190) <= first <= DEMO_END_DATE - timedelta(days=150)
    assert count > 500


def test_demo_follow_ups_are_a_realistic_mix(demo_app):
    counts = reason_counts(db.session, true(), Thresholds(DEMO_END_DATE))
    assert counts[Reason.FOLLOW_UP_OVERDUE] > 20
    assert counts[Reason.FOLLOW_UP_DUE] > 20
    assert counts[Reason.NOT_VISITED] > 20
    settled = db.session.scalar(
        select(func.count(Visit.id)).where(Visit.follow_up_on < DEMO_END_DATE - timedelta(30))
    )
    assert settled > 50  # earlier follow-ups, settled by the next visit


def test_each_demo_visit_is_by_the_officer_assigned_that_day(demo_app):
    wrong = db.session.scalar(
        select(func.count(Visit.id)).where(
            ~select(Assignment.id)
            .where(
                Assignment.cooperative_id == Visit.cooperative_id,
                Assignment.officer_id == Visit.officer_id,
                Assignment.start_date <= Visit.visited_on,
                (Assignment.end_date.is_(None)) | (Assignment.end_date > Visit.visited_on),
            )
            .exists()
        )
    )
    assert wrong == 0
