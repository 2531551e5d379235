"""Search: every word in any order, case and accents ignored, LIKE wildcards literal, and an
index PostgreSQL can use at national size."""

import pytest
from sqlalchemy import inspect, select, text

from ppkl.cooperatives.queries import name_matches
from ppkl.extensions import db
from ppkl.models import Cooperative
from tests.helpers import ON_POSTGRES

NAMES = ["KSP Mulia Harapan", "Koperasi Sejahtera Bersama", "KSU Tunas 100% Jaya", "KUD Maju_Terus"]


@pytest.fixture
def coops(app, make_regency, make_cooperative, make_user):
    home = make_regency("Bulungan")
    make_user("boss", role="supervisor")
    return [make_cooperative(regency=home, name=name) for name in NAMES]


def found(q: str) -> list[str]:
    stmt = select(Cooperative.name).where(name_matches(q)).order_by(Cooperative.name)
    return list(db.session.scalars(stmt))


def test_every_word_in_any_order_ignoring_case(coops):
    assert found("harapan mulia") == ["KSP Mulia Harapan"]
    assert found("MULIA  ksp") == ["KSP Mulia Harapan"]
    assert found("mulia bersama") == []


def test_accents_are_ignored_both_ways(coops):
    assert found("séjahtera") == ["Koperasi Sejahtera Bersama"]
    make = coops[0]
    make.name = "KSP Mülia Harapan"
    db.session.commit()
    assert found("mulia") == ["KSP Mülia Harapan"]


def test_like_wildcards_are_taken_literally(coops):
    assert found("%") == ["KSU Tunas 100% Jaya"]
    assert found("_") == ["KUD Maju_Terus"]
    assert found("maju_") == ["KUD Maju_Terus"]
    assert found("a%a") == []


def test_the_list_page_searches_the_same_way(client, auth, coops):
    auth.login(client, "boss")
    html = client.get("/cooperatives/?q=harapan+mulia").get_data(as_text=True)
    assert "KSP Mulia Harapan" in html and "Koperasi Sejahtera Bersama" not in html
    html = client.get("/cooperatives/?q=%25").get_data(as_text=True)
    assert "KSU Tunas 100% Jaya" in html and "KSP Mulia Harapan" not in html


def test_imported_and_updated_names_are_searchable(app, runner, coops, tmp_path):
    csv = tmp_path / "daftar.csv"
    csv.write_text(
        "name,regency,members\nKSP Mulia Harapan,Bulungan,40\nKoperasi Séjati Abadi,Bulungan,9\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["import-cooperatives", str(csv)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert found("abadi sejati") == ["Koperasi Séjati Abadi"]  # created in bulk
    assert found("harapan") == ["KSP Mulia Harapan"]  # updated in bulk, key kept


def test_the_search_has_an_index_postgresql_uses(app, coops):
    indexes = {i["name"]: i for i in inspect(db.engine).get_indexes("cooperative")}
    assert indexes["ix_cooperative_search_name_trgm"]["column_names"] == ["search_name"]
    if not ON_POSTGRES:
        return  # SQLite has no trigram index; its plain index is the same name, for parity
    definition = db.session.scalar(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_cooperative_search_name_trgm'")
    )
    assert "gin" in definition and "gin_trgm_ops" in definition
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    stmt = select(Cooperative.id).where(name_matches("harapan mulia"))
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = "\n".join(db.session.scalars(text(f"EXPLAIN {compiled}")))
    assert "ix_cooperative_search_name_trgm" in plan
