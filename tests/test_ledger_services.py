"""RAT ledger and target verbs: rules, one record per fiscal year, parallel writes refused."""

from datetime import date

import pytest
from sqlalchemy import func, select

from ppkl.certification import ledger
from ppkl.certification.ledger import record_rat, set_target
from ppkl.domain import DomainError
from ppkl.extensions import db
from ppkl.models import AuditEvent, CertificationTarget, RatRecord
from ppkl.workflow import RatEvidence

TODAY = date(2019, 6, 30)
CATEGORIES = ("Sehat", "Cukup Sehat")
RAT = RatEvidence(2018, date(2019, 3, 2), 30, 50)


@pytest.fixture
def setup(app, make_regency, make_user, make_cooperative):
    home = make_regency("Bulungan")
    return {
        "officer": make_user("ppkl01", role="ppkl", regency=home),
        "stranger": make_user("ppkl02", role="ppkl", regency=make_regency("Tarakan")),
        "boss": make_user("boss", role="supervisor"),
        "coop": make_cooperative(regency=home, stage="certified", nik="6501000000000001"),
    }


def codes(error) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in error.value.problems}


def test_record_then_update_the_same_year(setup):
    officer, coop = setup["officer"], setup["coop"]
    record_rat(officer, coop, RAT, None, "Sehat", CATEGORIES, TODAY)
    record_rat(officer, coop, RAT, date(2019, 3, 20), "Cukup Sehat", CATEGORIES, TODAY)
    db.session.commit()
    rat = db.session.scalar(select(RatRecord))
    assert (rat.report_received_on, rat.health) == (date(2019, 3, 20), "Cukup Sehat")
    assert db.session.scalar(select(func.count(RatRecord.id))) == 1
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["rat.recorded", "rat.updated"]
    assert coop.stage == "certified"


def test_ledger_rules(setup):
    officer, coop = setup["officer"], setup["coop"]
    with pytest.raises(DomainError) as error:
        record_rat(setup["stranger"], coop, RAT, None, None, CATEGORIES, TODAY)
    assert codes(error) == {("stage", "not_allowed")}
    with pytest.raises(DomainError) as error:
        record_rat(officer, coop, RAT, date(2019, 3, 1), "Bagus", CATEGORIES, TODAY)
    assert codes(error) == {("report_received_on", "before_rat"), ("health", "unknown_health")}
    with pytest.raises(DomainError) as error:
        record_rat(officer, coop, RAT, date(2019, 7, 1), None, CATEGORIES, TODAY)
    assert codes(error) == {("report_received_on", "in_future")}


def test_a_parallel_first_record_is_refused_not_a_crash(setup, monkeypatch):
    officer, coop = setup["officer"], setup["coop"]
    record_rat(officer, coop, RAT, None, None, CATEGORIES, TODAY)
    db.session.commit()
    # As if another request inserted the year between our read and our write.
    monkeypatch.setattr(ledger, "find_rat", lambda *args: None)
    with pytest.raises(DomainError) as error:
        record_rat(officer, coop, RAT, None, None, CATEGORIES, TODAY)
    assert codes(error) == {("fiscal_year", "rat_exists")}
    db.session.rollback()


def test_targets_per_year_and_regency(setup, make_regency):
    boss = setup["boss"]
    with pytest.raises(DomainError) as error:
        set_target(setup["officer"], 2019, None, 500)
    assert codes(error) == {("target", "not_allowed")}
    with pytest.raises(DomainError) as error:
        set_target(boss, 2019, None, 0)
    assert codes(error) == {("target", "target_positive")}
    set_target(boss, 2019, None, 400)
    set_target(boss, 2019, None, 500)  # the province target is replaced, not doubled
    regency = make_regency("Malinau")
    set_target(boss, 2019, regency.id, 60)
    db.session.commit()
    rows = db.session.execute(
        select(CertificationTarget.regency_id, CertificationTarget.target).order_by(
            CertificationTarget.id
        )
    ).all()
    assert rows == [(None, 500), (regency.id, 60)]
