"""The rules that keep crafted input from reaching a query unbounded, held for code written
later: every form derives from ppkl.forms.Form, integers from requests go through db_int, dates
and integers in forms use ppkl.forms' bounded fields."""

import ast
from pathlib import Path

import pytest
from flask_wtf import FlaskForm

import ppkl
from ppkl.forms import Form
from ppkl.inputs import DB_INT_MAX, db_int

SOURCES = sorted(Path(ppkl.__file__).parent.rglob("*.py"))


def calls_with_keyword(tree, keyword: str, value: str):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == keyword and isinstance(kw.value, ast.Name) and kw.value.id == value:
                    yield node.lineno


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_request_integers_are_bounded(path):
    tree = ast.parse(path.read_text())
    found = [*calls_with_keyword(tree, "coerce", "int")]
    if "request" in path.read_text() or "args" in path.read_text():
        found += [
            line
            for line in calls_with_keyword(tree, "type", "int")
            if "click" not in path.read_text().splitlines()[line - 1]
        ]
    assert not found, f"{path}: use db_int (ppkl.inputs) on lines {found}"
    if path.name != "forms.py" or path.parent.name == "ppkl":
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("wtforms", "flask_wtf"):
            names = {alias.name for alias in node.names}
            assert not names & {"IntegerField", "DateField", "FlaskForm"}, (
                f"{path}: import these from ppkl.forms"
            )


def all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from all_subclasses(sub)


def test_every_form_of_the_app_reads_only_form_bodies(app):
    forms = [c for c in all_subclasses(FlaskForm) if c.__module__.startswith("ppkl.")]
    assert len(forms) > 10
    assert [c for c in forms if not issubclass(c, Form)] == []


def test_db_int_bounds():
    assert db_int("2147483647") == DB_INT_MAX
    for bad in ("2147483648", "99999999999999999999", "-2147483649", "x", "", True):
        with pytest.raises(ValueError):
            db_int(bad)
