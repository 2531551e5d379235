"""Report pages on a 360-px phone: no horizontal overflow, the forms work without JavaScript."""

from tests.browser.conftest import has_horizontal_overflow, sign_in


def csp_violations(page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda m: found.append(m.text) if "Content Security" in m.text else None)
    return found


def test_supervisor_opens_the_recap_report_on_a_phone(phone, demo_server):
    violations = csp_violations(phone)
    sign_in(phone, demo_server.url, "supervisor")
    phone.wait_for_url("**/dashboard")
    phone.goto(f"{demo_server.url}/reports/")
    assert not has_horizontal_overflow(phone)
    phone.screenshot(path="/tmp/ppkl-reports-index-phone.png", full_page=True)
    phone.locator("#as_of").fill("2019-06-30")
    phone.locator("#recap-report-form button[type=submit]").click()
    phone.wait_for_url("**/reports/recap?*")
    first = [
        c.strip() for c in phone.locator("#recap tbody tr").nth(0).locator("td").all_inner_texts()
    ]
    assert first == ["1", "Bulungan", "109", "70", "179", "41", "5", "37,61"]
    # by regency, the demo's 2019 target, and the progress of the province and its 5 regencies
    assert phone.locator("svg.chart").count() == 2 + 6
    target = phone.locator("#targets tbody tr").nth(0).locator("td").all_inner_texts()
    assert [c.strip() for c in target[:3]] == ["Kalimantan Utara", "500", "70"]
    assert not has_horizontal_overflow(phone)
    phone.screenshot(path="/tmp/ppkl-recap-report-phone.png", full_page=True)
    assert violations == []


def test_officer_report_on_a_phone(phone, demo_server):
    sign_in(phone, demo_server.url, "ppkl01")
    phone.wait_for_url("**/tasks/")  # officers land on their tasks
    phone.goto(f"{demo_server.url}/reports/officer?start=2019-06-01&end=2019-06-30")
    assert "LAPORAN KEMAJUAN PETUGAS" in phone.locator("h1").inner_text().upper()
    assert phone.locator("#months svg.progress-chart").is_visible()  # the officer's months
    assert not has_horizontal_overflow(phone)
    phone.screenshot(path="/tmp/ppkl-officer-report-phone.png", full_page=True)
