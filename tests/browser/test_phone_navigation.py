"""The bottom bar on phones: the user's daily destinations within reach, without JavaScript too."""

from playwright.sync_api import expect

from tests.browser.conftest import has_horizontal_overflow, sign_in


def bottom_labels(page) -> list[str]:
    return [t.strip() for t in page.locator("#bottom-nav .bottom-nav-label").all_inner_texts()]


def test_officer_bar_holds_four_destinations_and_a_menu_without_javascript(
    phone_without_js, demo_server
):
    page = phone_without_js
    sign_in(page, demo_server.url, "ppkl01")
    page.goto(f"{demo_server.url}/tasks/")
    assert bottom_labels(page) == ["Tugas saya", "Catat kunjungan", "Koperasi", "Menu"]
    expect(page.locator("header nav")).to_be_hidden()
    expect(page.locator("#bottom-nav > a", has_text="Tugas saya")).to_have_attribute(
        "aria-current", "page"
    )
    assert not has_horizontal_overflow(page)
    menu = page.locator("#bottom-nav .bottom-nav-sheet")
    expect(menu).to_be_hidden()
    page.locator("#bottom-nav summary").click()
    expect(menu.get_by_role("link", name="Kunjungan")).to_be_visible()
    page.locator("#bottom-nav > a", has_text="Catat kunjungan").click()
    expect(page).to_have_url(f"{demo_server.url}/visits/new")
    assert not has_horizontal_overflow(page)


def test_supervisor_on_a_phone_gets_the_same_pattern(phone, demo_server):
    sign_in(phone, demo_server.url, "supervisor")
    phone.goto(f"{demo_server.url}/dashboard")
    assert bottom_labels(phone) == ["Rekap", "Koperasi", "Tugas", "Menu"]
    assert not has_horizontal_overflow(phone)
    phone.locator("#bottom-nav summary").click()
    expect(
        phone.locator("#bottom-nav .bottom-nav-sheet").get_by_role("link", name="Penugasan")
    ).to_be_visible()


def test_desk_keeps_the_top_strip(browser, demo_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
    page = context.new_page()
    sign_in(page, demo_server.url, "ppkl01")
    page.goto(f"{demo_server.url}/tasks/")
    expect(page.locator("#bottom-nav")).to_be_hidden()
    expect(page.locator("header nav").get_by_role("link", name="Kunjungan")).to_be_visible()
    context.close()
