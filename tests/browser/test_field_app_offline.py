"""The field app in real Chromium on a 360x780 phone with a persistent profile: an officer works
with no signal, closes the browser, and everything reaches the server exactly once when the
signal returns; a cut upload completes without duplicates; a refused move shows both versions;
a second user on the same phone sees nothing of the first."""

import time
from datetime import date

import pytest

from tests.browser.conftest import LiveServer, has_horizontal_overflow, sign_in
from tests.browser.field import (
    COOPS,
    PATIENCE,
    POSITION,
    add_cooperative,
    end_assignments,
    log_visit,
    make_camera_photo,
    open_phone,
    open_tasks_online,
    pending,
    record_request_bodies,
    seed_field,
    server_down,
    server_rows,
    touch_cooperative,
    wait_for,
    wait_until,
)
from tests.conftest import TEST_PASSWORD, make_app, migrate_to_head


@pytest.fixture(scope="module")
def field(databases, tmp_path_factory):
    from ppkl.extensions import db

    photos = tmp_path_factory.mktemp("photos")
    app = make_app(databases.new("field_app_offline"), VISIT_PHOTO_DIR=str(photos))
    migrate_to_head(app)
    ids = seed_field(app)
    with LiveServer(app) as server:
        yield {"app": app, "url": server.url, "coops": ids}
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def big_photo(tmp_path_factory):
    path = make_camera_photo(tmp_path_factory.mktemp("camera") / "IMG_0001.jpg")
    assert path.stat().st_size > 2_000_000
    return path


