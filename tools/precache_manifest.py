"""Write ppkl/static/app/precache-manifest.js: the static assets the service worker precaches,
each with a revision made from its content, fetched through the app exactly as a phone gets them.

Run after changing any file under ppkl/static/ (tests/test_field_app_assets.py fails until you do):
    .venv/bin/python tools/precache_manifest.py
"""

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "ppkl" / "static"
OUTPUT = STATIC / "app" / "precache-manifest.js"
# Loaded by the service worker itself or not part of the pages.
NOT_PRECACHED = {"app/sw.js", "app/precache-manifest.js", "app/manifest.webmanifest", "report.css"}
EXTRA_URLS = ["/bootstrap/static/css/bootstrap.min.css"]
PRECACHED_SUFFIXES = {".js", ".css", ".html", ".png"}


def asset_urls() -> list[str]:
    urls = []
    for path in sorted(STATIC.rglob("*")):
        relative = path.relative_to(STATIC).as_posix()
        if (
            path.is_file()
            and path.suffix in PRECACHED_SUFFIXES
            and relative not in NOT_PRECACHED
            and not relative.startswith("vendor/workbox-")  # imported by the worker, not pages
        ):
            urls.append(f"/static/{relative}")
    return urls + EXTRA_URLS


def manifest_source() -> str:
    sys.path.insert(0, str(ROOT))
    from ppkl import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    client = app.test_client()
    entries = []
    for url in asset_urls():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        revision = hashlib.sha256(response.get_data()).hexdigest()[:16]
        response.close()
        entries.append({"url": url, "revision": revision})
    body = json.dumps(entries, indent=1)
    return (
        "// Made by tools/precache_manifest.py: do not edit by hand.\n"
        f"self.PPKL_PRECACHE = {body};\n"
    )


if __name__ == "__main__":
    OUTPUT.write_text(manifest_source())
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
