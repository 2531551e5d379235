"""The field app's static side: the precache list matches the files, vendored libraries are
pinned and licensed, and no script is inline."""

import re
from pathlib import Path

from tools.precache_manifest import OUTPUT, STATIC, manifest_source

ROOT = Path(__file__).resolve().parent.parent


def test_precache_manifest_is_current():
    # A changed asset with a stale revision would never reach phones that already have it.
    assert OUTPUT.read_text() == manifest_source(), "run tools/precache_manifest.py"


def test_every_module_the_pages_import_is_precached():
    listed = set(re.findall(r'"url": "([^"]+)"', OUTPUT.read_text()))
    for module in (STATIC / "app").glob("*.js"):
        if module.name in ("sw.js", "precache-manifest.js"):
            continue
        assert f"/static/app/{module.name}" in listed
        for target in re.findall(r'from "(\.[^"]+)"', module.read_text()):
            resolved = (module.parent / target).resolve().relative_to(STATIC)
            assert f"/static/{resolved.as_posix()}" in listed


def test_vendored_libraries_are_pinned_and_licensed():
    readme = (STATIC / "vendor" / "README.md").read_text()
    for folder in (STATIC / "vendor").iterdir():
        if folder.is_dir():
            assert (folder / "LICENSE").is_file()
            name, version = folder.name.rsplit("-", 1)
            assert re.fullmatch(r"\d+\.\d+\.\d+", version)
            assert version in readme
    sw = (STATIC / "app" / "sw.js").read_text()
    assert "/static/vendor/workbox-7.4.1/" in sw
    assert "https://" not in sw


def test_templates_hold_no_inline_script():
    for template in (ROOT / "templates").rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
            assert "src=" in tag, f"{template}: {tag}"
