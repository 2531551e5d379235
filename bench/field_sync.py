"""What the field app sends, and how long a queue takes over a slow link (prints figures).

    .venv/bin/python bench/field_sync.py [--visits 20] [--photos-per-visit 1]

Serves a small database of its own (SQLite in a temporary folder) on a loopback port and drives
Debian's /usr/bin/chromium as a 360x780 phone (Playwright):
1. Bytes of request bodies to log one visit with three 12-megapixel photos (4000x3000 JPEGs made
   here, a few MB each like a phone camera's): the plain form without JavaScript (photos as they
   are) versus the field app (photos resized on the phone, then the API).
2. The time to sync N visits queued offline, each with photos, once the link returns, with
   Chromium's network emulation at 400 kbps down, 150 kbps up and 400 ms latency (CDP
   Network.emulateNetworkConditions).
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM, LAUNCH_ARGS, PHONE, LiveServer, sign_in  # noqa: E402
from tests.browser.field import (  # noqa: E402
    COOPS,
    log_visit,
    make_camera_photo,
    open_phone,
    open_tasks_online,
    pending,
    record_request_bodies,
    server_rows,
    wait_until,
)
from tests.conftest import TEST_PASSWORD, make_app, migrate_to_head  # noqa: E402

SLOW_LINK = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 150_000 / 8,
}


def posted(bodies, since: int, part: str = "") -> tuple[int, int]:
    """Body bytes and number of the POSTs the server received since index `since`."""
    posts = [size for method, path, size in bodies[since:] if method == "POST" and part in path]
    return sum(posts), len(posts)


def plain_form_bytes(playwright, base, bodies, coop_id, photos) -> int:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    context = browser.new_context(viewport=PHONE, locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    sign_in(page, base, "ppkl01", TEST_PASSWORD)
    page.goto(f"{base}/visits/new?cooperative={coop_id}")
    page.get_by_label("Pembinaan").check()
    page.set_input_files("#photos", [str(p) for p in photos])
    since = len(bodies)
    page.get_by_role("button", name="Simpan kunjungan").click()
    page.wait_for_url("**/visits/?saved=*")
    browser.close()
    return posted(bodies, since, "/visits/new")[0]


def field_app_bytes(page, base, bodies, coop_id, photos) -> tuple[int, int]:
    since = len(bodies)
    log_visit(page, base, coop_id, "Pembinaan", "Tiga foto", photos)
    wait_until(page, "document.querySelector('[data-sync-pending]').textContent === '0'", 60)
    return posted(bodies, since, "/api/v1/")


def queued_sync_seconds(page, context, base, bodies, coops, visits, photos) -> tuple[float, int]:
    context.set_offline(True)
    for n in range(visits):
        coop_id = coops[COOPS[n % len(COOPS)]]
        log_visit(page, base, coop_id, "Monitoring", f"Antrean {n + 1}", photos)
    page.goto(f"{base}/tasks/")
    wait_until(page, f"document.querySelector('[data-sync-pending]').textContent === '{visits}'")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_LINK)
    since = len(bodies)
    context.set_offline(False)
    started = time.monotonic()
    while pending(page) != "0":
        time.sleep(0.5)
        if time.monotonic() - started > 1800:
            raise SystemExit("not synced within 30 minutes")
    took = time.monotonic() - started
    return took, posted(bodies, since, "/api/v1/")[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=20)
    parser.add_argument("--photos-per-visit", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        camera = [make_camera_photo(folder / f"IMG_000{n}.jpg") for n in (1, 2, 3)]
        app = make_app(f"sqlite:///{folder / 'bench.sqlite'}", VISIT_PHOTO_DIR=str(folder))
        migrate_to_head(app)
        from tests.browser.field import seed_field

        coops = seed_field(app)
        bodies = record_request_bodies(app)
        with LiveServer(app) as server, sync_playwright() as playwright:
            base = server.url
            sizes = ", ".join(f"{p.stat().st_size / 1e6:.1f} MB" for p in camera)
            print(f"three 4000x3000 camera JPEGs: {sizes}")
            plain = plain_form_bytes(playwright, base, bodies, coops[COOPS[0]], camera)
            print(f"plain form (no JavaScript), one visit + 3 photos: {plain / 1e6:.2f} MB sent")
            context, page = open_phone(playwright, folder / "profile")
            open_tasks_online(page, base)
            app_bytes, requests = field_app_bytes(page, base, bodies, coops[COOPS[1]], camera)
            print(
                f"field app, one visit + 3 photos: {app_bytes / 1e6:.2f} MB sent "
                f"in {requests} API requests ({plain / app_bytes:.1f}x less)"
            )
            photos = camera[: args.photos_per_visit]
            took, sent = queued_sync_seconds(
                page, context, base, bodies, coops, args.visits, photos
            )
            rows = server_rows(app)
            print(
                f"{args.visits} queued visits x {len(photos)} photo(s), 400/150 kbps, 400 ms: "
                f"synced in {took:.0f} s, {sent / 1e6:.2f} MB sent; "
                f"server holds {len(rows['visits'])} visits, {len(rows['photos'])} photos"
            )
            context.close()


if __name__ == "__main__":
    main()
