"""Audit actions: one style of code, a label beside each, and no code recorded without one."""

import ast
import importlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale
from sqlalchemy import text

from ppkl import audit
from ppkl.audit import AuditAction, defined_actions
from ppkl.audit.events import CODE
from ppkl.extensions import db
from tests.helpers import make_app

PACKAGE = Path(__file__).resolve().parent.parent / "ppkl"
MIGRATION = PACKAGE.parent / "migrations" / "versions" / "audit_01_action_codes.py"


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        yield name.removesuffix(".__init__"), ast.parse(path.read_text(), str(path))


def calls_to(tree, name):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called == name:
                yield node


def is_action(value) -> bool:
    if isinstance(value, dict):
        return bool(value) and all(isinstance(v, AuditAction) for v in value.values())
    return isinstance(value, AuditAction)


def functions_around(tree):
    """Each call node's innermost enclosing function (None at module level)."""
    owner = {}

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef) else function
            owner[child] = function
            visit(child, inner)

    visit(tree, None)
    return owner


def names_an_action(node, module, function) -> bool:
    """An AuditAction constant of the module, an entry of a module dict of them, a choice
    between such, or a local name only ever assigned such: never a string."""
    if isinstance(node, ast.Name):
        if isinstance(getattr(module, node.id, None), AuditAction):
            return True
        assigned = [
            a.value
            for a in ast.walk(function or ast.Module(body=[], type_ignores=[]))
            if isinstance(a, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == node.id for t in a.targets)
        ]
        return bool(assigned) and all(names_an_action(v, module, function) for v in assigned)
    if isinstance(node, ast.Subscript):
        return (
            isinstance(node.value, ast.Name)
            and isinstance(getattr(module, node.value.id, None), dict)
            and is_action(getattr(module, node.value.id))
        )
    if isinstance(node, ast.IfExp):
        return names_an_action(node.body, module, function) and names_an_action(
            node.orelse, module, function
        )
    return False


def test_every_recorded_or_stored_action_is_a_defined_audit_action(app):
    """What `audit.record` and the cooperative's last change (`mark_changed`) are given comes
    from AuditAction constants: no string or f-string that could carry an unlabelled code."""
    checked = 0
    for name, tree in modules():
        if name in ("ppkl.audit.events", "ppkl.cooperatives.changes"):
            continue
        module = importlib.import_module(name)
        owner = functions_around(tree)
        calls = [
            (call, call.args[0])
            for call in calls_to(tree, "record")
            if isinstance(call.func, ast.Attribute)
            and getattr(call.func.value, "id", "") == "audit"
        ]
        for called in ("mark_changed", "mark_many_changed"):
            calls += [(call, call.args[2]) for call in calls_to(tree, called)]
        for call, arg in calls:
            assert names_an_action(arg, module, owner[call]), f"{name}:{call.lineno}"
            checked += 1
    assert checked >= 30


APP_ACTIONS = """
from ppkl import create_app
from ppkl.audit import defined_actions
create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
print(json.dumps([action.code for action in defined_actions()]))
"""


def test_the_audit_page_knows_every_action_defined_in_the_code():
    """In a fresh process, so the app's own imports (not the test run's) define the actions."""
    written = set()
    for _, tree in modules():
        for call in calls_to(tree, "AuditAction"):
            if call.args and isinstance(call.args[0], ast.Constant):
                written.add(call.args[0].value)
    assert len(written) == 43
    run = subprocess.run(
        [sys.executable, "-c", "import json" + APP_ACTIONS],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert set(json.loads(run.stdout.splitlines()[-1])) == written


def test_codes_have_one_shape_and_every_label_is_in_indonesian(app):
    with (PACKAGE / "translations/id/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    for action in defined_actions():
        assert CODE.fullmatch(action.code)
        msgid = action.label._args[0]
        message = catalog.get(msgid)
        assert message is not None and message.string and not message.fuzzy, msgid
        with force_locale("id"):
            assert str(action.label) == message.string


def test_record_refuses_a_plain_code(app):
    with pytest.raises(TypeError):
        audit.record("visit_logged")


def test_a_code_is_defined_once_and_in_the_one_shape():
    with pytest.raises(ValueError, match="twice"):
        AuditAction("visit.logged", "again")
    with pytest.raises(ValueError, match="entity"):
        AuditAction("visit_logged", "old style")


def test_the_filter_offers_each_action_with_its_label(client, make_user, auth):
    make_user("root", role="admin")
    auth.login(client, "root")
    html = client.get("/admin/audit/").get_data(as_text=True)
    for code, label in [
        ("visit.logged", "Kunjungan dicatat"),
        ("cooperatives.imported", "Koperasi diimpor"),
        ("report_batch.downloaded", "Hasil pencetakan laporan diunduh"),
        ("access.denied", "Akses ditolak (403)"),
    ]:
        assert f'<option value="{code}">{label}</option>' in html


def load_migration():
    spec = importlib.util.spec_from_file_location("audit_01", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_renames_to_defined_codes_only(app):
    renamed = load_migration().RENAMED
    defined = {action.code for action in defined_actions()}
    assert set(renamed.values()) <= defined
    assert not set(renamed) & defined
    # The actions it leaves alone already had the new shape, or came after it.
    assert defined - set(renamed.values()) == {
        "certificate.kept",
        "province.saved",
        "api_token.created",
        "api_token.revoked",
        "cooperative.deactivated",
        "cooperative.location_recorded",
        "cooperative.reactivated",
        "progress.exported",
        "rat.recorded",
        "rat.updated",
        "target.set",
        "target.removed",
        "ods.reconciled",
        "ods.applied",
        "ods.exported",
    }


def test_the_migration_renames_stored_rows_both_ways(databases):
    """Audit rows and each cooperative's last change, old codes to new and back."""
    from flask_migrate import downgrade, upgrade

    renamed = load_migration().RENAMED
    old = [*renamed, "rat.recorded", "something_else"]
    new = [*renamed.values(), "rat.recorded", "something_else"]
    app = make_app(databases.new("audit_codes"))
    with app.app_context():
        upgrade(revision="stale_01")
        db.session.execute(text("INSERT INTO regency (id, name) VALUES (1, 'Bulungan')"))
        for n, code in enumerate(old):
            values = {"at": "2019-06-10 02:00:00", "code": code, "name": f"KSP {n}"}
            db.session.execute(
                text("INSERT INTO audit_event (created_at, action) VALUES (:at, :code)"), values
            )
            db.session.execute(
                text(
                    "INSERT INTO cooperative (name, regency_id, active, stage, version,"
                    " created_at, updated_at, last_change)"
                    " VALUES (:name, 1, true, 'not_started', 1, :at, :at, :code)"
                ),
                values,
            )
        db.session.commit()

        def stored():
            codes = [
                list(db.session.scalars(text(f"SELECT {column} FROM {table} ORDER BY id")))
                for table, column in (("audit_event", "action"), ("cooperative", "last_change"))
            ]
            db.session.commit()
            return codes

        upgrade(revision="audit_01")
        assert stored() == [new, new]
        downgrade(revision="stale_01")
        assert stored() == [old, old]
        db.session.remove()
        db.engine.dispose()