def test_officer_works_offline_and_everything_arrives_exactly_once(
    playwright, field, big_photo, tmp_path
):
    base, app, coops = field["url"], field["app"], field["coops"]
    profile = tmp_path / "profile"
    year = date.today().year
    # Online once: Tugas saya, and the pages it leads to are kept on the phone.
    context, page = open_phone(playwright, profile)
    open_tasks_online(page, base)
    # No signal from here on.
    context.set_offline(True)
    page.goto(f"{base}/tasks/")
    assert "terakhir diperbarui" in page.locator("#cached-at").inner_text()
    assert not has_horizontal_overflow(page)
    page.locator("#tasks a", has_text=COOPS[0]).first.click()
    page.wait_for_url(f"**/cooperatives/{coops[COOPS[0]]}")
    assert "terakhir diperbarui" in page.locator("#cached-at").inner_text()

    log_visit(page, base, coops[COOPS[0]], "Pembinaan", "Dua foto", [big_photo, big_photo])
    assert "menunggu dikirim" in page.locator("#visit-saved").inner_text()
    assert pending(page) == "1"
    rat = {
        "fiscal_year": year - 1,
        "held_on": f"{year}-03-14",
        "members_present": 31,
        "members_total": 40,
    }
    log_visit(page, base, coops[COOPS[1]], "Pendampingan RAT", "RAT dihadiri", rat=rat)
    log_visit(page, base, coops[COOPS[2]], "Monitoring", "Tanpa foto")
    assert pending(page) == "3"
    page.screenshot(path="/tmp/ppkl-field-offline-saved.png")
    context.close()

    # The browser is closed and opened again, still without signal: three are waiting.
    context, page = open_phone(playwright, profile, offline=True)
    page.goto(f"{base}/tasks/")
    wait_until(page, "document.querySelector('[data-sync-pending]').textContent === '3'")
    page.locator("#sync-badge").click()
    assert page.locator("#sync-list [data-state=waiting]").count() == 3
    assert "Menunggu" in page.locator("#sync-list").inner_text()
    page.screenshot(path="/tmp/ppkl-field-queue.png")
    page.locator("#sync-panel [data-close]").click()
    assert server_rows(app)["visits"] == []

    # Signal returns: with no reload, everything reaches the server, once.
    bodies = record_request_bodies(app)
    context.set_offline(False)
    started = time.monotonic()
    while time.monotonic() - started < PATIENCE:
        rows = server_rows(app)
        if len(rows["visits"]) == 3 and len(rows["photos"]) == 2 and pending(page) == "0":
            break
        time.sleep(0.3)
    took = time.monotonic() - started
    assert took < PATIENCE, rows
    assert rows["distinct_uuids"] == 3
    assert sorted(v[1] for v in rows["visits"]) == ["Dua foto", "RAT dihadiri", "Tanpa foto"]
    for visit in rows["visits"]:
        assert visit[3] == pytest.approx(POSITION["latitude"])
        assert visit[4] == pytest.approx(POSITION["longitude"])
        assert visit[5] is not None
    assert rows["stages"][COOPS[1]] == "rat_held"
    sizes = [size for method, path, size in bodies if path.endswith("/photos")]
    assert len(sizes) == 2 and all(100_000 < size < 600_000 for size in sizes), sizes
    assert all(size < 600_000 for _, size, _ in rows["photos"])
    wait_until(page, "document.querySelector('[data-sync-pending]').textContent === '0'")

    # The connection breaks after the server took the first photo but before the phone
    # heard back: the next try completes the visit, nothing twice.
    cut = {"done": False}

    def cut_once(route):
        if cut["done"]:
            route.continue_()
            return
        cut["done"] = True
        route.fetch()  # the server stores it ...
        route.abort("internetdisconnected")  # ... and the answer never arrives

    context.route("**/api/v1/visits/*/photos", cut_once)
    log_visit(page, base, coops[COOPS[2]], "Monitoring", "Putus di tengah", [big_photo, big_photo])
    # The badge reads 0 before the page has counted its queue: wait for the photos instead.
    wait_for(page, lambda: len(server_rows(app)["photos"]) >= 4)
    wait_until(page, "document.querySelector('[data-sync-pending]').textContent === '0'")
    assert cut["done"]
    rows = server_rows(app)
    cut_visit = [v for v in rows["visits"] if v[1] == "Putus di tengah"]
    assert len(cut_visit) == 1
    assert len(rows["photos"]) == 4
    assert len({p[2] for p in rows["photos"]}) == 4
    context.unroute("**/api/v1/visits/*/photos")

    # A move recorded offline against a cooperative that changed meanwhile: refused with
    # both versions shown, kept until the officer decides.
    context.set_offline(True)
    log_visit(page, base, coops[COOPS[3]], "Pendampingan RAT", "RAT lain", rat=rat)
    touch_cooperative(app, coops[COOPS[3]])
    context.set_offline(False)
    wait_until(page, "document.querySelector('#sync-list [data-state=refused]') !== null")
    page.locator("#sync-badge").click()
    refused = page.locator("#sync-list [data-state=refused]")
    text = refused.inner_text()
    assert "Versi Anda: 1" in text
    assert "Di server: Belum mulai, versi 2" in text
    assert pending(page) == "1"
    page.screenshot(path="/tmp/ppkl-field-conflict.png")
    # The officer has seen both and sends it again against the server's version.
    refused.get_by_role("button", name="Kirim ulang").click()
    wait_until(page, "document.querySelector('[data-sync-pending]').textContent === '0'")
    assert server_rows(app)["stages"][COOPS[3]] == "rat_held"

    # Discarding asks first (accepted here) and removes the item from the phone.
    context.set_offline(True)
    log_visit(page, base, coops[COOPS[0]], "Pembinaan", "Dibuang")
    page.locator("#sync-badge").click()
    page.locator("#sync-list [data-state=waiting]").get_by_role("button", name="Buang").click()
    wait_until(page, "document.querySelector('[data-sync-pending]').textContent === '0'")
    assert "Dibuang" not in str(server_rows(app)["visits"])
    page.locator("#sync-panel [data-close]").click()
    context.set_offline(False)

    # The server cannot take visits right now: the item waits, and signing out warns.
    context.route("**/api/v1/visits", server_down)
    log_visit(page, base, coops[COOPS[0]], "Pembinaan", "Setelah masuk lagi")
    time.sleep(1)
    assert pending(page) == "1"
    warned = []
    page.on("dialog", lambda dialog: warned.append(dialog.message))
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url("**/login")
    assert warned and "belum terkirim" in warned[0]
    assert not [n for n in page.evaluate("caches.keys()") if n.startswith("ppkl-pages-")]
    context.unroute("**/api/v1/visits")

    # Another officer on the same phone: nothing of the first one, online or offline.
    sign_in(page, base, "ppkl02", TEST_PASSWORD)
    page.wait_for_url("**/tasks/")
    wait_until(page, "document.querySelector('#sync-badge').hidden === false")
    assert pending(page) == "0"
    page.locator("#sync-badge").click()
    assert page.locator("#sync-list [data-item-id]").count() == 0
    page.locator("#sync-panel [data-close]").click()
    own = "ppkl-pages-" + page.evaluate("document.body.dataset.userId")
    kept = [n for n in page.evaluate("caches.keys()") if n.startswith("ppkl-pages-")]
    assert set(kept) <= {own}
    time.sleep(2)
    assert "Setelah masuk lagi" not in str(server_rows(app)["visits"])
    context.set_offline(True)
    page.goto(f"{base}/cooperatives/{coops[COOPS[0]]}")
    assert COOPS[0] not in page.content()
    context.set_offline(False)

    # The first officer signs in again: what waited for them is sent, once.
    page.goto(f"{base}/tasks/")
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url("**/login")
    sign_in(page, base, "ppkl01", TEST_PASSWORD)
    page.wait_for_url("**/tasks/")
    started = time.monotonic()
    while time.monotonic() - started < PATIENCE:
        notes = [v[1] for v in server_rows(app)["visits"]]
        if "Setelah masuk lagi" in notes:
            break
        time.sleep(0.3)
    time.sleep(1)  # a second send would land now
    notes = [v[1] for v in server_rows(app)["visits"]]
    assert notes.count("Setelah masuk lagi") == 1
    wait_until(page, "document.querySelector('[data-sync-pending]').textContent === '0'")
    # Closing while the worker still fetches pages would leave server requests running.
    wait_until(page, "document.body.dataset.warmed === 'true'", 60)
    context.close()


