"""An officer on a phone: signs in, opens Tugas saya, logs a visit with a follow-up, sees it."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from ppkl.clock import office_today
from tests.browser.conftest import LiveServer, has_horizontal_overflow, sign_in
from tests.helpers import (
    FAST_HASH,
    TEST_PASSWORD,
    first_province_id,
    make_app,
    migrate_to_head,
)


@pytest.fixture(scope="module")
def field_server(databases):
    """A small database of its own (the shared demo database stays read-only)."""
    from ppkl.auth.passwords import hash_password
    from ppkl.extensions import db
    from ppkl.models import Assignment, Cooperative, Regency, User

    app = make_app(databases.new("fieldwork_browser"))
    migrate_to_head(app)
    with app.app_context():
        regency = Regency(name="Bulungan", code="65.01", province_id=first_province_id())
        db.session.add(regency)
        db.session.flush()
        officer = User(
            username="ppkl01",
            full_name="Rina Lestari",
            role="ppkl",
            regency_id=regency.id,
            password_hash=hash_password(TEST_PASSWORD, FAST_HASH),
        )
        coops = [
            Cooperative(name=name, regency_id=regency.id, district="Tanjung Selor", members=30)
            for name in ("KSP Anggrek Bulungan", "KSU Bakau Lestari", "Koperasi Cempaka Jaya")
        ]
        db.session.add_all([officer, *coops])
        db.session.flush()
        db.session.add_all(
            Assignment(
                cooperative_id=c.id,
                officer_id=officer.id,
                officer_role="ppkl",
                start_date=date(2019, 1, 2),
            )
            for c in coops
        )
        db.session.commit()
        db.engine.dispose()
    with LiveServer(app) as server:
        yield server
    with app.app_context():
        db.engine.dispose()


def test_officer_logs_a_visit_from_tugas_saya_on_a_phone(phone_without_js, field_server):
    """The plain form, as without JavaScript: with it the visit goes through the phone's queue
    (test_field_app_offline.py)."""
    phone = phone_without_js
    sign_in(phone, field_server.url, "ppkl01", TEST_PASSWORD)
    phone.wait_for_url("**/tasks/")  # officers land on their tasks
    assert phone.get_by_role("heading", level=1).inner_text() == "Tugas saya"
    task = phone.locator(".list-group-item", has_text="KSU Bakau Lestari")
    assert "Lama tidak dikunjungi" in task.inner_text()
    assert not has_horizontal_overflow(phone)
    phone.screenshot(path="/tmp/ppkl-tasks-phone.png", full_page=True)

    task.get_by_role("link", name="Catat kunjungan").click()
    phone.wait_for_url("**/visits/new?cooperative=*")
    assert phone.get_by_label("Tanggal kunjungan").input_value() == office_today().isoformat()
    assert "KSU Bakau Lestari" in phone.locator("#cooperative_id option:checked").inner_text()
    phone.get_by_label("Pembinaan").check()
    phone.get_by_label("Orang yang ditemui").fill("Pak Slamet (ketua)")
    follow_up = office_today() + timedelta(days=3)
    phone.get_by_label("Tanggal tindak lanjut").fill(follow_up.isoformat())
    phone.get_by_label("Tindak lanjut", exact=True).fill("Ambil laporan keuangan")
    assert not has_horizontal_overflow(phone)
    phone.screenshot(path="/tmp/ppkl-visit-form-phone.png", full_page=True)
    phone.get_by_role("button", name="Simpan kunjungan").click()

    phone.wait_for_url("**/visits/?saved=*")
    assert "Kunjungan disimpan." in phone.locator("main").inner_text()
    listed = phone.locator("#visits .list-group-item", has_text="KSU Bakau Lestari")
    assert "Ambil laporan keuangan" in listed.inner_text()
    assert not has_horizontal_overflow(phone)

    phone.get_by_role("link", name="Tugas saya").click()
    task = phone.locator(".list-group-item", has_text="KSU Bakau Lestari")
    assert "Tindak lanjut minggu ini" in task.inner_text()
    assert "Ambil laporan keuangan" in task.inner_text()


def test_cooperative_search_filters_as_the_officer_types(phone, field_server):
    """The picker is an ARIA combobox: typing asks the server, the arrow keys and Enter
    choose, and the hidden select the form submits follows."""
    sign_in(phone, field_server.url, "ppkl01", TEST_PASSWORD)
    phone.wait_for_url("**/tasks/")
    phone.goto(f"{field_server.url}/visits/new")
    box = phone.get_by_role("combobox", name="Koperasi")
    expect(phone.locator("#cooperative_id")).to_be_hidden()
    box.press_sequentially("cemp", delay=50)
    expect(box).to_have_attribute("aria-expanded", "true")
    options = phone.get_by_role("option")
    expect(options).to_have_count(1)
    assert options.first.inner_text().startswith("Koperasi Cempaka Jaya")
    expect(phone.get_by_role("status").filter(has_text="1 yang cocok")).to_have_count(1)
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    assert not has_horizontal_overflow(phone)
    phone.screenshot(path="/tmp/ppkl-picker-phone.png", full_page=True)
    box.press("Enter")
    expect(box).to_have_attribute("aria-expanded", "false")
    assert box.input_value() == "Koperasi Cempaka Jaya"
    chosen = phone.locator("#cooperative_id option:checked")
    assert chosen.get_attribute("data-label") == "Koperasi Cempaka Jaya"
    # Escape clears what was typed, and with it the choice.
    box.press("Escape")
    assert box.input_value() == ""
    assert phone.locator("#cooperative_id").input_value() == ""
