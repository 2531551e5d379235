"""Interfaces that scale: pickers searched on the server (with a plain-form fallback), short
selects on every page, the numbered pager with its jump, keyset pages, capped counts."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from ppkl.extensions import db
from ppkl.models import Assignment, Cooperative, Regency, User
from ppkl.pagination import Page, capped_count
from tests.helpers import FAST_HASH, TEST_PASSWORD, count_queries, first_province_id, post_form

SELECT_RE = re.compile(r"<select\b.*?</select>", re.S)


@pytest.fixture
def many(app, make_user, make_regency):
    """300 officers and 600 cooperatives, each officer with two of them: more than any page
    may list in a select."""
    from ppkl.auth.passwords import hash_password

    boss = make_user("boss", role="admin")
    regency = db.session.scalar(select(Regency)) or make_regency()
    other = make_regency("Tarakan")
    password = hash_password(TEST_PASSWORD, FAST_HASH)
    officers = [
        User(
            username=f"officer{n:03d}",
            full_name=f"Petugas Nomor {n:03d}",
            role="ppkl" if n % 2 else "dak",
            regency_id=regency.id,
            password_hash=password,
            cohort_year=2019,
        )
        for n in range(300)
    ]
    db.session.add_all(officers)
    coops = [
        Cooperative(
            name=f"Koperasi Banyak {n:03d}",
            regency_id=(regency if n % 3 else other).id,
            district="Tanjung Selor",
            members=30,
        )
        for n in range(600)
    ]
    db.session.add_all(coops)
    db.session.flush()
    db.session.add_all(
        Assignment(
            cooperative_id=coop.id,
            officer_id=officers[n // 2].id,
            officer_role=officers[n // 2].role,
            start_date=date(2019, 1, 1),
        )
        for n, coop in enumerate(coops)
    )
    db.session.commit()
    return {"boss": boss, "officers": officers, "coops": coops}


def select_sizes(html: str) -> list[int]:
    return [block.count("<option") for block in SELECT_RE.findall(html)]


def test_no_page_lists_more_than_200_options_or_rows(client, auth, many):
    first = many["officers"][1]
    coop = many["coops"][2]
    pages = [
        "/cooperatives/",
        f"/cooperatives/{coop.id}",
        "/assignments/",
        "/tasks/",
        "/visits/",
        "/roster/",
        f"/roster/{first.id}/deactivate",
        "/reports/",
        "/certification/targets",
        "/certification/deadlines",
        "/admin/audit/",
        "/admin/users/",
    ]
    auth.login(client, "boss")
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert max(select_sizes(html), default=0) <= 200, url
        assert html.count('class="list-group-item') <= 200, url
    auth.logout(client)
    auth.login(client, first.username)
    html = client.get("/visits/new").get_data(as_text=True)
    assert max(select_sizes(html)) <= 200


def test_officer_picker_searches_on_the_server(client, auth, many):
    auth.login(client, "boss")
    found = client.get("/cooperatives/lookup/officers?q=nomor 12").get_json()
    labels = [item["label"] for item in found["items"]]
    assert labels and all("12" in label for label in labels)
    assert found["more"] is False
    everyone = client.get("/cooperatives/lookup/officers").get_json()
    assert len(everyone["items"]) == 20 and everyone["more"] is True
    one = many["officers"][7]
    only_ppkl = client.get(f"/cooperatives/lookup/officers?role=ppkl&exclude={one.id}&q=nomor 00")
    values = [item["value"] for item in only_ppkl.get_json()["items"]]
    assert str(one.id) not in values
    assert all(db.session.get(User, int(v)).role == "ppkl" for v in values)
    # Junk is a search that finds nothing, never an error.
    assert client.get("/cooperatives/lookup/officers?q=%25_\\&exclude=x").status_code == 200


def test_cooperative_picker_is_scoped(client, auth, many):
    mine, theirs = many["officers"][0], many["officers"][1]
    auth.login(client, mine.username)
    found = client.get("/cooperatives/lookup/cooperatives?q=banyak").get_json()
    assert sorted(item["label"] for item in found["items"]) == [
        "Koperasi Banyak 000",
        "Koperasi Banyak 001",
    ]
    assert client.get("/cooperatives/lookup/cooperatives?q=banyak 002").get_json()["items"] == []
    # An officer may not search officers.
    assert client.get("/cooperatives/lookup/officers").status_code == 403
    auth.logout(client)
    auth.login(client, theirs.username)
    labels = [
        i["label"] for i in client.get("/cooperatives/lookup/cooperatives").get_json()["items"]
    ]
    assert labels == ["Koperasi Banyak 002", "Koperasi Banyak 003"]
    auth.logout(client)
    auth.login(client, "boss")  # a supervisor's scope: every cooperative
    found = client.get("/cooperatives/lookup/cooperatives?q=banyak").get_json()
    assert len(found["items"]) == 20 and found["more"] is True


def test_picker_endpoints_run_a_fixed_number_of_queries(client, auth, many, make_cooperative):
    auth.login(client, "boss")

    def queries(url):
        with count_queries(db.engine) as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    few = queries("/cooperatives/lookup/officers?q=nomor 001")
    many_found = queries("/cooperatives/lookup/officers?q=nomor")
    assert few == many_found
    assert queries("/cooperatives/lookup/cooperatives?q=banyak 001") == queries(
        "/cooperatives/lookup/cooperatives?q=banyak"
    )


def test_without_javascript_the_search_lists_matches_and_the_server_validates(client, auth, many):
    coop = many["coops"][5]
    auth.login(client, "boss")
    # The officer field of the cooperative page: search reloads the page with the matches.
    html = client.get(f"/cooperatives/{coop.id}?assign-officer_q=nomor 123").get_data(as_text=True)
    block = re.search(r'<select[^>]*id="assign-officer".*?</select>', html, re.S).group(0)
    assert "Petugas Nomor 123" in block and "Petugas Nomor 124" not in block
    assert 'form="officer-search"' in html and 'id="officer-search"' in html
    target = many["officers"][123]
    response = post_form(
        client,
        f"/assignments/cooperative/{coop.id}",
        {"officer": f"user:{target.id}", "version": str(coop.version)},
        page=f"/cooperatives/{coop.id}",
    )
    assert response.status_code == 302
    current = db.session.scalar(
        select(Assignment.officer_id).where(
            Assignment.cooperative_id == coop.id,
            Assignment.officer_role == target.role,
            Assignment.end_date.is_(None),
        )
    )
    assert current == target.id
    # A value no list offered is refused next to the field, and nothing changes.
    response = post_form(
        client, "/assignments/", {"officer": "user:abc", "cooperative_ids": [coop.id]}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="assign-officer-error"' in html and "Pilih petugas dari daftar." in html


def test_a_visit_for_a_cooperative_outside_the_scope_is_refused(client, auth, many):
    mine = many["officers"][0]
    auth.login(client, mine.username)
    html = client.get("/visits/new?cooperative_id_q=banyak").get_data(as_text=True)
    block = re.search(r'<select[^>]*id="cooperative_id".*?</select>', html, re.S).group(0)
    assert block.count(">Koperasi Banyak") == 2
    data = {
        "cooperative_id": str(many["coops"][9].id),
        "visited_on": "2019-06-01",
        "purposes": "pembinaan",
    }
    response = post_form(client, "/visits/new", data)
    assert response.status_code == 403
    assert 'id="cooperative_id-error"' in response.get_data(as_text=True)


def test_pager_numbers_and_jump(app, client, auth, many):
    app.config["PER_PAGE"] = 10
    auth.login(client, "boss")
    html = client.get("/cooperatives/?page=30").get_data(as_text=True)
    assert "Halaman 30 dari 60" in html
    for n in (1, 28, 29, 31, 32, 60):
        assert f"page={n}" in html
    assert "page=27" not in html and "page=33" not in html
    assert 'id="page-jump"' in html and 'max="60"' in html
    # The jump form keeps the list's filters.
    html = client.get("/cooperatives/?q=banyak&page=2").get_data(as_text=True)
    jump = re.search(r'<form method="get" class="pager-jump".*?</form>', html, re.S).group(0)
    assert 'name="q" value="banyak"' in jump and 'name="page"' in jump


@pytest.mark.parametrize("page", ["abc", "0", "-3", "99999999999", "1e3", "%00"])
def test_a_bad_page_number_shows_the_first_page_with_a_note(client, auth, many, page):
    auth.login(client, "boss")
    response = client.get(f"/cooperatives/?page={page}")
    assert response.status_code in (200, 400)  # a NUL byte is refused before any view
    if response.status_code == 200:
        html = response.get_data(as_text=True)
        assert "Nomor halaman itu tidak ada" in html and "Koperasi Banyak 000" in html


def test_a_page_past_the_end_shows_the_last_page(app, client, auth, many):
    app.config["PER_PAGE"] = 100
    auth.login(client, "boss")
    html = client.get("/cooperatives/?page=500").get_data(as_text=True)
    assert "Halaman 6 dari 6" in html and "Koperasi Banyak 599" in html


def test_keyset_pages_equal_offset_pages(app, client, auth, many):
    app.config["PER_PAGE"] = 20

    def rows(url):
        html = client.get(url).get_data(as_text=True)
        return re.findall(r'href="/cooperatives/(\d+)\?', html), html

    auth.login(client, "boss")
    for direction in ("", "&dir=desc"):
        shown, html = rows(f"/cooperatives/?page=12{direction}")
        following = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
        assert "after=" in following
        assert rows(following)[0] == rows(f"/cooperatives/?page=13{direction}")[0]
        deeper, html = rows(following)
        previous = re.search(r'rel="prev" href="([^"]+)"', html).group(1).replace("&amp;", "&")
        assert "before=" in previous and rows(previous)[0] == shown
    # Visits and the audit log are ordered by key too: their deep pages answer.
    assert client.get("/visits/?page=3&after=1").status_code == 200
    assert client.get("/admin/audit/?page=3&before=1").status_code == 200


def test_the_cursor_page_runs_as_many_queries_as_the_first(app, client, auth, many):
    app.config["PER_PAGE"] = 20
    auth.login(client, "boss")
    counts = []
    for url in ("/cooperatives/?page=1", "/cooperatives/?page=13&after=5"):
        with count_queries(db.engine) as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_counts_are_capped(app, client, auth, many):
    stmt = select(Cooperative.id)
    assert capped_count(db.session, stmt, cap=1000) == (600, True)
    assert capped_count(db.session, stmt, cap=100) == (100, False)
    page = Page([], 1, 50, 100, exact=False)
    assert page.pages is None and page.has_next
    with app.test_request_context("/?page=3"):
        from ppkl.i18n import format_number
        from ppkl.pagination import count_label

        assert str(count_label(Page([], 1, 50, 10_000, exact=False), format_number)) in (
            "lebih dari 10.000",
            "more than 10,000",
        )
    auth.login(client, "boss")
    app.config.update(PER_PAGE=10, LIST_COUNT_CAP=100)
    html = client.get("/cooperatives/?page=3").get_data(as_text=True)
    assert "(lebih dari 100)" in html and "Halaman 3</p>" in html
    assert 'rel="next"' in html


def test_roster_pages_and_searches(app, client, auth, many):
    app.config["PER_PAGE"] = 50
    auth.login(client, "boss")
    html = client.get("/roster/").get_data(as_text=True)
    assert html.count('id="officer-') == 50 and "Halaman 1 dari 6" in html
    html = client.get("/roster/?q=nomor 042").get_data(as_text=True)
    assert html.count('id="officer-') == 1 and "Petugas Nomor 042" in html


def test_a_national_list_of_regencies_becomes_a_picker(client, auth, many):
    home = first_province_id()
    db.session.add_all(
        Regency(name=f"Kabupaten Contoh {n:03d}", province_id=home) for n in range(250)
    )
    db.session.commit()
    auth.login(client, "boss")
    for url in ("/cooperatives/", "/tasks/", "/roster/", "/cooperatives/new", "/reports/"):
        html = client.get(url).get_data(as_text=True)
        assert max(select_sizes(html)) <= 200, url
    html = client.get("/cooperatives/?regency_q=contoh 12").get_data(as_text=True)
    block = re.search(r'<select[^>]*id="regency".*?</select>', html, re.S).group(0)
    assert "Kabupaten Contoh 120" in block and "Kabupaten Contoh 200" not in block
    assert ">Semua<" in block  # the blank choice stays
    found = client.get("/cooperatives/lookup/regencies?q=contoh 24").get_json()
    labels = [i["label"] for i in found["items"]]
    assert labels[0] == "Kabupaten Contoh 024" and all("24" in label for label in labels)
    # The form still validates the regency against every regency, not the few listed.
    chosen = db.session.scalar(select(Regency).where(Regency.name == "Kabupaten Contoh 249"))
    html = client.get("/cooperatives/new").get_data(as_text=True)
    assert 'form="regency-search"' in html and "Kabupaten Contoh 249" not in html
    data = {
        "name": "KSP Jauh Sekali",
        "regency_id": str(chosen.id),
        "district": "",
        "members": "12",
    }
    response = post_form(client, "/cooperatives/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    coop = db.session.scalar(select(Cooperative).where(Cooperative.name == "KSP Jauh Sekali"))
    assert coop.regency_id == chosen.id


def test_accounts_page_and_search(app, client, auth, many):
    app.config["PER_PAGE"] = 50
    auth.login(client, "boss")
    html = client.get("/admin/users/").get_data(as_text=True)
    assert html.count('href="/admin/users/') <= 60 and "Halaman 1 dari 7" in html
    html = client.get("/admin/users/?q=nomor 042").get_data(as_text=True)
    assert "Petugas Nomor 042" in html and "Petugas Nomor 043" not in html


def test_a_national_batch_page_lists_200_officers(client, auth, many):
    from ppkl.models import ReportJob, ReportJobItem

    job = ReportJob(
        id="a" * 32,
        created_by_id=many["boss"].id,
        period_start=date(2019, 1, 1),
        period_end=date(2019, 6, 30),
        language="id",
    )
    db.session.add(job)
    db.session.add_all(
        ReportJobItem(job_id=job.id, position=n, officer_id=o.id, username=o.username)
        for n, o in enumerate(many["officers"])
    )
    db.session.commit()
    auth.login(client, "boss")
    html = client.get(f"/reports/jobs/{job.id}").get_data(as_text=True)
    assert html.count("<tr><td>officer") == 200
    assert "… dan 100 petugas lainnya." in html and "0 dari 300" in html