def test_a_new_deployment_keeps_cached_pages_and_the_queue(playwright, field, tmp_path):
    """A new service worker takes over at once; what it finds cached and queued still works."""
    import shutil

    base, app, coops = field["url"], field["app"], field["coops"]
    context, page = open_phone(playwright, tmp_path / "profile")
    open_tasks_online(page, base)
    # The server is down for visits: the item stays queued across the update.
    context.route("**/api/v1/visits", server_down)
    log_visit(page, base, coops[COOPS[1]], "Pembinaan", "Sebelum pembaruan")
    assert pending(page) == "1"

    shell = tmp_path / "deployment-2"
    shutil.copytree(app.static_folder + "/app", shell)
    with (shell / "sw.js").open("a") as worker:
        worker.write("\n// deployment 2\n")
    app.config["APP_SHELL_DIR"] = str(shell)
    try:
        page.evaluate(
            "window.swChanged = false;"
            "navigator.serviceWorker.addEventListener('controllerchange',"
            " () => { window.swChanged = true; });"
            "navigator.serviceWorker.getRegistration().then(r => r.update())"
        )
        wait_until(page, "window.swChanged === true")
    finally:
        app.config["APP_SHELL_DIR"] = None

    context.set_offline(True)
    page.goto(f"{base}/cooperatives/{coops[COOPS[2]]}")
    assert COOPS[2] in page.locator("h1").inner_text()
    assert page.locator("#cached-at").is_visible()
    wait_until(page, "document.querySelector('[data-sync-pending]').textContent === '1'")
    context.unroute("**/api/v1/visits")
    context.set_offline(False)
    started = time.monotonic()
    while time.monotonic() - started < PATIENCE:
        if "Sebelum pembaruan" in str(server_rows(app)["visits"]):
            break
        time.sleep(0.3)
    assert [v[1] for v in server_rows(app)["visits"]].count("Sebelum pembaruan") == 1
    context.close()


def test_refusals_stay_listed_with_their_reason(playwright, field, tmp_path):
    """A 403 (reassigned meanwhile) and a 400 (a server rule) are shown, not dropped."""
    from datetime import timedelta

    from ppkl.clock import office_today

    base, app, coops = field["url"], field["app"], field["coops"]
    reassigned = add_cooperative(app, "Koperasi Enggang")
    context, page = open_phone(playwright, tmp_path / "profile")
    open_tasks_online(page, base)
    context.set_offline(True)
    log_visit(page, base, reassigned, "Pembinaan", "Dipindahtugaskan")
    # The phone's clock runs a day ahead: the server's rule refuses a visit in the future.
    tomorrow = office_today() + timedelta(days=1)
    log_visit(page, base, coops[COOPS[0]], "Pembinaan", "Besok", visited_on=tomorrow)
    end_assignments(app, reassigned)
    context.set_offline(False)
    wait_until(page, "document.querySelectorAll('#sync-list [data-state=refused]').length === 2")
    page.locator("#sync-badge").click()
    text = page.locator("#sync-list").inner_text()
    assert "Koperasi ini tidak lagi ditugaskan kepada Anda." in text
    assert "Tanggal kunjungan: Tanggal kunjungan tidak boleh di masa depan." in text
    assert pending(page) == "2"
    page.screenshot(path="/tmp/ppkl-field-refused.png")
    notes = [v[1] for v in server_rows(app)["visits"]]
    assert "Dipindahtugaskan" not in notes and "Besok" not in notes
    context.close()
