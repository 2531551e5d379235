"""Every route, with each role, with a missing, a foreign and an own id, with empty and junk
input: never a 500. Generic over the URL map, so routes added later are walked too."""

import re

import pytest
from flask import url_for
from sqlalchemy import inspect, select, text, update
from werkzeug.routing import IntegerConverter

from ppkl.access import ALWAYS_PUBLIC_ENDPOINTS
from ppkl.extensions import db
from tests.helpers import make_app, seeded_demo_database

MISSING_ID = 2_000_000_000  # fits PostgreSQL's integer
ROLES = {"anonymous": None, "admin": "admin", "supervisor": "supervisor", "ppkl": "ppkl01",
         "dak": "dak01"}  # fmt: skip
FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', re.I)
JUNK = "x' OR 1=1 --\x00\u202e"


@pytest.fixture(scope="module")
def walk_app(databases):
    """The demo data in a database of this module's own: the walk may write to it."""
    url = seeded_demo_database(databases, "walk")
    app = make_app(url, WTF_CSRF_ENABLED=False)  # let POST bodies reach the views
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def candidate_ids(arg: str, user) -> dict[str, int]:
    """A missing id, one the user may not open (another regency's) and one of their own."""
    table_name = arg.removesuffix("_id")
    ids = {"missing": MISSING_ID}
    tables = set(inspect(db.engine).get_table_names())
    table_name = {"user": "user_account"}.get(table_name, table_name)
    if table_name not in tables:
        return ids
    columns = {c["name"] for c in inspect(db.engine).get_columns(table_name)}
    home = getattr(user, "regency_id", None)
    if "regency_id" in columns:
        regency = "t.regency_id"
    elif "cooperative_id" in columns:
        regency = "(SELECT c.regency_id FROM cooperative c WHERE c.id = t.cooperative_id)"
    else:
        regency = None
    if regency and home:
        for name, op in (("foreign", "<>"), ("own", "=")):
            found = db.session.scalar(
                text(f"SELECT min(t.id) FROM {table_name} t WHERE {regency} {op} :home"),
                {"home": home},
            )
            if found:
                ids[name] = found
    else:
        ids["foreign"] = db.session.scalar(text(f"SELECT max(id) FROM {table_name}")) or 1
        ids["own"] = db.session.scalar(text(f"SELECT min(id) FROM {table_name}")) or 1
    return ids


def urls_for(app, rule, user) -> list[str]:
    int_args = {a for a, conv in rule._converters.items() if isinstance(conv, IntegerConverter)}
    combos: list[dict] = [{}]
    for arg in sorted(rule.arguments):
        choices = list(candidate_ids(arg, user).values()) if arg in int_args else ["nope", JUNK]
        combos = [{**c, arg: v} for c in combos for v in choices]
    with app.test_request_context():
        return sorted({url_for(rule.endpoint, **values) for values in combos})


def sign_in(client, username):
    if username:
        response = client.post("/login", data={"username": username, "password": "ppkl-demo"})
        assert response.status_code == 302, f"{username} could not sign in"


@pytest.mark.parametrize("role", list(ROLES))
def test_no_route_answers_500(walk_app, role):
    from ppkl.models import User

    username = ROLES[role]
    with walk_app.app_context():
        db.session.execute(update(User).values(active=True))  # earlier walks may deactivate
        db.session.commit()
        user = (
            db.session.scalar(select(User).where(User.username == username)) if username else None
        )
        client = walk_app.test_client()
        sign_in(client, username)
        seen = 0
        for rule in walk_app.url_map.iter_rules():
            if rule.endpoint in ALWAYS_PUBLIC_ENDPOINTS:
                continue
            for url in urls_for(walk_app, rule, user):
                fields = []
                if "GET" in rule.methods:
                    for query in ("", "?page=-3&q=%00&regency=x&stage=x&date_from=31-31-2019"):
                        response = client.get(url + query)
                        assert response.status_code < 500, (role, url + query)
                        seen += 1
                    fields = FIELD_NAME.findall(response.get_data(as_text=True))
                if "POST" in rule.methods:
                    for data in ({}, {name: JUNK for name in fields if name != "csrf_token"}):
                        response = client.post(url, data=data)
                        assert response.status_code < 500, (role, "POST", url, data)
                        seen += 1
                    if rule.endpoint not in ("auth.login",):
                        client = walk_app.test_client()  # the POST may have signed us out
                        sign_in(client, username)
                db.session.rollback()
        assert seen > 60
