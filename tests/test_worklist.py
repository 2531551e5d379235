"""Each worklist condition on its boundary dates, the order of need, and the counts."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, true

from ppkl.cooperatives.facts import refresh_facts
from ppkl.extensions import db
from ppkl.models import Cooperative, CooperativeHistory, RatRecord
from ppkl.tasks.worklist import (
    Reason,
    Thresholds,
    reason_counts,
    reasons_of,
    tally,
    worklist_query,
    worklist_window,
)

TODAY = date(2019, 6, 30)


def reasons_for(coop, today=TODAY, deadlines=False, **settings):
    """The cooperative's reasons; the RAT deadline one only when asked (test data has no RAT)."""
    t = Thresholds(today, **settings)
    rows = db.session.execute(worklist_query(true(), t)).all()
    found = set({row[0].id: reasons_of(row) for row in rows}.get(coop.id, []))
    return found if deadlines else found - {Reason.DEADLINE_OVERDUE}


def recent(make_visit, coop, officer, **fields):
    """A visit yesterday, so that not_visited stays out of the way."""
    return make_visit(coop, officer, TODAY - timedelta(days=1), **fields)


@pytest.fixture
def officer(make_user):
    return make_user("ppkl01", role="ppkl")


@pytest.mark.parametrize(
    ("follow_up", "expected"),
    [
        (TODAY - timedelta(days=1), {Reason.FOLLOW_UP_OVERDUE}),
        (TODAY, {Reason.FOLLOW_UP_DUE}),
        (TODAY + timedelta(days=6), {Reason.FOLLOW_UP_DUE}),
        (TODAY + timedelta(days=7), set()),
    ],
)
def test_follow_up_overdue_and_due_this_week(
    make_cooperative, make_visit, officer, follow_up, expected
):
    coop = make_cooperative()
    make_visit(coop, officer, TODAY - timedelta(days=2), follow_up_on=follow_up)
    assert reasons_for(coop) == expected


def test_a_later_visit_settles_the_follow_up(make_cooperative, make_visit, officer):
    coop = make_cooperative()
    make_visit(coop, officer, TODAY - timedelta(days=20), follow_up_on=TODAY - timedelta(days=5))
    assert reasons_for(coop) == {Reason.FOLLOW_UP_OVERDUE}
    make_visit(coop, officer, TODAY - timedelta(days=3))
    assert reasons_for(coop) == set()


def test_a_removed_visit_does_not_count(make_cooperative, make_visit, officer):
    coop = make_cooperative()
    make_visit(coop, officer, TODAY - timedelta(days=20), follow_up_on=TODAY - timedelta(days=5))
    make_visit(
        coop,
        officer,
        TODAY - timedelta(days=3),
        deleted_at=datetime(2019, 6, 29),
        delete_reason="x",
    )
    assert reasons_for(coop) == {Reason.FOLLOW_UP_OVERDUE}


@pytest.mark.parametrize(("days_ago", "expected"), [(90, set()), (91, {Reason.NOT_VISITED})])
def test_not_visited_for_more_than_90_days(
    make_cooperative, make_visit, officer, days_ago, expected
):
    coop = make_cooperative()
    make_visit(coop, officer, TODAY - timedelta(days=days_ago))
    assert reasons_for(coop) == expected


def test_never_visited_counts_as_not_visited_and_the_threshold_is_configurable(
    make_cooperative, make_visit, officer
):
    never = make_cooperative()
    assert reasons_for(never) == {Reason.NOT_VISITED}
    coop = make_cooperative()
    make_visit(coop, officer, TODAY - timedelta(days=31))
    assert reasons_for(coop) == set()
    assert reasons_for(coop, not_visited_days=30) == {Reason.NOT_VISITED}


