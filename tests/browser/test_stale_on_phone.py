"""The issue's case on phones: an officer and a supervisor open "Pindah ke Laporan RAT diterima"
for the same cooperative, both fill in the date and save. The second sees who moved it, with
what they typed still there, and not the next stage's form."""

import re
from datetime import timedelta

import pytest
from babel.dates import format_date

from ppkl.clock import office_today
from tests.browser.conftest import (
    PHONE,
    has_horizontal_overflow,
    rat_held_with_its_ppkl,
    sign_in,
    writable_demo_server,
)
from tests.browser.test_csp import collect_csp_violations


@pytest.fixture(scope="module")
def served(databases):
    with writable_demo_server(databases, "browser_stale", rat_held_with_its_ppkl) as served:
        yield served


def open_move(page, base_url: str, username: str, coop_id: int, received_on, note: str):
    sign_in(page, base_url, username)
    page.wait_for_url(re.compile(r".*/(dashboard|tasks/)$"))  # officers land on their tasks
    page.goto(f"{base_url}/cooperatives/{coop_id}")
    page.get_by_role("link", name="Pindah ke Laporan RAT diterima").click()
    page.wait_for_url(f"**/certification/{coop_id}/move")
    page.get_by_label("Tanggal laporan RAT diterima").fill(received_on.isoformat())
    page.get_by_label("Catatan").fill(note)


def test_the_second_to_save_sees_who_moved_it(browser, phone, served):
    server, (coop_id, _name, username, _full_name) = served
    other = browser.new_context(viewport=PHONE, locale="id-ID").new_page()
    violations = collect_csp_violations(phone)
    today = office_today()
    open_move(phone, server.url, username, coop_id, today, "Laporan dibawa ketua")
    open_move(other, server.url, "supervisor", coop_id, today - timedelta(days=1), "Via pos")
    other.get_by_role("button", name="Simpan perpindahan").click()
    other.wait_for_url(f"**/cooperatives/{coop_id}#timeline")
    phone.get_by_role("button", name="Simpan perpindahan").click()
    notice = phone.locator("#stale")
    assert "Trianingsih" in notice.inner_text()
    # The supervisor's evidence for the same move, beside the date the officer typed.
    theirs = format_date(today - timedelta(days=1), "d MMMM y", locale="id")
    assert theirs in phone.locator("#stale-theirs").inner_text()
    assert phone.get_by_label("Catatan").input_value() == "Laporan dibawa ketua"
    assert phone.get_by_label("Tanggal laporan RAT diterima").input_value() == today.isoformat()
    assert phone.get_by_label("Tanggal input ODS").count() == 0  # not the next stage's form
    assert phone.get_by_role("button", name="Simpan lagi").count() == 0
    assert not has_horizontal_overflow(phone)
    phone.screenshot(path="/tmp/ppkl-stale-move-phone.png", full_page=True)
    phone.get_by_role("link", name="Kembali ke koperasi").click()
    phone.wait_for_url(f"**/cooperatives/{coop_id}")
    assert violations == []
    other.context.close()
