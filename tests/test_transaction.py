"""One commit point per request: a success or redirect commits, an error status rolls back."""

import ast
from pathlib import Path

import pytest
from flask import abort, redirect
from sqlalchemy import select

from ppkl.access import public
from ppkl.extensions import db
from ppkl.models import Regency
from ppkl.transaction import after_commit
from tests.helpers import first_province_id

PPKL = Path(__file__).resolve().parent.parent / "ppkl"
# Where a transaction boundary of its own is right: the command line, the background report
# worker, the 403 audit row and the demo seeding.
OWN_BOUNDARIES = {"cli.py", "jobs.py", "errors.py", "checks.py"}


@pytest.fixture
def probe_app(extra_app):
    app = extra_app(WTF_CSRF_ENABLED=False)
    ran = []

    def write(name: str, status: int):
        db.session.add(Regency(name=name, province_id=first_province_id()))
        db.session.flush()
        after_commit(lambda: ran.append(name))
        if status == 302:
            return redirect("/")
        if status >= 400:
            abort(status)
        return "written", status

    for status in (200, 302, 400, 403, 409):
        view = public(lambda status=status: write(f"probe-{status}", status))
        app.add_url_rule(f"/_probe/{status}", f"probe_{status}", view, methods=["POST"])
    app.ran = ran
    return app


def stored_names() -> set[str]:
    return set(db.session.scalars(select(Regency.name).where(Regency.name.like("probe-%"))))


@pytest.mark.parametrize("status", [200, 302])
def test_success_commits_once_and_runs_after_commit(probe_app, status):
    response = probe_app.test_client().post(f"/_probe/{status}")
    assert response.status_code == status
    assert stored_names() == {f"probe-{status}"}
    assert probe_app.ran == [f"probe-{status}"]


@pytest.mark.parametrize("status", [400, 403, 409])
def test_an_error_status_rolls_everything_back(probe_app, status):
    response = probe_app.test_client().post(f"/_probe/{status}")
    assert response.status_code == status
    assert stored_names() == set()
    assert probe_app.ran == []


def session_commits(path: Path) -> list[int]:
    """Lines of `<something>.session.commit()` calls in a module."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute)
        and node.attr == "commit"
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "session"
    ]


def test_views_and_services_never_commit():
    offenders = {
        str(path.relative_to(PPKL)): lines
        for path in PPKL.rglob("*.py")
        if path.name not in OWN_BOUNDARIES | {"transaction.py"} and "demo" not in path.parts
        if (lines := session_commits(path))
    }
    assert offenders == {}
