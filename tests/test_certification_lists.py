"""Deadline list, deactivation candidates and the dashboard's as-of picker on the demo data."""

from datetime import date

import pytest
from sqlalchemy import select

from ppkl.certification.deadlines import DeadlineRules, Flag, RatFacts, flags_for, inactivity_window
from ppkl.certification.queries import (
    DeadlineFilter,
    deactivation_candidates,
    flag_condition,
    flagged_cooperatives,
    flags_of,
)
from ppkl.extensions import db
from ppkl.models import Cooperative, RatRecord, User


def python_flags(today: date) -> dict[int, set[Flag]]:
    rats: dict[int, list[RatFacts]] = {}
    for r in db.session.scalars(select(RatRecord)):
        rats.setdefault(r.cooperative_id, []).append(
            RatFacts(r.fiscal_year, r.held_on, r.report_received_on)
        )
    return {
        c.id: flags_for(c.active, rats.get(c.id, []), today, DeadlineRules())
        for c in db.session.scalars(select(Cooperative))
    }


@pytest.mark.parametrize("today", [date(2019, 3, 30), date(2019, 4, 15), date(2019, 7, 1)])
def test_sql_flags_agree_with_the_pure_definition(demo_app, today):
    expected = python_flags(today)
    rules = DeadlineRules()
    for flag in Flag:
        ids = set(
            db.session.scalars(select(Cooperative.id).where(flag_condition(flag, today, rules)))
        )
        assert ids == {cid for cid, flags in expected.items() if flag in flags}, flag
    some = {cid for cid, flags in expected.items() if flags}
    assert some, "the demo data should have flagged cooperatives"


def test_the_demo_has_each_kind_of_flag_in_july_2019(demo_app):
    counts = {f: 0 for f in Flag}
    for flags in python_flags(date(2019, 7, 1)).values():
        for flag in flags:
            counts[flag] += 1
    assert counts[Flag.RAT_OVERDUE] > 0 and counts[Flag.REPORT_OVERDUE] > 0
    april = python_flags(date(2019, 4, 15)).values()
    assert any(Flag.RAT_DUE_SOON in flags for flags in april)


def test_flagged_list_for_an_officer_stays_in_scope(demo_app):
    officer = db.session.scalar(select(User).where(User.username == "ppkl01"))
    stmt = flagged_cooperatives(
        officer, DeadlineFilter(Flag.RAT_OVERDUE), date(2019, 7, 1), DeadlineRules()
    )
    rows = db.session.scalars(stmt).all()
    assert rows and {c.regency_id for c in rows} == {officer.regency_id}
    flags = flags_of(rows, date(2019, 7, 1), DeadlineRules())
    assert all(Flag.RAT_OVERDUE in {f.flag for f in flags[c.id]} for c in rows)
    # On 1 July 2019 the overdue RAT is the one of fiscal year 2018 (due 30 June 2019).
    assert {f.fiscal_year for c in rows for f in flags[c.id] if f.flag == Flag.RAT_OVERDUE} == {
        2018
    }


def test_deactivation_candidates_have_no_recent_rat(demo_app):
    today = date(2019, 6, 30)
    first, last = inactivity_window(today, DeadlineRules())
    from ppkl.transfer.exports import CliActor

    nation = CliActor()
    ids = set(db.session.scalars(deactivation_candidates(nation, today, DeadlineRules())).all())
    recent = set(
        db.session.scalars(
            select(RatRecord.cooperative_id).where(RatRecord.fiscal_year.between(first, last))
        )
    )
    active = set(db.session.scalars(select(Cooperative.id).where(Cooperative.active.is_(True))))
    assert {c.id for c in ids} == active - recent
    assert 0 < len(ids) < len(active)
    fewer = db.session.scalars(
        deactivation_candidates(nation, today, DeadlineRules(inactivity_years=1))
    )
    assert len(fewer.all()) > len(ids)  # a shorter window lists more


def test_list_pages_use_a_fixed_number_of_queries(demo_client, auth, demo_app):
    from tests.helpers import count_queries

    auth.login(demo_client, "supervisor", "ppkl-demo")
    sizes = {}
    for url in (
        "/certification/deadlines",
        "/certification/deadlines?page=2",
        "/certification/candidates",
        "/certification/bulk?to=ods_entered",
        "/certification/bulk?to=report_received",
    ):
        with count_queries(db.engine) as statements:
            assert demo_client.get(url).status_code == 200
        sizes[url] = len(statements)
    assert sizes["/certification/deadlines"] == sizes["/certification/deadlines?page=2"]
    assert (
        sizes["/certification/bulk?to=ods_entered"]
        == sizes["/certification/bulk?to=report_received"]
    )
    assert max(sizes.values()) <= 8, sizes


def test_cooperative_page_queries_do_not_grow_with_history(demo_client, auth, demo_app):
    from tests.helpers import count_queries

    certified = db.session.scalar(select(Cooperative.id).where(Cooperative.stage == "certified"))
    fresh = db.session.scalar(select(Cooperative.id).where(Cooperative.stage == "not_started"))
    auth.login(demo_client, "supervisor", "ppkl-demo")
    counts = []
    for cid in (certified, fresh):
        with count_queries(db.engine) as statements:
            html = demo_client.get(f"/cooperatives/{cid}").get_data(as_text=True)
        counts.append(len(statements))
    assert counts[0] == counts[1]
    assert "Kepatuhan RAT" in html and 'id="timeline-list"' in html


def test_dashboard_as_of_picker(demo_client, auth):
    auth.login(demo_client, "supervisor", "ppkl-demo")
    june = demo_client.get("/dashboard?as_of=2019-06-30").get_data(as_text=True)
    assert "30 Juni 2019" in june and "14,77" in june
    january = demo_client.get("/dashboard?as_of=2019-01-31").get_data(as_text=True)
    assert "31 Januari 2019" in january and "14,77" not in january
    bad = demo_client.get("/dashboard?as_of=31-01-2019").get_data(as_text=True)
    assert 'id="as_of-error"' in bad and "TTTT-BB-HH" in bad
    future = demo_client.get("/dashboard?as_of=2999-01-01").get_data(as_text=True)
    assert 'id="as_of-error"' in future


def test_officers_do_not_see_candidates(demo_client, auth):
    auth.login(demo_client, "ppkl01", "ppkl-demo")
    assert demo_client.get("/certification/candidates").status_code == 403
    assert demo_client.get("/certification/deadlines").status_code == 200
