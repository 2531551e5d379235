"""On a phone: what an officer types or attaches is not lost, and not saved twice."""

import io
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from ppkl.clock import office_today
from tests.browser.conftest import LiveServer, has_horizontal_overflow, sign_in
from tests.helpers import (
    FAST_HASH,
    TEST_PASSWORD,
    add_assignment,
    first_province_id,
    make_app,
    migrate_to_head,
)


def jpeg(colour=(30, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), colour).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def field_site(databases, tmp_path, request):
    """One officer, one supervisor, two cooperatives; a database per test (tests write)."""
    from ppkl.auth.passwords import hash_password
    from ppkl.extensions import db
    from ppkl.models import Cooperative, Regency, User

    app = make_app(databases.new(f"lost_{request.node.name[:40]}"), VISIT_PHOTO_DIR=str(tmp_path))
    migrate_to_head(app)
    with app.app_context():
        regency = Regency(name="Bulungan", code="65.01", province_id=first_province_id())
        db.session.add(regency)
        db.session.flush()
        users = {
            name: User(
                username=name,
                full_name=full,
                role=role,
                regency_id=regency.id,
                password_hash=hash_password(TEST_PASSWORD, FAST_HASH),
            )
            for name, full, role in (
                ("ppkl01", "Rina Lestari", "ppkl"),
                ("ppkl02", "Budi Santoso", "ppkl"),
                ("boss", "Sri Wahyuni", "supervisor"),
            )
        }
        coops = [
            Cooperative(name=name, regency_id=regency.id, district="Tanjung Selor", members=30)
            for name in ("KSP Anggrek Bulungan", "KSU Bakau Lestari")
        ]
        db.session.add_all([*users.values(), *coops])
        db.session.flush()
        ids = {"coops": [c.id for c in coops], "officer": users["ppkl01"].id}
        db.session.commit()
        for coop in coops:
            add_assignment(coop, users["ppkl01"], start=date(2019, 1, 2))
        db.session.remove()  # no connection left checked out when the pool goes
        db.engine.dispose()
    with LiveServer(app) as server:
        server.app = app
        server.ids = ids
        yield server
    with app.app_context():
        db.engine.dispose()


def count(app, model, *where) -> int:
    from ppkl.extensions import db

    with app.app_context():
        found = db.session.scalar(select(func.count()).select_from(model).where(*where))
        db.session.remove()
        return found


def open_visit_form(phone, site):
    sign_in(phone, site.url, "ppkl01", TEST_PASSWORD)
    phone.wait_for_url(lambda url: "/login" not in url)
    phone.goto(f"{site.url}/visits/new?cooperative={site.ids['coops'][0]}")


def fill_visit(phone, follow_up: date):
    phone.get_by_label("Pembinaan").check()
    phone.locator("#notes").fill("Buku kas diperiksa; bendahara baru.")
    phone.get_by_label("Tanggal tindak lanjut").fill(follow_up.isoformat())
    phone.get_by_label("Tindak lanjut", exact=True).fill("Ambil laporan keuangan")


