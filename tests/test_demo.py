from collections import Counter
from datetime import date

from sqlalchemy import func, select

from ppkl.demo import seed as demo
from ppkl.extensions import db
from ppkl.models import Cooperative, User


def test_seed_demo_cli_loads_and_prints_logins(runner):
    result = runner.invoke(args=["seed-demo", "--end-date", "2019-06-30"])
    assert result.exit_code == 0, result.output
    assert "747" in result.output and "ppkl-demo" in result.output
    assert db.session.scalar(select(func.count(Cooperative.id))) == 747
    roles = Counter(db.session.scalars(select(User.role)))
    assert roles == {"admin": 1, "supervisor": 1, "ppkl": 13, "dak": 24}


def test_seed_demo_refuses_when_cooperatives_exist(runner, make_cooperative):
    make_cooperative()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "already has cooperatives" in result.output
    assert db.session.scalar(select(func.count(Cooperative.id))) == 1
    quiet = runner.invoke(args=["seed-demo", "--if-empty"])
    assert quiet.exit_code == 0 and "not loaded" in quiet.output


def test_seed_demo_refuses_in_production(app, runner):
    app.config["PRODUCTION"] = True
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "production" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_seed_demo_rejects_a_malformed_date(runner):
    result = runner.invoke(args=["seed-demo", "--end-date", "30/06/2019"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def snapshot():
    return db.session.execute(
        select(
            Cooperative.name,
            Cooperative.district,
            Cooperative.stage,
            Cooperative.nik,
            Cooperative.members,
        ).order_by(Cooperative.id)
    ).all()


def test_seed_is_deterministic(app):
    demo.seed(db.session, date(2019, 6, 30), "pbkdf2:sha256:1000")
    first = snapshot()
    db.session.rollback()
    demo.seed(db.session, date(2019, 6, 30), "pbkdf2:sha256:1000")
    assert snapshot() == first


def test_demo_data_is_plausible(demo_app):
    coops = db.session.scalars(select(Cooperative)).all()
    assert len({c.name for c in coops}) == 747
    assert all(c.nik is None or len(c.nik) == 16 for c in coops)
    assert all((c.nik is not None) == (c.stage == "certified") for c in coops)
    assert all(20 <= c.members <= 450 for c in coops)
    assert all(c.created_at.date() <= date(2019, 6, 30) for c in coops)
    officers = db.session.scalars(select(User).where(User.role.in_(["ppkl", "dak"]))).all()
    assert {o.regency.name for o in officers} == set(demo.REGENCY_CODES)
