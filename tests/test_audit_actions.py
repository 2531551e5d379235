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


def test_every_recorded_action_is_a_defined_audit_action(app):
    """The argument is built from the module's AuditAction constants (or a dict of them), other
    names only choosing among them: no string or f-string that could carry an unlabelled code."""
    checked = 0
    for name, tree in modules():
        if name == "ppkl.audit.events":
            continue
        for call in calls_to(tree, "record"):
            if not (isinstance(call.func, ast.Attribute) and call.func.value.id == "audit"):
                continue
            where = f"{name}:{call.lineno}"
            arg = call.args[0]
            assert not any(
                isinstance(n, ast.JoinedStr | ast.Constant) and isinstance(n.value, str)
                for n in ast.walk(arg)
            ), f"{where} records a code written as a string"
            names = [n.id for n in ast.walk(arg) if isinstance(n, ast.Name)]
            module = importlib.import_module(name)
            constants = [n for n in names if is_action(getattr(module, n, None))]
            assert constants, f"{where} records something that is not an AuditAction constant"
            checked += 1
    assert checked >= 25


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
    assert len(written) == 33
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
    # The actions it leaves alone already had the new shape.
    assert defined - set(renamed.values()) == {
        "cooperative.deactivated",
        "cooperative.reactivated",
        "rat.recorded",
        "rat.updated",
        "target.set",
    }


def test_the_migration_renames_stored_rows_both_ways(databases):
    from flask_migrate import downgrade, upgrade

    renamed = load_migration().RENAMED
    old = [*renamed, "rat.recorded", "something_else"]
    app = make_app(databases.new("audit_codes"))
    with app.app_context():
        upgrade(revision="reports_01")
        for code in old:
            db.session.execute(
                text("INSERT INTO audit_event (created_at, action) VALUES (:at, :code)"),
                {"at": "2019-06-10 02:00:00", "code": code},
            )
        db.session.commit()

        def stored():
            rows = db.session.execute(text("SELECT action FROM audit_event ORDER BY id"))
            codes = list(rows.scalars())
            db.session.commit()
            return codes

        upgrade(revision="audit_01")
        assert stored() == [*renamed.values(), "rat.recorded", "something_else"]
        downgrade(revision="reports_01")
        assert stored() == old
        db.session.remove()
        db.engine.dispose()
