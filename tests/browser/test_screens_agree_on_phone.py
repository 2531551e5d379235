"""On a phone: filters that follow each other, links and ticks that keep the user's place,
targets that can be removed with one clear message per mistake."""

from datetime import timedelta

from sqlalchemy import select

from ppkl.clock import office_today
from tests.browser import test_nothing_lost_on_phone
from tests.browser.conftest import has_horizontal_overflow, sign_in
from tests.helpers import TEST_PASSWORD

field_site = test_nothing_lost_on_phone.field_site  # one officer, a supervisor, two cooperatives


def visible_districts(page) -> set[str]:
    return set(
        page.locator("#district option").evaluate_all(
            "options => options.filter(o => o.value && !o.hidden && !o.disabled).map(o => o.value)"
        )
    )


def test_the_district_filter_follows_the_regency(phone, demo_server):
    sign_in(phone, demo_server.url, "supervisor")
    phone.wait_for_url(lambda url: "/login" not in url)
    phone.goto(f"{demo_server.url}/cooperatives/")
    everywhere = visible_districts(phone)
    phone.locator("#regency").select_option(label="Tarakan")
    tarakan = visible_districts(phone)
    assert tarakan and tarakan < everywhere
    phone.locator("#district").select_option(sorted(tarakan)[0])
    phone.locator("#regency").select_option(label="Malinau")
    malinau = visible_districts(phone)
    assert malinau and not (malinau & tarakan)
    assert phone.locator("#district").input_value() == ""  # a Tarakan district is not kept
    phone.get_by_role("button", name="Saring").click()
    phone.wait_for_url("**/cooperatives/?*")
    assert visible_districts(phone) == malinau  # the page the server sends agrees
    assert not has_horizontal_overflow(phone)


def test_the_back_link_keeps_the_lists_filters_sort_and_page(phone, demo_server):
    sign_in(phone, demo_server.url, "supervisor")
    phone.wait_for_url(lambda url: "/login" not in url)
    query = "regency=2&stage=not_started&sort=name&dir=desc&page=2"
    phone.goto(f"{demo_server.url}/cooperatives/?{query}")
    first = phone.locator("#cooperatives a.list-group-item").first
    name = first.locator(".fw-semibold").inner_text()
    first.click()
    phone.wait_for_url("**/cooperatives/*?list=*")
    phone.locator("#back-to-list").click()
    phone.wait_for_url("**/cooperatives/?*")
    for part in query.split("&"):
        assert part in phone.url
    assert phone.locator("#cooperatives a.list-group-item").first.inner_text().startswith(name)


def test_a_refused_bulk_move_keeps_the_valid_cooperatives_ticked(phone, field_site):
    from ppkl.extensions import db
    from ppkl.models import Cooperative

    with field_site.app.app_context():
        for coop in db.session.scalars(select(Cooperative)):
            coop.stage = "report_received"
        db.session.commit()
    sign_in(phone, field_site.url, "boss", TEST_PASSWORD)
    phone.wait_for_url(lambda url: "/login" not in url)
    phone.goto(f"{field_site.url}/certification/bulk?to=ods_entered")
    boxes = phone.locator("#bulk-list input[type=checkbox]")
    assert boxes.count() == 2
    boxes.nth(0).check()
    boxes.nth(1).check()
    with field_site.app.app_context():  # meanwhile the second one changes elsewhere
        late = db.session.get(Cooperative, field_site.ids["coops"][1])
        late.members = 31
        db.session.commit()
    phone.get_by_label("Tanggal input ODS").fill((office_today() - timedelta(days=1)).isoformat())
    phone.get_by_role("button", name="Pindahkan koperasi terpilih").click()
    phone.locator("#stale, #bulk-refusals").first.wait_for()
    assert phone.locator("#bulk-list input[type=checkbox]").first.is_checked()  # the valid one
    assert not has_horizontal_overflow(phone)


def test_a_target_is_removed_and_a_bad_number_gives_one_message(phone, field_site):
    sign_in(phone, field_site.url, "boss", TEST_PASSWORD)
    phone.wait_for_url(lambda url: "/login" not in url)
    phone.goto(f"{field_site.url}/certification/targets")
    phone.get_by_label("Koperasi yang disertifikasi sampai 31 Desember").fill("2.5")
    phone.get_by_role("button", name="Simpan target").click()
    assert phone.locator("#target-error").count() == 1
    phone.get_by_label("Koperasi yang disertifikasi sampai 31 Desember").fill("300")
    phone.get_by_role("button", name="Simpan target").click()
    assert "300" in phone.locator("#targets").inner_text()
    phone.get_by_role("button", name="Hapus target Seluruh provinsi").click()
    assert "Target dihapus." in phone.locator("main").inner_text()
    assert "Belum ada target" in phone.locator("#targets").inner_text()
    assert not has_horizontal_overflow(phone)


MONTHS = "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
DATE_STYLE = rf"\d{{1,2}} ({MONTHS}) \d{{4}}"


def test_a_visit_from_the_cooperative_page_prefills_the_move_and_returns_there(
    phone_without_js, field_site
):
    phone = phone_without_js  # the plain form: the field app's queue is off
    import re

    from ppkl.certification.deadlines import last_ended_fiscal_year, rules_from_config

    with field_site.app.app_context():
        fiscal_year = last_ended_fiscal_year(
            office_today(), rules_from_config(field_site.app.config)
        )
    sign_in(phone, field_site.url, "ppkl01", TEST_PASSWORD)
    phone.wait_for_url(lambda url: "/login" not in url)
    coop_url = f"{field_site.url}/cooperatives/{field_site.ids['coops'][0]}"
    phone.goto(coop_url)
    phone.get_by_role("link", name="Catat kunjungan").first.click()
    phone.wait_for_url("**/visits/new?*")
    move = phone.locator("#stage-move")
    assert move.get_by_label("Tahun buku").input_value() == str(fiscal_year)  # as the move form
    assert move.get_by_label("Jumlah anggota").input_value() == "30"
    phone.get_by_label("Pembinaan").check()
    phone.get_by_role("button", name="Simpan kunjungan").click()
    phone.wait_for_url(re.compile(re.escape(coop_url) + r"(#.*)?$"))
    assert "Kunjungan disimpan." in phone.locator("main").inner_text()

    # One date style and one time style: the visit's date and when it was recorded.
    phone.locator("#visits a, a[href*='/visits/']").filter(
        has_text=re.compile(DATE_STYLE)
    ).first.click()
    phone.wait_for_url("**/visits/*")
    text = phone.locator("main").inner_text()
    assert re.search(rf"Kunjungan {DATE_STYLE}", text)
    assert re.search(rf"Dicatat\s+{DATE_STYLE} \d{{2}}\.\d{{2}}", text)
    assert not re.search(
        r"\d{2}/\d{2}/\d{4}|\b(Jan|Feb|Mar|Apr|Jun|Jul|Agu|Sep|Okt|Nov|Des) \d{4}", text
    )
    assert not has_horizontal_overflow(phone)


def test_the_officer_report_and_the_batch_start_with_the_same_period(phone, field_site):
    sign_in(phone, field_site.url, "boss", TEST_PASSWORD)
    phone.wait_for_url(lambda url: "/login" not in url)
    phone.goto(f"{field_site.url}/reports/")
    officer = (phone.locator("#start").input_value(), phone.locator("#end").input_value())
    batch = (
        phone.locator("#batch-start").input_value(),
        phone.locator("#batch-end").input_value(),
    )
    assert (
        officer == batch == (office_today().replace(day=1).isoformat(), office_today().isoformat())
    )
    assert not has_horizontal_overflow(phone)
