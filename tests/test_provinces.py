"""Provinces: the migration's province, the national role, targets per area, the import's
province column, the admin's province form, the demo's extra provinces and the reports'
letterhead per scope."""

from datetime import date

import pytest
from sqlalchemy import func, select

from ppkl.extensions import db
from ppkl.models import Cooperative, Province, Regency, User
from tests.helpers import post_form


@pytest.fixture
def two(default_province, make_province, make_regency, make_user, make_cooperative):
    """Kalimantan Utara (Bulungan) and Gorontalo (Kota Gorontalo), a supervisor each."""
    north = default_province()
    gorontalo = make_province(
        "Gorontalo",
        "75",
        office_name="Dinas Koperasi dan UKM Provinsi Gorontalo",
        office_place="Gorontalo",
        signatory_name="Rahmat Hulu",
        signatory_title="Kepala Bidang Kelembagaan",
        timezone="Asia/Makassar",
    )
    bulungan = make_regency("Bulungan", province=north)
    kota = make_regency("Kota Gorontalo", province=gorontalo)
    make_cooperative(regency=bulungan, name="KSP Utara", nik="6501000000000001", stage="certified")
    make_cooperative(regency=kota, name="KSP Gorontalo")
    make_user("boss", role="supervisor", province=north)
    make_user("boss75", role="supervisor", province=gorontalo)
    make_user("menteri", role="national")
    make_user("root", role="admin")
    return {"north": north, "gorontalo": gorontalo, "bulungan": bulungan, "kota": kota}


def test_the_migration_puts_existing_data_under_one_province_and_back(databases):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    from tests.helpers import make_app

    app = make_app(databases.new("province_migration"), OFFICE_PLACE="Tanjung Selor Kota")
    with app.app_context():
        upgrade(revision="derived_01")
        db.session.execute(text("INSERT INTO regency (name) VALUES ('Bulungan')"))
        db.session.execute(
            text(
                "INSERT INTO user_account (username, full_name, password_hash, role, active,"
                " session_version, created_at) VALUES"
                " ('boss', 'Boss', 'x', 'supervisor', true, 1, '2019-01-01'),"
                " ('root', 'Root', 'x', 'admin', true, 1, '2019-01-01')"
            )
        )
        db.session.commit()
        upgrade()
        row = db.session.execute(
            text("SELECT id, name, code, office_place, timezone FROM province")
        ).one()
        assert row[1:] == ("Kalimantan Utara", "65", "Tanjung Selor Kota", "Asia/Makassar")
        assert db.session.execute(text("SELECT province_id FROM regency")).scalar() == row.id
        homes = db.session.execute(text("SELECT username, province_id FROM user_account"))
        homes = dict(homes.all())
        assert homes == {"boss": row.id, "root": None}
        db.session.commit()
        downgrade(revision="derived_01")
        assert "province" not in inspect(db.engine).get_table_names()
        assert db.session.execute(text("SELECT name FROM regency")).scalar() == "Bulungan"
        db.session.commit()
        db.engine.dispose()


def test_national_role_reads_and_prints_but_changes_nothing(client, auth, two):
    from ppkl.permissions import ROLE_PERMISSIONS, Permission

    allowed = ROLE_PERMISSIONS["national"]
    assert Permission.VIEW_ALL_COOPERATIVES in allowed and Permission.PRINT_ANY_REPORT in allowed
    for refused in (
        Permission.ASSIGN_COOPERATIVES,
        Permission.LOG_VISITS,
        Permission.MOVE_STAGE,
        Permission.SUPERVISE_CERTIFICATION,
        Permission.IMPORT_COOPERATIVES,
        Permission.MANAGE_USERS,
    ):
        assert refused not in allowed
    auth.login(client, "menteri")
    html = client.get("/cooperatives/").get_data(as_text=True)
    assert "KSP Utara" in html and "KSP Gorontalo" in html
    assert client.get("/assignments/").status_code == 403
    assert client.get("/visits/new").status_code == 403


