"""Import rules that import-linter cannot express (its contracts run in make lint).

- ppkl modules import ppkl at module top, never inside a function: an import hidden in a
  function dodges a cycle instead of removing it. The exceptions: the app factory's own module
  (ppkl/__init__.py imports the app's modules only when an app is made, so that importing any
  ppkl module stays light) and the `register` function of a cli module (CLI registration).
- Importing an area package runs no views: no blueprint, no Flask app, no view module.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ppkl"
NOT_AREAS = {"models"}  # a package of model modules, not an area
AREAS = sorted(
    p.parent.name for p in PACKAGE.glob("*/__init__.py") if p.parent.name not in NOT_AREAS
)


def imports_ppkl(node: ast.AST) -> bool:
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] == "ppkl" for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] == "ppkl"
    return False


def function_level_imports(source: str, module: str) -> list[str]:
    """`line: function: statement` for each ppkl import inside a function body of `module`
    (a dotted name), the allowed ones left out."""
    if module == "ppkl":
        return []
    found = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if function is not None and imports_ppkl(child):
                found.append(f"{child.lineno}: {function}(): {ast.unparse(child)}")
            inner = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = function or child.name
            if inner == "register" and module.split(".")[-1] == "cli":
                continue
            visit(child, inner)

    visit(ast.parse(source), None)
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_ppkl_import_inside_a_function():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        found += [f"{module}:{line}" for line in function_level_imports(path.read_text(), module)]
    assert found == [], "ppkl imports inside functions:\n" + "\n".join(found)


def test_the_check_finds_imports_in_functions_methods_and_nested_blocks():
    source = """
from ppkl.clock import utcnow
import ppkl.models


def view():
    from ppkl.models import User
    import json


class Form:
    def validate(self):
        if True:
            import ppkl.workflow as w
            from . import sibling


def register(app):
    from ppkl.reports import cli
"""
    found = function_level_imports(source, "ppkl.area.views")
    assert found == [
        "7: view(): from ppkl.models import User",
        "14: validate(): import ppkl.workflow as w",
        "15: validate(): from . import sibling",
        "19: register(): from ppkl.reports import cli",
    ]
    assert function_level_imports(source, "ppkl.area.cli") == found[:3]
    assert function_level_imports(source, "ppkl") == []


# Run in a fresh interpreter: which modules and objects importing one area package creates,
# beyond those `import ppkl` itself creates.
SIDE_EFFECTS = """
import gc, importlib, sys
import flask, ppkl
from flask.sansio.blueprints import Blueprint

def count(kind):
    return sum(isinstance(o, kind) for o in gc.get_objects())

before = set(sys.modules), count(Blueprint), count(flask.Flask)
importlib.import_module("ppkl." + sys.argv[1])
modules = sorted(set(sys.modules) - before[0])
print("blueprints", count(Blueprint) - before[1])
print("apps", count(flask.Flask) - before[2])
for name in modules:
    print("module", name)
"""


def area_import_effects(area: str) -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", SIDE_EFFECTS, area],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    )
    effects: dict[str, list[str]] = {}
    for line in result.stdout.splitlines():
        key, value = line.split(" ", 1)
        effects.setdefault(key, []).append(value)
    return effects


def test_every_area_is_checked():
    assert len(AREAS) >= 16
    assert {"certification", "transfer", "visits", "audit"} <= set(AREAS)


@pytest.mark.parametrize("area", AREAS)
def test_importing_an_area_runs_no_views(area):
    effects = area_import_effects(area)
    assert effects["blueprints"] == ["0"]
    assert effects["apps"] == ["0"]
    view_modules = [
        m
        for m in effects.get("module", [])
        if m.startswith("ppkl.") and m.rsplit(".", 1)[-1] in {"blueprint", "views", "forms"}
    ]
    assert view_modules == []


def test_the_probe_sees_a_blueprint_module_and_its_views():
    effects = area_import_effects("visits.blueprint")
    assert int(effects["blueprints"][0]) >= 1
    assert "ppkl.visits.views" in effects["module"]
