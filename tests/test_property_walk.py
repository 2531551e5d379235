"""Property: no input makes the app fail, and a refused request changes nothing.

Hypothesis walks the URL map: for every role it draws routes and builds requests from them,
with path ids (real, missing, huge, negative, not numbers), query arguments, and form,
multipart, JSON and other bodies made from the app's own form field names (long strings,
control characters, NUL, bidi marks, dates far in the past and future, files where text is
expected). Every answer must be below 500; an answer of 400 or more must have committed no
write (refusals write only their own audit rows: a 403 or a failed sign-in). Each example
sends one generated request to every route, so every route is walked for every role.

Bounded for CI: the "ci" profile (tests/conftest.py) is derandomized with a fixed number of
examples per role; HYPOTHESIS_PROFILE=dev explores more and keeps a local example database.
"""

import io
import json
import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event, select, update
from wtforms.fields.core import UnboundField

from ppkl.access import ALWAYS_PUBLIC_ENDPOINTS
from ppkl.extensions import db
from ppkl.forms import Form
from ppkl.models import User
from tests.helpers import make_app, seeded_demo_database

ROLES = {"anonymous": None, "admin": "admin", "supervisor": "supervisor", "ppkl": "ppkl01",
         "dak": "dak01"}  # fmt: skip
# Refusals that are recorded by design: every other table must be untouched by a refusal.
REFUSAL_AUDIT_ACTIONS = ("access.denied", "auth.sign_in_failed")
QUERY_KEYS = ["page", "q", "regency", "officer", "stage", "active", "flag", "sort", "dir",
              "year", "as_of", "start", "end", "date_from", "date_to", "cooperative", "to",
              "next", "unassigned", "removed", "_method", "_external", "_anchor"]  # fmt: skip
NASTY = [
    "", "0", "-1", "2147483647", "2147483648", "99999999999999999999", "1e309", "NaN",
    "0001-01-01", "9999-12-31", "2019-02-29", "2019-06-31", "31-12-2019", "\x00", "a\x00b",
    "\u202eevil", "\r\nX-Injected: 1", "<script>alert(1)</script>", "' OR 1=1 --",
    "%00", "../../etc/passwd", "x" * 5000, "user:1", "none:ppkl", "ppkl", "on", "y",
]  # fmt: skip
FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', re.I)
PATH_ARG = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from all_subclasses(sub)


def form_field_names() -> list[str]:
    names = set()
    for cls in all_subclasses(Form):
        names.update(n for n in dir(cls) if isinstance(getattr(cls, n, None), UnboundField))
    return sorted(names)


@pytest.fixture(scope="module")
def fuzz(databases):
    """The demo data in a database of this module's own, the routes, the field names seen on
    the pages, the real ids per table, and each role's account as it was at the start."""
    app = make_app(
        seeded_demo_database(databases, "fuzz"),
        WTF_CSRF_ENABLED=False,  # let the bodies reach the views
        LOGIN_LIMIT_PER_ACCOUNT="100000 per minute",
        LOGIN_LIMIT_PER_ADDRESS="100000 per minute",
    )
    with app.app_context():
        rules = sorted(
            (r for r in app.url_map.iter_rules() if r.endpoint not in ALWAYS_PUBLIC_ENDPOINTS),
            key=lambda r: (r.rule, sorted(r.methods)),
        )
        ids = {}
        for table in db.metadata.sorted_tables:
            if "id" in table.c and table.c.id.type.python_type is int:
                found = db.session.scalars(select(table.c.id).order_by(table.c.id).limit(3))
                ids[table.name] = list(found)
        accounts = {
            u.username: (u.password_hash, u.role, u.regency_id)
            for u in db.session.scalars(select(User).where(User.username.in_(ROLES.values())))
        }
        names = set(form_field_names())
        client = app.test_client()
        sign_in(client, "admin")
        for rule in rules:
            if "GET" in rule.methods and not rule.arguments:
                page = client.get(rule.rule)
                names.update(FIELD_NAME.findall(page.get_data(as_text=True)))
                page.close()
        db.session.remove()
    yield {"app": app, "rules": rules, "ids": ids, "accounts": accounts, "names": sorted(names)}
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def sign_in(client, username):
    if username:
        response = client.post("/login", data={"username": username, "password": "ppkl-demo"})
        assert response.status_code == 302, f"{username} could not sign in"


def reset_accounts(fuzz) -> None:
    """Undo what earlier examples did to the role accounts (a new password, a deactivation,
    another role), so each example starts from the same people."""
    db.session.execute(update(User).values(active=True))
    for username, (password_hash, role, regency_id) in fuzz["accounts"].items():
        db.session.execute(
            update(User)
            .where(User.username == username)
            .values(password_hash=password_hash, role=role, regency_id=regency_id)
        )
    db.session.commit()


