from tests.browser.conftest import has_horizontal_overflow, sign_in


def card_values(card) -> dict[str, str]:
    labels = [t.strip() for t in card.locator("dt").all_inner_texts()]
    values = [t.strip() for t in card.locator("dd").all_inner_texts()]
    return dict(zip(labels, values, strict=True))


def test_supervisor_sees_the_recap_on_a_phone(phone, demo_server):
    sign_in(phone, demo_server.url, "supervisor")
    phone.wait_for_url("**/dashboard")
    assert phone.get_by_role("heading", level=1).inner_text().startswith("Capaian Koperasi")
    assert not phone.locator("#recap").is_visible()  # the wide table is for larger screens
    bulungan = phone.locator("#recap-card-1")
    assert bulungan.is_visible() and "Bulungan" in bulungan.inner_text()
    assert card_values(bulungan) == {
        "Aktif": "109",
        "Tidak Aktif": "70",
        "Total Koperasi": "179",
        "Bersertifikat NIK": "41",
        "Progres": "5",
        "Presentase": "37,61",
    }
    total = card_values(phone.locator("#recap-card-total"))
    assert (total["Aktif"], total["Total Koperasi"], total["Presentase"]) == ("474", "747", "14,77")
    assert not has_horizontal_overflow(phone)
    phone.screenshot(path="/tmp/ppkl-recap-phone.png", full_page=True)


def test_recap_table_on_a_desktop(browser, demo_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page, demo_server.url, "supervisor")
    page.wait_for_url("**/dashboard")
    rows = page.locator("#recap tbody tr")
    assert rows.count() == 5
    first = [c.strip() for c in rows.nth(0).locator("th, td").all_inner_texts()]
    assert first == ["Bulungan", "109", "70", "179", "41", "5", "37,61"]
    page.screenshot(path="/tmp/ppkl-recap-desktop.png", full_page=True)
    context.close()