def test_a_supervisor_lists_only_their_province(client, auth, two):
    auth.login(client, "boss75")
    html = client.get("/cooperatives/").get_data(as_text=True)
    assert "KSP Gorontalo" in html and "KSP Utara" not in html
    coop = db.session.scalar(select(Cooperative).where(Cooperative.name == "KSP Utara"))
    assert client.get(f"/cooperatives/{coop.id}").status_code == 404


def test_the_national_recap_has_a_row_per_province_and_drills_down(client, auth, two):
    auth.login(client, "menteri")
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Capaian Koperasi Nasional" in html
    assert f"/dashboard?province={two['gorontalo'].id}" in html
    assert "Bulungan" not in html
    drill = client.get(f"/dashboard?province={two['north'].id}").get_data(as_text=True)
    assert "Capaian Koperasi Provinsi Kalimantan Utara" in drill and "Bulungan" in drill


def test_with_one_province_the_nation_sees_that_provinces_recap(
    client, auth, make_user, make_cooperative
):
    make_cooperative()
    make_user("root", role="admin")
    auth.login(client, "root")
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Capaian Koperasi Provinsi Kalimantan Utara" in html and "Bulungan" in html


def test_targets_per_nation_province_and_regency(app, two):
    from ppkl.certification.ledger import set_target
    from ppkl.certification.queries import target_progress
    from ppkl.coverage import recap_scope
    from ppkl.domain import DomainError
    from ppkl.recap_past import recap_of

    root = db.session.scalar(select(User).where(User.username == "root"))
    boss = db.session.scalar(select(User).where(User.username == "boss"))
    boss75 = db.session.scalar(select(User).where(User.username == "boss75"))
    set_target(root, 2019, None, 1000)  # the nation's
    set_target(root, 2019, None, 300, province_id=two["gorontalo"].id)
    set_target(boss, 2019, None, 500)  # the supervisor's own province
    set_target(boss, 2019, two["bulungan"].id, 60)
    with pytest.raises(DomainError):
        set_target(boss75, 2019, two["bulungan"].id, 1)  # another province's regency
    db.session.commit()
    day = date(2019, 6, 30)

    def labels(user, province_id=None):
        shown = recap_scope(user, province_id)
        recap = recap_of(db.session, shown)
        with app.test_request_context():
            found = target_progress(recap, day, shown)
        return {(t.label, t.target, t.achieved) for t in found}

    assert labels(boss) == {("Kalimantan Utara", 500, 1), ("Bulungan", 60, 1)}
    assert labels(boss75) == {("Gorontalo", 300, 0)}
    assert labels(root) == {
        ("Indonesia", 1000, 1),
        ("Kalimantan Utara", 500, 1),
        ("Gorontalo", 300, 0),
    }


def test_the_targets_page_of_a_supervisor_shows_only_their_province(client, auth, two):
    from ppkl.certification.ledger import set_target

    root = db.session.scalar(select(User).where(User.username == "root"))
    set_target(root, 2019, two["bulungan"].id, 60)
    db.session.commit()
    auth.login(client, "boss75")
    html = client.get("/certification/targets?year=2019").get_data(as_text=True)
    assert "Bulungan" not in html
    response = post_form(
        client,
        "/certification/targets/remove",
        {"year": "2019", "regency_id": str(two["bulungan"].id)},
        page="/certification/targets?year=2019",
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Regency)) == 2
    from ppkl.models import CertificationTarget

    assert db.session.scalar(select(func.count(CertificationTarget.id))) == 1


def import_csv(runner, tmp_path, text, *args):
    path = tmp_path / "koperasi.csv"
    path.write_text(text, encoding="utf-8")
    return runner.invoke(args=["import-cooperatives", str(path), *args])