def test_a_photo_survives_a_form_error_and_is_saved_with_the_visit(phone_without_js, field_site):
    phone = phone_without_js  # the plain form: the field app's queue is off
    from ppkl.models import PendingPhoto, Visit, VisitPhoto

    open_visit_form(phone, field_site)
    fill_visit(phone, office_today() - timedelta(days=1))  # before the visit: refused
    phone.locator("#photos").set_input_files(
        files=[{"name": "IMG_0001.JPG", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    phone.get_by_role("button", name="Simpan kunjungan").click()

    error = phone.locator("#follow_up_on-error")
    assert "tidak boleh sebelum kunjungan" in error.inner_text()
    assert phone.locator("#notes").input_value() == "Buku kas diperiksa; bendahara baru."
    thumbnail = phone.locator(".pending-photo img")
    assert thumbnail.count() == 1
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth") == 120
    assert "disimpan bersama kunjungan" in phone.locator("#pending-note").inner_text()
    assert not has_horizontal_overflow(phone)
    phone.screenshot(path="/tmp/ppkl-photo-kept-phone.png", full_page=True)

    phone.get_by_label("Tanggal tindak lanjut").fill(
        (office_today() + timedelta(days=2)).isoformat()
    )
    phone.get_by_role("button", name="Simpan kunjungan").click()
    phone.wait_for_url("**/visits/?saved=*")
    assert count(field_site.app, Visit) == 1
    assert count(field_site.app, VisitPhoto) == 1
    assert count(field_site.app, PendingPhoto) == 0


def test_photos_are_added_and_removed_within_the_edit_window(phone_without_js, field_site):
    phone = phone_without_js  # the plain form: the field app's queue is off
    from ppkl.models import VisitPhoto

    open_visit_form(phone, field_site)
    fill_visit(phone, office_today() + timedelta(days=2))
    phone.get_by_role("button", name="Simpan kunjungan").click()
    phone.wait_for_url("**/visits/?saved=*")
    phone.goto(f"{field_site.url}/visits/")
    phone.locator("#visits a.list-group-item").first.click()
    phone.get_by_role("link", name="Ubah").click()
    phone.locator("#photos").set_input_files(
        files=[
            {"name": "a.jpg", "mimeType": "image/jpeg", "buffer": jpeg()},
            {"name": "b.jpg", "mimeType": "image/jpeg", "buffer": jpeg((200, 40, 40))},
        ]
    )
    phone.get_by_role("button", name="Simpan", exact=True).click()
    assert phone.locator("main img").count() == 2
    assert count(field_site.app, VisitPhoto) == 2

    phone.get_by_role("link", name="Ubah").click()
    assert not has_horizontal_overflow(phone)
    phone.locator("#kept-photos input[name=remove_photo]").first.check()
    phone.get_by_role("button", name="Simpan", exact=True).click()
    assert phone.locator("main img").count() == 1
    assert count(field_site.app, VisitPhoto) == 1


def test_back_and_save_again_does_not_store_a_second_visit(phone, field_site):
    # The plain form with its one-time key script, as on a phone where the field app's queue
    # did not load (with the queue, the visit's own id makes a resend harmless).
    phone.route("**/static/app/main.js", lambda route: route.abort())
    from ppkl.models import Visit

    open_visit_form(phone, field_site)
    fill_visit(phone, office_today() + timedelta(days=2))
    phone.get_by_role("button", name="Simpan kunjungan").click()
    phone.wait_for_url("**/visits/?saved=*")
    assert count(field_site.app, Visit) == 1

    phone.go_back()
    assert phone.locator("#notes").input_value() == "Buku kas diperiksa; bendahara baru."
    phone.get_by_role("button", name="Simpan kunjungan").click()
    phone.wait_for_url("**/visits/*")
    assert count(field_site.app, Visit) == 1
    assert "tidak disimpan untuk kedua kalinya" in phone.locator("main").inner_text()
    assert "Buku kas diperiksa" in phone.locator("main").inner_text()  # the saved visit
    assert not has_horizontal_overflow(phone)


def test_unassigned_while_typing_says_so_and_keeps_the_notes_and_photo(
    phone_without_js, field_site
):
    phone = phone_without_js  # the plain form: the field app's queue is off
    from ppkl.assignments.services import assign_officer
    from ppkl.extensions import db
    from ppkl.models import Cooperative, User, Visit

    open_visit_form(phone, field_site)
    fill_visit(phone, office_today() + timedelta(days=2))
    phone.locator("#photos").set_input_files(
        files=[{"name": "IMG_0002.JPG", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    with field_site.app.app_context():  # meanwhile, the supervisor hands the cooperative on
        boss = db.session.scalar(select(User).where(User.username == "boss"))
        budi = db.session.scalar(select(User).where(User.username == "ppkl02"))
        coop = db.session.get(Cooperative, field_site.ids["coops"][0])
        assign_officer(boss, [coop.id], budi, office_today())
        db.session.commit()
    phone.get_by_role("button", name="Simpan kunjungan").click()

    error = phone.locator("#cooperative_id-error")
    assert "tidak lagi ditugaskan kepada Anda sejak" in error.inner_text()
    assert "Budi Santoso" in error.inner_text()
    assert "Forbidden" not in phone.content()
    assert phone.locator("#notes").input_value() == "Buku kas diperiksa; bendahara baru."
    assert phone.locator(".pending-photo img").evaluate("img => img.naturalWidth") == 120
    assert not has_horizontal_overflow(phone)
    phone.screenshot(path="/tmp/ppkl-unassigned-phone.png", full_page=True)
    assert count(field_site.app, Visit) == 0
