"""The certificate move in the field app, in real Chromium on a 360x780 phone: offline, the
officer logs a visit with the move to certified, types the NIK and takes the certificate's photo;
both wait on the phone; when the signal returns the server reads the code, finds the same NIK and
records the move once, with the photo as its evidence. A NIK that differs from the code is
refused, stays on the phone with both NIKs side by side, and is corrected there. With every ppkl
page closed, Background Sync sends what the page handed to the service worker."""

import time
from datetime import date, timedelta

import pytest

from tests.browser.conftest import LiveServer, has_horizontal_overflow
from tests.browser.field import (
    COOPS,
    PATIENCE,
    open_phone,
    open_tasks_online,
    pending,
    record_request_bodies,
    seed_field,
    wait_for,
    wait_until,
)
from tests.certificate_images import NIK, OTHER_NIK, certificate, code128, qr_code
from tests.conftest import make_app, migrate_to_head

ISSUED = (date.today() - timedelta(days=2)).isoformat()


@pytest.fixture(scope="module")
def field(databases, tmp_path_factory):
    from ppkl.extensions import db
    from ppkl.models import Cooperative

    folder = tmp_path_factory.mktemp("certificates")
    app = make_app(
        databases.new("field_certificate"),
        VISIT_PHOTO_DIR=str(folder / "photos"),
        CERTIFICATE_DIR=str(folder / "certs"),
    )
    migrate_to_head(app)
    ids = seed_field(app)
    with app.app_context():
        for name in COOPS:
            db.session.get(Cooperative, ids[name]).stage = "ods_entered"
        db.session.commit()
        db.session.remove()
    with LiveServer(app) as server:
        yield {"app": app, "url": server.url, "coops": ids, "dir": folder / "certs"}
    with app.app_context():
        db.engine.dispose()


def certified_rows(app) -> dict:
    from sqlalchemy import select

    from ppkl.extensions import db
    from ppkl.models import CertificateDocument, ClientMove, Cooperative, CooperativeHistory

    with app.app_context():
        rows = {
            "coops": dict(db.session.execute(select(Cooperative.name, Cooperative.nik)).all()),
            "moves": db.session.scalars(
                select(CooperativeHistory.cooperative_id).where(
                    CooperativeHistory.to_stage == "certified"
                )
            ).all(),
            "documents": db.session.execute(
                select(CertificateDocument.cooperative_id, CertificateDocument.nik_read)
            ).all(),
            "client_moves": db.session.scalars(select(ClientMove.client_uuid)).all(),
        }
        db.session.remove()
        return rows


def log_certified_visit(page, base, coop_id, nik, photo):
    page.goto(f"{base}/cooperatives/{coop_id}")
    page.get_by_role("link", name="Catat kunjungan").first.click()
    page.wait_for_url(f"**/visits/new?cooperative={coop_id}*")
    page.get_by_label("Verifikasi data").check()
    page.locator("#notes").fill("Sertifikat diterima koperasi")
    page.locator("#record_move").check()
    page.locator("#move-nik").fill(nik)
    page.locator("#move-issued_on").fill(ISSUED)
    page.set_input_files("#move-certificate", str(photo))
    page.get_by_role("button", name="Simpan kunjungan").click()
    page.locator("#visit-saved.alert-success").wait_for()


