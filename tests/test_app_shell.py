"""What every signed-in page carries for the field app: who the user is, the CSRF token for the
API, the manifest, the bottom bar and the send-queue badge."""

import json
import re
from html import unescape

from tests.conftest import login


def test_signed_in_page_names_the_user_and_carries_the_api_token(client, make_user):
    officer = make_user("ppkl07", role="ppkl")
    login(client, "ppkl07")
    html = client.get("/tasks/").get_data(as_text=True)
    assert f'data-user-id="{officer.id}"' in html
    assert 'data-user-role="ppkl"' in html
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', html)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'id="bottom-nav"' in html
    assert "data-sync-pending" in html
    strings = re.search(r"<div id=\"app-strings\" hidden data-strings='([^']*)'>", html)
    assert json.loads(unescape(strings.group(1)))["waiting"] == "Menunggu"


def test_signed_out_page_carries_nothing_personal(client):
    html = client.get("/login").get_data(as_text=True)
    assert "data-user-id" not in html
    assert "csrf-token" not in html
    assert "bottom-nav" not in html
    assert "data-sync-pending" not in html


def test_manifest_declares_an_installable_app():
    from pathlib import Path

    from PIL import Image

    static = Path(__file__).resolve().parent.parent / "ppkl" / "static"
    manifest = json.loads((static / "app" / "manifest.webmanifest").read_text())
    assert manifest["start_url"] == "/tasks/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"]
    sizes = set()
    for icon in manifest["icons"]:
        with Image.open(static / icon["src"].removeprefix("/static/")) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
            assert image.format == "PNG"
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
