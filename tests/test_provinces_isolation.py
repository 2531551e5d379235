"""Two provinces on one installation: a province's accounts never see the other's.

Generic over the URL map, as the other walks: every route that takes an id answers 404 for
the other province's ids (as for an id that does not exist), and no page or API answer of a
province's account names the other province's cooperatives, officers or regencies, whatever
ids are put in its query."""

import pytest
from flask import url_for
from sqlalchemy import select, text
from werkzeug.routing import IntegerConverter

from ppkl.access import ALWAYS_PUBLIC_ENDPOINTS, PUBLIC
from ppkl.extensions import db
from ppkl.models import Cooperative, Province, Regency, User
from tests.helpers import make_app, seeded_demo_database

# Accounts of Kalimantan Utara, and of the generated province Gorontalo (code 75).
ACCOUNTS = {"supervisor": "75", "ppkl01": "75", "dak01": "75", "supervisor75": "65",
            "ppkl751": "65"}  # fmt: skip
TABLES = {"user_id": "user_account", "officer_id": "user_account",
          "document_id": "certificate_document", "photo_id": "visit_photo",
          "token_id": "api_token"}  # fmt: skip


@pytest.fixture(scope="module")
def two_provinces(databases):
    app = make_app(
        seeded_demo_database(databases, "provinces", provinces=1), WTF_CSRF_ENABLED=False
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def province_id(code: str) -> int:
    return db.session.scalar(select(Province.id).where(Province.code == code))


def ids_in(table: str, code: str) -> int | None:
    """The smallest id of a row of `table` belonging to the province with this code."""
    if table not in db.metadata.tables:
        return None
    columns = {c.name for c in db.metadata.tables[table].columns}
    if table in ("user_account", "regency"):
        where = "t.province_id = :p"
    elif "regency_id" in columns:
        where = "t.regency_id IN (SELECT id FROM regency WHERE province_id = :p)"
    elif "user_id" in columns:
        where = "t.user_id IN (SELECT id FROM user_account WHERE province_id = :p)"
    elif "visit_id" in columns:
        where = (
            "t.visit_id IN (SELECT v.id FROM visit v JOIN cooperative c ON c.id = v.cooperative_id"
            " JOIN regency r ON r.id = c.regency_id WHERE r.province_id = :p)"
        )
    elif "cooperative_id" in columns:
        where = (
            "t.cooperative_id IN (SELECT c.id FROM cooperative c JOIN regency r"
            " ON r.id = c.regency_id WHERE r.province_id = :p)"
        )
    else:
        return None
    return db.session.scalar(
        text(f"SELECT min(t.id) FROM {table} t WHERE {where}"), {"p": province_id(code)}
    )


def names_of(code: str, everything: bool = False) -> list[str]:
    """What must never appear on the other province's pages: its name, regencies, officers
    and cooperatives (twenty of them, or all)."""
    pid = province_id(code)
    regencies = db.session.scalars(select(Regency.name).where(Regency.province_id == pid))
    # Usernames, not full names: the demo's generated names recur, in visit notes too.
    people = db.session.scalars(select(User.username).where(User.province_id == pid))
    coops = db.session.scalars(
        select(Cooperative.name)
        .join(Regency, Regency.id == Cooperative.regency_id)
        .where(Regency.province_id == pid)
        .limit(None if everything else 20)
    )
    name = db.session.get(Province, pid).name
    # "supervisor" is a word of every page too; the other usernames are distinctive.
    return [name, *regencies, *(p for p in people if p != "supervisor"), *coops]


def sign_in(client, username):
    response = client.post("/login", data={"username": username, "password": "ppkl-demo"})
    assert response.status_code == 302, f"{username} could not sign in"


def access_rule_for_rule(app, rule):
    return getattr(app.view_functions[rule.endpoint], "access_rule", None)


def url(app, rule, values):
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


@pytest.mark.parametrize("username", list(ACCOUNTS))
def test_another_provinces_ids_answer_404(two_provinces, username):
    app = two_provinces
    other = ACCOUNTS[username]
    with app.app_context():
        client = app.test_client()
        sign_in(client, username)
        checked = 0
        for rule in app.url_map.iter_rules():
            if rule.endpoint in ALWAYS_PUBLIC_ENDPOINTS or "GET" not in rule.methods:
                continue
            int_args = [
                a for a, conv in rule._converters.items() if isinstance(conv, IntegerConverter)
            ]
            if not int_args or set(int_args) != rule.arguments:
                continue
            foreign = {a: ids_in(TABLES.get(a, a.removesuffix("_id")), other) for a in int_args}
            if None in foreign.values():
                continue
            response = client.get(url(app, rule, foreign))
            assert response.status_code in (403, 404), (username, rule.rule, foreign)
            if response.status_code == 403:
                # Only the route guard may refuse (the role may not use the route at all):
                # the same route with a missing id must then be refused the same way.
                missing = {a: 2_000_000_000 for a in int_args}
                assert client.get(url(app, rule, missing)).status_code == 403, rule.rule
            checked += 1
        assert checked >= 8


@pytest.mark.parametrize("username", list(ACCOUNTS))
def test_no_page_names_another_province(two_provinces, username):
    app = two_provinces
    other = ACCOUNTS[username]
    with app.app_context():
        own = "65" if other == "75" else "75"
        forbidden = sorted(set(names_of(other)) - set(names_of(own, everything=True)))
        query = {
            key: ids_in(table, other)
            for key, table in (
                ("officer", "user_account"),
                ("cooperative", "cooperative"),
                ("regency", "regency"),
                ("province", "province"),
            )
        }
        query["province"] = province_id(other)
        client = app.test_client()
        sign_in(client, username)
        seen = 0
        for rule in app.url_map.iter_rules():
            if rule.endpoint in ALWAYS_PUBLIC_ENDPOINTS or "GET" not in rule.methods:
                continue
            if rule.arguments or rule.endpoint in ("auth.logout",):
                continue
            if access_rule_for_rule(app, rule) == PUBLIC:
                continue  # the same for everyone, signed in or not (the app's name)
            for args in ({}, query):
                response = client.get(url(app, rule, args))
                assert response.status_code < 500, (username, rule.rule, args)
                if response.status_code != 200:
                    continue
                body = response.get_data(as_text=True)
                leaked = [name for name in forbidden if name in body]
                assert leaked == [], (username, rule.rule, args, leaked[:3])
                seen += 1
        assert seen >= 10


def test_the_recap_of_each_province_and_of_the_nation(two_provinces):
    app = two_provinces
    with app.app_context():
        client = app.test_client()
        sign_in(client, "supervisor75")
        html = client.get("/dashboard").get_data(as_text=True)
        assert "Capaian Koperasi Provinsi Gorontalo" in html
        assert "Kota Gorontalo" in html and "Bulungan" not in html
        client = app.test_client()
        sign_in(client, "nasional")
        html = client.get("/dashboard").get_data(as_text=True)
        assert "Capaian Koperasi Nasional" in html
        assert "Kalimantan Utara" in html and "Gorontalo" in html and "Bulungan" not in html
        drill = client.get(f"/dashboard?province={province_id('75')}").get_data(as_text=True)
        assert "Kota Gorontalo" in drill and "Semua provinsi" in drill
