from tests.browser.conftest import has_horizontal_overflow, sign_in


def test_admin_reads_and_filters_the_audit_log_on_a_phone(phone, demo_server):
    sign_in(phone, demo_server.url, "admin")
    phone.wait_for_url("**/dashboard")
    phone.locator("#bottom-nav summary").click()  # on a phone the rest sits behind Menu
    phone.locator("#bottom-nav").get_by_role("link", name="Log audit").click()
    phone.wait_for_url("**/admin/audit/")
    assert phone.get_by_role("heading", level=1).inner_text().startswith("Log audit")
    assert "Masuk" in phone.locator("#audit-events").inner_text()
    phone.get_by_label("Nama pengguna").fill("admin")
    phone.get_by_label("Tindakan").select_option("auth.signed_in")
    phone.get_by_role("button", name="Saring").click()
    phone.wait_for_url("**who=admin**")
    assert phone.locator("#audit-events li").count() >= 1
    assert not has_horizontal_overflow(phone)
    phone.screenshot(path="/tmp/ppkl-audit-phone.png", full_page=True)