def test_a_certified_move_with_its_photo_waits_offline_and_is_recorded_once(
    playwright, field, tmp_path
):
    base, app, coops = field["url"], field["app"], field["coops"]
    good = tmp_path / "sertifikat.jpg"
    good.write_bytes(certificate(qr_code(f"https://nik.example.go.id/cek?nik={NIK}"), scale=1))
    other = tmp_path / "sertifikat-2.jpg"
    other.write_bytes(certificate(code128(OTHER_NIK), rotate=-2, scale=1))
    context, page = open_phone(playwright, tmp_path / "profile")
    open_tasks_online(page, base)

    # With signal, the server reads the code as soon as the photo is taken: the NIK typed wrong
    # is replaced by the code's, both said. Nothing is saved here.
    coop = coops[COOPS[3]]
    page.goto(f"{base}/visits/new?cooperative={coop}")
    page.locator("#record_move").check()
    page.locator("#move-nik").fill(OTHER_NIK)
    page.set_input_files("#move-certificate", str(good))
    page.locator("#certificate-reading:not([hidden])").wait_for()
    reading = page.locator("#certificate-reading").inner_text()
    assert f"NIK dibaca dari kode: {NIK}" in reading and OTHER_NIK in reading
    assert page.locator("#move-nik").input_value() == NIK
    page.screenshot(path="/tmp/ppkl-field-certificate-prefill.png", full_page=True)
    # Required evidence is said on the phone, before anything is queued.
    page.locator("#move-nik").fill("")
    page.get_by_label("Verifikasi data").check()
    page.get_by_role("button", name="Simpan kunjungan").click()
    assert "NIK dari sertifikat" in page.locator("#move-nik + .js-error").inner_text()
    assert pending(page) == "0"

    # No signal: two certificate moves, the second with a NIK mistyped against its code.
    context.set_offline(True)
    log_certified_visit(page, base, coops[COOPS[0]], NIK, good)
    page.screenshot(path="/tmp/ppkl-field-certificate-form.png", full_page=True)
    assert not has_horizontal_overflow(page)
    typo = OTHER_NIK[:-1] + "9"
    log_certified_visit(page, base, coops[COOPS[1]], typo, other)
    assert pending(page) == "2"
    page.locator("#sync-badge").click()
    listed = page.locator("#sync-list").inner_text()
    assert "Tersertifikasi" in listed and "foto sertifikat" in listed
    page.screenshot(path="/tmp/ppkl-field-certificate-queue.png")
    page.locator("#sync-panel [data-close]").click()
    assert certified_rows(app)["moves"] == []

    # Signal returns: the first is recorded with its photo; the second is refused, kept.
    context.set_offline(False)
    wait_until(page, "document.querySelector('#sync-list [data-state=refused]') !== null")
    wait_until(page, "document.querySelector('[data-sync-pending]').textContent === '1'")
    rows = certified_rows(app)
    assert rows["coops"][COOPS[0]] == NIK and rows["coops"][COOPS[1]] is None
    assert rows["moves"] == [coops[COOPS[0]]]
    assert rows["documents"] == [(coops[COOPS[0]], NIK)]

    page.locator("#sync-badge").click()
    refused = page.locator("#sync-list [data-state=refused]")
    text = refused.inner_text()
    assert typo in text and OTHER_NIK in text
    assert not has_horizontal_overflow(page)
    page.screenshot(path="/tmp/ppkl-field-certificate-refused.png", full_page=True)
    # The field holds the code's NIK; the officer checks it against the certificate and sends.
    nik = refused.locator("[data-nik-for]")
    assert nik.input_value() == OTHER_NIK
    refused.get_by_role("button", name="Kirim ulang").click()
    wait_until(page, "document.querySelector('[data-sync-pending]').textContent === '0'")
    rows = certified_rows(app)
    assert rows["coops"][COOPS[1]] == OTHER_NIK
    assert sorted(rows["moves"]) == sorted(coops[name] for name in COOPS[:2])
    assert sorted(rows["documents"]) == sorted(
        [(coops[COOPS[0]], NIK), (coops[COOPS[1]], OTHER_NIK)]
    )
    assert len(rows["client_moves"]) == 2
    page.screenshot(path="/tmp/ppkl-field-certificate-sent.png")

    # The cooperative page shows the certificate as on file.
    page.locator("#sync-panel [data-close]").click()
    page.goto(f"{base}/cooperatives/{coops[COOPS[0]]}")
    assert page.locator(".certificate-document").count() == 1
    page.screenshot(path="/tmp/ppkl-field-certificate-cooperative.png", full_page=True)
    time.sleep(0.5)
    assert len(list(field["dir"].glob("*.jpg"))) == 2
    context.close()


WORKER_QUEUE = """new Promise((resolve) => {
  const open = indexedDB.open("workbox-background-sync");
  open.onerror = () => resolve(-1);
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains("requests")) { db.close(); resolve(0); return; }
    const count = db.transaction("requests").objectStore("requests").count();
    count.onsuccess = () => { db.close(); resolve(count.result); };
  };
})"""


def dispatch_sync(context, page, base):
    """What the browser does when the signal returns: the worker's Background Sync event (fired
    here through the DevTools protocol: Chromium takes its network state from the machine, not
    from the test's offline switch)."""
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 5
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(100)  # lets Playwright deliver the protocol's events
    (registration,) = [r for r in registrations if r["scopeURL"].startswith(base)]
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": base,
            "registrationId": registration["registrationId"],
            "tag": "workbox-background-sync:ppkl-parts",
            "lastChance": False,
        },
    )


def test_background_sync_sends_with_every_page_closed(playwright, field, tmp_path):
    base, app, coops = field["url"], field["app"], field["coops"]
    photo = tmp_path / "sertifikat-3.jpg"
    photo.write_bytes(certificate(qr_code(NIK[:-4] + "7777"), scale=1))
    context, page = open_phone(playwright, tmp_path / "profile")
    open_tasks_online(page, base)
    context.set_offline(True)
    log_certified_visit(page, base, coops[COOPS[2]], NIK[:-4] + "7777", photo)
    # The page could not send: it handed the worker the visit and the move with its photo.
    wait_until(page, WORKER_QUEUE + ".then(count => count === 2)")

    # The officer closes ppkl; the signal returns with no ppkl page open.
    blank = context.new_page()
    page.close()
    context.set_offline(False)
    dispatch_sync(context, blank, base)
    started = time.monotonic()
    while time.monotonic() - started < PATIENCE:
        if certified_rows(app)["coops"][COOPS[2]]:
            break
        time.sleep(0.3)
    rows = certified_rows(app)
    assert rows["coops"][COOPS[2]] == NIK[:-4] + "7777"
    assert (coops[COOPS[2]], NIK[:-4] + "7777") in rows["documents"]

    # The next page learns what arrived: nothing is sent twice, the item shows as sent.
    bodies = record_request_bodies(app)
    page = blank
    page.goto(f"{base}/tasks/")
    # The badge says 0 until the page has read its queue, so wait for what the page does: it
    # asks whether the move arrived, and then sends nothing more.
    wait_for(page, lambda: [path for _, path, _ in bodies if path.startswith("/api/v1/moves/")])
    wait_until(page, WORKER_QUEUE + ".then(count => count === 0)")
    wait_until(page, "document.querySelector('[data-sync-pending]').textContent === '0'")
    assert not [path for _, path, _ in bodies if path.endswith("/moves")]
    rows = certified_rows(app)
    assert rows["moves"].count(coops[COOPS[2]]) == 1
    context.close()