@pytest.mark.parametrize(("days_ago", "expected"), [(30, set()), (31, {Reason.STUCK})])
def test_stuck_in_a_stage_for_more_than_30_days(
    make_cooperative, make_visit, officer, days_ago, expected
):
    coop = make_cooperative(stage="report_received")
    recent(make_visit, coop, officer)
    db.session.add(
        CooperativeHistory(
            cooperative_id=coop.id,
            kind="move",
            from_stage="rat_held",
            to_stage="report_received",
            effective_date=TODAY - timedelta(days=days_ago),
        )
    )
    refresh_facts(db.session, [coop.id])  # a history row written here, not by a service
    db.session.commit()
    assert reasons_for(coop) == expected
    assert reasons_for(coop, stuck_days=days_ago - 1) == {Reason.STUCK}


def test_stuck_without_history_uses_the_creation_date_and_skips_other_stages(
    make_cooperative, make_visit, officer
):
    old = datetime(2019, 1, 1)
    waiting = make_cooperative(stage="rat_held", created_at=old)
    fresh = make_cooperative(stage="rat_held", created_at=datetime(2019, 6, 20))
    not_started = make_cooperative(stage="not_started", created_at=old)
    certified = make_cooperative(stage="certified", nik="6501000000000001", created_at=old)
    for coop in (waiting, fresh, not_started, certified):
        recent(make_visit, coop, officer)
    assert reasons_for(waiting) == {Reason.STUCK}
    assert reasons_for(fresh) == set()
    assert reasons_for(not_started) == set()
    assert reasons_for(certified) == set()


def test_inactive_cooperatives_need_nothing(make_cooperative):
    assert reasons_for(make_cooperative(active=False)) == set()


def test_order_of_need_and_counts(make_cooperative, make_visit, officer):
    overdue = make_cooperative(name="A overdue")
    due = make_cooperative(name="B due")
    idle = make_cooperative(name="C never visited")
    make_visit(overdue, officer, TODAY - timedelta(days=10), follow_up_on=TODAY - timedelta(days=1))
    make_visit(due, officer, TODAY - timedelta(days=10), follow_up_on=TODAY + timedelta(days=2))
    t = Thresholds(TODAY)
    counts = reason_counts(db.session, true(), t)
    assert counts[Reason.DEADLINE_OVERDUE] == 3  # no RAT recorded for fiscal year 2017
    for coop in (overdue, due, idle):
        rat(coop, 2017, date(2018, 3, 1), received=date(2018, 3, 10))
    names = [r[0].name for r in db.session.execute(worklist_query(true(), t)).all()]
    assert names == ["A overdue", "B due", "C never visited"]
    counts = reason_counts(db.session, true(), t)
    assert counts[Reason.DEADLINE_OVERDUE] == 0
    assert counts[Reason.FOLLOW_UP_OVERDUE] == 1
    assert counts[Reason.FOLLOW_UP_DUE] == 1
    assert counts[Reason.NOT_VISITED] == 1
    assert counts[Reason.STUCK] == 0
    assert idle.id in {r[0].id for r in db.session.execute(worklist_query(true(), t)).all()}


def test_thresholds_come_from_the_configuration():
    t = Thresholds.from_config({"WORKLIST_STUCK_DAYS": 45, "WORKLIST_NOT_VISITED_DAYS": 60}, TODAY)
    assert (t.stuck_days, t.not_visited_days, t.due_soon_days) == (45, 60, 7)


def rat(coop, fiscal_year, held_on, received=None):
    db.session.add(
        RatRecord(
            cooperative_id=coop.id,
            fiscal_year=fiscal_year,
            held_on=held_on,
            members_present=20,
            members_total=30,
            report_received_on=received,
        )
    )
    db.session.commit()


@pytest.mark.parametrize(
    ("today", "rat_year", "expected"),
    [
        (date(2019, 6, 30), 2017, False),  # RAT for 2018 still on time on its due day
        (date(2019, 7, 1), 2017, True),  # the day after: 2018 overdue
        (date(2019, 7, 1), 2018, False),
    ],
)
def test_rat_overdue_follows_the_workflow_deadlines(make_cooperative, today, rat_year, expected):
    coop = make_cooperative()
    rat(coop, rat_year, date(rat_year + 1, 3, 1), received=date(rat_year + 1, 3, 5))
    assert (Reason.DEADLINE_OVERDUE in reasons_for(coop, today, deadlines=True)) is expected


