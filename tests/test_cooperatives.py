import pytest

from tests.helpers import count_queries


def test_list_filters(client, make_regency, make_user, make_cooperative, auth):
    bulungan, tarakan = make_regency("Bulungan"), make_regency("Tarakan")
    make_cooperative(regency=bulungan, name="KSP Sejahtera", stage="rat_held")
    make_cooperative(regency=tarakan, name="KSU Maju", stage="certified", nik="6571000000000001")
    make_cooperative(regency=tarakan, name="KSU Lama", active=False)
    make_user("boss", role="supervisor")
    auth.login(client, "boss")

    def names(query):
        html = client.get(f"/cooperatives/?{query}").get_data(as_text=True)
        return {n for n in ("KSP Sejahtera", "KSU Maju", "KSU Lama") if n in html}

    assert names("") == {"KSP Sejahtera", "KSU Maju", "KSU Lama"}
    assert names("q=sejaht") == {"KSP Sejahtera"}
    assert names(f"regency={tarakan.id}") == {"KSU Maju", "KSU Lama"}
    assert names("stage=certified") == {"KSU Maju"}
    assert names("active=0") == {"KSU Lama"}
    assert names("stage=bogus") == {"KSP Sejahtera", "KSU Maju", "KSU Lama"}


def test_detail_shows_the_cooperative(client, make_user, make_cooperative, auth):
    coop = make_cooperative(
        name="KSP Benuanta",
        nik="6501000000000009",
        stage="certified",
        legal_entity_number="12/BH/XVII/2015",
    )
    make_user("boss", role="supervisor")
    auth.login(client, "boss")
    html = client.get(f"/cooperatives/{coop.id}").get_data(as_text=True)
    assert "KSP Benuanta" in html and "6501000000000009" in html and "12/BH/XVII/2015" in html
    assert "Tersertifikasi (NIK)" in html


@pytest.mark.parametrize("role", ["supervisor", "ppkl"])
def test_list_uses_a_fixed_number_of_queries(app, client, make_user, make_cooperative, auth, role):
    from ppkl.extensions import db

    make_user("someone", role=role)
    auth.login(client, "someone")

    def queries_for_list():
        with count_queries(db.engine) as statements:
            assert client.get("/cooperatives/").status_code == 200
        return len(statements)

    for _ in range(10):
        make_cooperative()
    small = queries_for_list()
    for _ in range(490):
        make_cooperative()
    assert queries_for_list() == small
    # user, count, rows, regencies, districts (+ officers for the filter, supervisors only)
    assert small <= 6


def test_pagination_is_translated_and_keeps_the_filters(
    app, client, make_user, make_cooperative, auth
):
    app.config["PER_PAGE"] = 2
    for _ in range(5):
        make_cooperative(stage="rat_held")
    make_user("boss", role="supervisor")
    auth.login(client, "boss")
    html = client.get("/cooperatives/?stage=rat_held").get_data(as_text=True)
    assert "Halaman 1 dari 3" in html and "Berikutnya" in html
    assert 'href="/cooperatives/?stage=rat_held&amp;page=2"' in html