def test_the_import_reads_a_province_column_with_several_provinces(runner, tmp_path, two):
    text = (
        "Nama Koperasi,Kabupaten/Kota,Provinsi\n"
        "KSP Baru Utara,Bulungan,Kalimantan Utara\n"
        "KSP Baru Gorontalo,Kota Gorontalo,75\n"
        "KSP Kabupaten Baru,Kabupaten Bone Bolango,Provinsi Gorontalo\n"
    )
    result = import_csv(runner, tmp_path, text, "--create-regencies")
    assert result.exit_code == 0, result.output
    bone = db.session.scalar(select(Regency).where(Regency.name == "Kabupaten Bone Bolango"))
    assert bone.province_id == two["gorontalo"].id


def test_an_unknown_or_mismatched_province_is_a_row_numbered_problem(runner, tmp_path, two):
    text = (
        "name,regency,province\n"
        "KSP A,Bulungan,Atlantis\n"
        "KSP B,Bulungan,Gorontalo\n"
        "KSP C,Kabupaten Baru,\n"
    )
    before = db.session.scalar(select(func.count(Cooperative.id)))
    result = import_csv(runner, tmp_path, text, "--create-regencies")
    assert result.exit_code == 1
    assert "row 2, column province, value 'Atlantis': Unknown province" in result.output
    assert "row 3, column province, value 'Gorontalo'" in result.output
    assert "Kalimantan Utara" in result.output
    assert "row 4, column province" in result.output
    assert db.session.scalar(select(func.count(Cooperative.id))) == before


def test_the_province_option_names_the_files_province(runner, tmp_path, two):
    text = "name,regency\nKSP Opsi,Kabupaten Gorontalo Utara\n"
    result = import_csv(runner, tmp_path, text, "--create-regencies", "--province", "75")
    assert result.exit_code == 0, result.output
    made = db.session.scalar(select(Regency).where(Regency.name == "Kabupaten Gorontalo Utara"))
    assert made.province_id == two["gorontalo"].id
    result = import_csv(runner, tmp_path, text, "--province", "Atlantis")
    assert result.exit_code == 1 and "unknown province" in result.output


def test_a_supervisors_import_reaches_only_their_province(runner, tmp_path, two):
    text = "name,regency,province\nKSP Seberang,Bulungan,Kalimantan Utara\n"
    result = import_csv(runner, tmp_path, text, "--as", "boss75")
    assert result.exit_code == 1
    assert "Unknown province" in result.output and "Unknown regency" in result.output


