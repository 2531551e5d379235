"""An officer records a RAT report on a phone and sees the move in the timeline."""

import pytest

from ppkl.clock import office_today
from tests.browser.conftest import (
    has_horizontal_overflow,
    rat_held_with_its_ppkl,
    sign_in,
    writable_demo_server,
)
from tests.browser.test_csp import collect_csp_violations


@pytest.fixture(scope="module")
def writable_demo(databases):
    with writable_demo_server(databases, "browser_moves", rat_held_with_its_ppkl) as served:
        yield served


def test_officer_moves_rat_held_to_report_received_on_a_phone(phone, writable_demo):
    server, (coop_id, coop_name, username, full_name) = writable_demo
    violations = collect_csp_violations(phone)
    sign_in(phone, server.url, username)
    phone.wait_for_url("**/tasks/")  # officers land on their tasks
    phone.goto(f"{server.url}/cooperatives/{coop_id}")
    assert phone.get_by_role("heading", level=1).inner_text() == coop_name
    assert not has_horizontal_overflow(phone)
    phone.get_by_role("link", name="Pindah ke Laporan RAT diterima").click()
    phone.wait_for_url(f"**/certification/{coop_id}/move")
    assert not has_horizontal_overflow(phone)
    phone.get_by_label("Tanggal laporan RAT diterima").fill(office_today().isoformat())
    phone.get_by_label("Catatan").fill("Laporan dibawa bendahara")
    phone.screenshot(path="/tmp/ppkl-move-form-phone.png", full_page=True)
    phone.get_by_role("button", name="Simpan perpindahan").click()
    phone.wait_for_url(f"**/cooperatives/{coop_id}#timeline")
    assert "Tahap menjadi Laporan RAT diterima." in phone.locator("main").inner_text()
    newest = phone.locator("#timeline-list .timeline-entry").first
    text = newest.inner_text()
    assert "Laporan RAT diterima" in text and full_name in text
    assert "Laporan dibawa bendahara" in text
    assert newest.is_visible()
    assert not has_horizontal_overflow(phone)
    phone.screenshot(path="/tmp/ppkl-move-timeline-phone.png", full_page=True)
    assert violations == []
