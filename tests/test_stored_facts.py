"""The stored facts as their readers see them, and the officer coverage resolved to ids."""

from datetime import timedelta

from sqlalchemy import select

from ppkl.clock import office_today
from ppkl.coverage import officer_scope, resolve
from ppkl.extensions import db
from ppkl.models import Cooperative
from ppkl.reports.officer import latest_visits
from ppkl.visits.services import VisitDetails, log_visit, remove_visit


def test_a_visit_leaves_the_cooperative_version_alone(make_user, make_cooperative, assign):
    """Other users' open cooperative forms do not go stale when a visit is logged."""
    officer = make_user("ppkl01", role="ppkl")
    coop = make_cooperative()
    assign(coop, officer)
    version = coop.version
    today = office_today()
    visit = log_visit(officer, coop, VisitDetails(today, ["pembinaan"]), [], today)
    db.session.commit()
    remove_visit(officer, visit, "Salah", visit.created_at, 7, any_time=True)
    db.session.commit()
    db.session.refresh(coop)
    assert coop.version == version


def test_report_reaching_today_reads_what_history_gives(make_user, make_cooperative, make_visit):
    officer = make_user("ppkl01", role="ppkl")
    coops = [make_cooperative() for _ in range(3)]
    today = office_today()
    make_visit(coops[0], officer, today - timedelta(days=9), today + timedelta(days=3))
    make_visit(coops[0], officer, today - timedelta(days=2))
    make_visit(coops[1], officer, today - timedelta(days=40), today - timedelta(days=1))
    ids = [c.id for c in coops]
    from_history = latest_visits(db.session, ids, today)
    assert latest_visits(db.session, ids, today, today) == from_history
    assert latest_visits(db.session, ids, today + timedelta(days=5), today) == from_history
    assert from_history == {
        coops[0].id: (today - timedelta(days=2), None),
        coops[1].id: (today - timedelta(days=40), today - timedelta(days=1)),
    }


def covered(user) -> set[str]:
    return set(db.session.scalars(select(Cooperative.name).where(officer_scope(user))))


def test_coverage_resolves_ids_or_the_home_regency(
    make_regency, make_user, make_cooperative, assign
):
    home, other = make_regency("Bulungan"), make_regency("Tarakan")
    one = make_user("ppkl01", role="ppkl", regency=home)
    two = make_user("ppkl02", role="ppkl", regency=home)
    a = make_cooperative(name="A", regency=home)
    b = make_cooperative(name="B", regency=home)
    c = make_cooperative(name="C", regency=other)
    # No current assignment anywhere: the home regency.
    assert covered(one) == {"A", "B"} and resolve(one).covers(a) and not resolve(one).covers(c)
    assign(c, two)
    # From the first assignment on, only one's own (none yet).
    assert covered(one) == set() and not resolve(one).covers(a)
    assign(b, one)
    assert covered(one) == {"B"} and covered(two) == {"C"}
    assert resolve(one).covers(b) and not resolve(one).covers(c)