class CommittedWrites:
    """The writes a request committed, seen on the engine: INSERT/UPDATE/DELETE statements
    are held until their transaction commits (kept) or rolls back (dropped). The audit rows a
    refusal writes by design are left out."""

    def __init__(self, engine):
        self.engine = engine
        self.pending: list[str] = []
        self.committed: list[str] = []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self.statement)
        event.listen(self.engine, "commit", self.commit)
        event.listen(self.engine, "rollback", self.rollback)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self.statement)
        event.remove(self.engine, "commit", self.commit)
        event.remove(self.engine, "rollback", self.rollback)

    def statement(self, conn, cursor, statement, parameters, context, executemany):
        verb = statement.lstrip().split(" ", 1)[0].upper()
        if verb not in ("INSERT", "UPDATE", "DELETE"):
            return
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT") and any(
            action in repr(parameters) for action in REFUSAL_AUDIT_ACTIONS
        ):
            return
        self.pending.append(statement.split("(", 1)[0][:60])

    def commit(self, conn):
        self.committed += self.pending
        self.pending = []

    def rollback(self, conn):
        self.pending = []

    def take(self) -> list[str]:
        found, self.committed, self.pending = self.committed, [], []
        return found


values = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(2**63), max_value=2**70).map(str),
    st.dates().map(lambda d: d.isoformat()),
)


EDGE_IDS = ["0", "-1", "2147483647", "2147483648", "99999999999999999999", "x", "1.5", "%00"]


def path_value(table_ids):
    return st.one_of(
        st.sampled_from([str(i) for i in table_ids] or ["1"]),
        st.sampled_from(EDGE_IDS),
        st.integers(min_value=-5, max_value=2**70).map(str),
    )


def request_for(draw, fuzz, rule):
    parts = {}
    for _converter, name in PATH_ARG.findall(rule.rule):
        table = {"user_id": "user_account", "officer_id": "user_account"}.get(
            name, name.removesuffix("_id")
        )
        parts[name] = draw(path_value(fuzz["ids"].get(table, [])))
    path = PATH_ARG.sub(lambda m: quote(parts[m.group(2)], safe=""), rule.rule)
    keys = st.sampled_from(QUERY_KEYS + fuzz["names"])
    query = draw(st.lists(st.tuples(keys, values), max_size=4))
    if query:
        path += "?" + urlencode(query)
    methods = sorted(rule.methods & {"GET", "POST"})
    method = draw(st.sampled_from(methods))
    if method == "GET":
        return method, path, {}
    fields = draw(st.lists(st.tuples(st.sampled_from(fuzz["names"]), values), max_size=8))
    kind = draw(st.sampled_from(["form", "multipart", "json", "text", "none"]))
    if kind == "none":
        return method, path, {}
    if kind == "json":
        body = json.dumps(dict(fields))
        return method, path, {"data": body, "content_type": "application/json"}
    if kind == "text":
        return method, path, {"data": urlencode(fields), "content_type": "text/plain"}
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    if kind == "multipart":
        files = draw(st.lists(st.sampled_from(fuzz["names"]), max_size=2))
        payloads = [b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b"name\n\x00", b"\xff\xd8\xff\xe0"]
        for name in files:
            payload = draw(st.sampled_from(payloads))
            data.setdefault(name, []).append(
                (
                    io.BytesIO(payload),
                    draw(st.sampled_from(["a.png", "x.xlsx", "\u202efdp.exe", "a\x00.csv"])),
                )
            )
        return method, path, {"data": data, "content_type": "multipart/form-data"}
    return method, path, {"data": data}


@pytest.mark.parametrize("role", list(ROLES))
def test_no_input_fails_and_refusals_change_nothing(fuzz, role):
    """Each example sends one generated request to every route of the URL map."""
    app = fuzz["app"]
    username = ROLES[role]

    @given(st.data())
    def walk(data):
        with app.app_context(), CommittedWrites(db.engine) as writes:
            reset_accounts(fuzz)
            client = app.test_client()
            sign_in(client, username)
            for rule in fuzz["rules"]:
                method, path, kwargs = request_for(data.draw, fuzz, rule)
                writes.take()
                response = client.open(path, method=method, **kwargs)
                status = response.status_code
                response.close()
                assert status < 500, (role, method, path, kwargs)
                changed = writes.take()
                if status >= 400:
                    assert not changed, (role, method, path, kwargs, status, changed)
                if method == "POST":  # it may have signed us out or changed the account
                    reset_accounts(fuzz)
                    client = app.test_client()
                    sign_in(client, username)
            db.session.remove()

    walk()