@pytest.mark.parametrize(("days", "expected"), [(30, False), (31, True)])
def test_report_overdue_follows_the_workflow_deadlines(make_cooperative, days, expected):
    coop = make_cooperative()
    rat(coop, 2017, date(2018, 3, 1), received=date(2018, 3, 10))  # no RAT overdue
    rat(coop, 2018, TODAY - timedelta(days=days))
    assert (Reason.DEADLINE_OVERDUE in reasons_for(coop, deadlines=True)) is expected


def test_worklist_deadline_reason_agrees_with_deadlines_flags_for(make_cooperative):
    from ppkl.certification.deadlines import DeadlineRules, Flag, RatFacts, flags_for

    cases = [
        make_cooperative(),
        make_cooperative(active=False),
    ]
    with_rat = make_cooperative()
    rat(with_rat, 2018, date(2019, 3, 1))
    late_report = make_cooperative()
    rat(late_report, 2018, date(2019, 1, 2))
    twice_late = make_cooperative()  # two late reports: still one cooperative to count
    rat(twice_late, 2017, date(2018, 1, 2))
    rat(twice_late, 2018, date(2019, 1, 2))
    cases += [with_rat, late_report, twice_late]
    for coop in cases:
        rats = [
            RatFacts(r.fiscal_year, r.held_on, r.report_received_on)
            for r in db.session.scalars(
                select(RatRecord).where(RatRecord.cooperative_id == coop.id)
            )
        ]
        flags = flags_for(coop.active, rats, TODAY, DeadlineRules())
        expected = bool(flags & {Flag.RAT_OVERDUE, Flag.REPORT_OVERDUE})
        assert (Reason.DEADLINE_OVERDUE in reasons_for(coop, deadlines=True)) is expected
        # The counts read the same records through outer joins: they agree cooperative by one.
        counted = reason_counts(db.session, Cooperative.id == coop.id, Thresholds(TODAY))
        assert counted[Reason.DEADLINE_OVERDUE] == int(expected)


def test_a_window_reads_the_rows_of_the_whole_worklist_at_its_place(
    make_cooperative, make_visit, officer
):
    """Pages read group by group (worklist_window) give the worklist's own rows and order, at
    every offset, across the groups' boundaries; the tally's groups add up to its length."""
    for n in range(3):
        coop = make_cooperative(name=f"Overdue {n}")
        make_visit(coop, officer, TODAY - timedelta(days=9), follow_up_on=TODAY - timedelta(n + 1))
        rat(coop, 2017, date(2018, 3, 1), received=date(2018, 3, 10))
    for n in range(3):  # no RAT for 2017: the deadline is their first reason
        make_visit(make_cooperative(name=f"Late {n}"), officer, TODAY - timedelta(days=2))
    for n in range(2):
        coop = make_cooperative(name=f"Due {n}")
        make_visit(coop, officer, TODAY - timedelta(days=2), follow_up_on=TODAY + timedelta(n))
        rat(coop, 2017, date(2018, 3, 1), received=date(2018, 3, 10))
    for n in range(3):
        rat(make_cooperative(name=f"Idle {n}"), 2017, date(2018, 3, 1), received=date(2018, 3, 10))
    make_cooperative(name="Inactive", active=False)
    t = Thresholds(TODAY)
    whole = [row[0].id for row in db.session.execute(worklist_query(true(), t)).all()]
    counted = tally(db.session, true(), t)
    assert counted.total == len(whole) == 11
    assert [counted.firsts[r] for r in Reason] == [3, 3, 2, 0, 3]
    assert counted.counts == reason_counts(db.session, true(), t)
    for limit in (1, 2, 4):
        for offset in range(len(whole) + 2):
            stmt = worklist_window(true(), t, counted.firsts, offset, limit)
            rows = [row[0].id for row in db.session.execute(stmt).all()]
            assert rows == whole[offset : offset + limit], (offset, limit)