def test_the_admin_edits_a_province_with_messages_next_to_fields(client, auth, two):
    auth.login(client, "root")
    page = f"/admin/provinces/{two['gorontalo'].id}"
    assert "Gorontalo" in client.get("/admin/provinces/").get_data(as_text=True)
    data = {
        "name": "Kalimantan Utara",
        "code": "7",
        "office_name": "Dinas",
        "office_place": "Gorontalo",
        "signatory_name": "A",
        "signatory_title": "B",
        "signatory_nip": "",
        "timezone": "Asia/Makassar",
    }
    response = post_form(client, page, data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Dua angka" in html
    data["code"] = "75"
    response = post_form(client, page, data)
    assert response.status_code == 400
    assert "Provinsi lain sudah memakai nama ini." in response.get_data(as_text=True)
    data.update(name="Gorontalo", office_place="Limboto", timezone="Asia/Jakarta")
    assert post_form(client, page, data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Province, two["gorontalo"].id).office_place == "Limboto"


def test_the_admin_gives_a_supervisor_a_province(client, auth, two):
    auth.login(client, "root")
    data = {
        "username": "boss2",
        "full_name": "Boss Two",
        "role": "supervisor",
        "province_id": "0",
        "regency_id": "0",
        "password": "a long enough pass phrase 42",
    }
    response = post_form(client, "/admin/users/new", data)
    assert response.status_code == 200
    assert "Supervisor dan petugas harus memiliki provinsi." in response.get_data(as_text=True)
    data["province_id"] = str(two["gorontalo"].id)
    assert post_form(client, "/admin/users/new", data).status_code == 302
    made = db.session.scalar(select(User).where(User.username == "boss2"))
    assert made.province_id == two["gorontalo"].id


def test_the_recap_pdf_carries_the_provinces_letterhead(app, two):
    from ppkl.reports import services
    from ppkl.reports.render import report_context
    from tests.reports.conftest import pdf_text

    boss75 = db.session.scalar(select(User).where(User.username == "boss75"))
    with report_context("id"):
        text = pdf_text(services.recap_pdf(db.session, date.today(), boss75).pdf)
    assert "Dinas Koperasi dan UKM Provinsi Gorontalo" in text
    assert "CAPAIAN KOPERASI PROVINSI GORONTALO" in text
    assert "Rahmat Hulu" in text and "Bulungan" not in text
    menteri = db.session.scalar(select(User).where(User.username == "menteri"))
    with report_context("id"):
        text = pdf_text(services.recap_pdf(db.session, date.today(), menteri).pdf)
    assert "Kementerian Koperasi Republik Indonesia" in text
    assert "CAPAIAN KOPERASI NASIONAL" in text and "Jakarta," in text


def test_the_recap_export_follows_the_drill_down(client, auth, two):
    auth.login(client, "menteri")
    page = f"/dashboard?province={two['gorontalo'].id}"
    response = post_form(
        client,
        "/export/recap",
        {"fmt": "csv", "province": str(two["gorontalo"].id)},
        page=page,
    )
    text = response.get_data(as_text=True)
    assert "Kota Gorontalo" in text and "Bulungan" not in text
    response = post_form(client, "/export/recap", {"fmt": "csv"}, page="/dashboard")
    text = response.get_data(as_text=True)
    assert "Gorontalo" in text and "Kalimantan Utara" in text and "Bulungan" not in text


def test_a_national_account_prints_one_provinces_recap(client, auth, two):
    from tests.reports.conftest import pdf_text

    auth.login(client, "menteri")
    gorontalo = two["gorontalo"]
    form = client.get("/reports/").get_data(as_text=True)
    assert f'<option value="{gorontalo.id}">Gorontalo</option>' in form
    today = date.today().isoformat()
    page = client.get(f"/reports/recap?as_of={today}&province={gorontalo.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Kota Gorontalo" in html and "Bulungan" not in html
    assert f'name="province" value="{gorontalo.id}"' in html  # the download keeps the choice
    pdf = post_form(
        client,
        "/reports/recap/pdf",
        {"as_of": today, "province": str(gorontalo.id)},
        page=f"/reports/recap?as_of={today}&province={gorontalo.id}",
    )
    assert pdf.status_code == 200
    assert f"capaian-koperasi-75-{today}.pdf" in pdf.headers["Content-Disposition"]
    text = pdf_text(pdf.data)
    assert "CAPAIAN KOPERASI PROVINSI GORONTALO" in text and "Bulungan" not in text


def test_a_province_account_cannot_choose_another_province(client, auth, two):
    auth.login(client, "boss")
    form = client.get("/reports/").get_data(as_text=True)
    assert 'name="province"' not in form
    today = date.today().isoformat()
    page = client.get(f"/reports/recap?as_of={today}&province={two['gorontalo'].id}")
    assert page.status_code == 400
    assert "Kota Gorontalo" not in page.get_data(as_text=True)


def test_the_sign_in_page_names_the_province_only_when_there_is_one(
    client, default_province, make_province
):
    default_province()
    html = client.get("/login").get_data(as_text=True)
    assert "Pemantauan sertifikasi koperasi, Kalimantan Utara" in html
    make_province("Gorontalo", "75")
    html = client.get("/login").get_data(as_text=True)
    assert "Pemantauan sertifikasi koperasi" in html and "Kalimantan Utara" not in html
