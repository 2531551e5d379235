"""The province recap report: the office's table from the demo data, in both languages."""

import csv
from pathlib import Path

from ppkl.clock import office_today
from ppkl.extensions import db
from ppkl.reports import services
from ppkl.reports.render import report_context
from tests.helpers import post_form
from tests.reports.conftest import pdf_text

TABLE = Path(__file__).parent.parent / "data" / "kaltara-2019-06-recap.csv"


def office_rows(decimal_mark: str) -> list[str]:
    """Each row of the June 2019 table as the PDF's text shows it."""
    with TABLE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    lines = []
    for row in rows:
        name = "Kalimantan Utara" if row["regency"] == "TOTAL" else row["regency"]
        cells = [row[k] for k in ("active", "inactive", "total", "certified", "in_progress")]
        lines.append(" ".join([name, *cells, row["percentage"].replace(".", decimal_mark)]))
    return lines


def test_recap_pdf_reproduces_the_office_table_in_indonesian(demo_report_app):
    with report_context("id"):
        rendered = services.recap_pdf(db.session, office_today(), None)
    text = pdf_text(rendered.pdf)
    assert "CAPAIAN KOPERASI PROVINSI KALIMANTAN UTARA" in text
    assert "Bulungan 109 70 179 41 5 37,61" in text
    for line in office_rows(","):
        assert line in text
    assert "Aktif Tidak Aktif Total Koperasi Bersertifikat NIK" in text
    assert "Halaman 1 dari 2" in text  # the second page: each regency's progress chart
    db.session.rollback()


def test_recap_pdf_in_english_uses_a_decimal_point(demo_report_app):
    with report_context("en"):
        text = pdf_text(services.recap_pdf(db.session, office_today(), None).pdf)
    assert "Bulungan 109 70 179 41 5 37.61" in text
    assert "Page 1 of 2" in text
    db.session.rollback()


def test_recap_html_view_shows_the_table_and_chart(demo_report_app):
    from tests.helpers import login

    client = demo_report_app.test_client()
    login(client, "supervisor", "ppkl-demo")
    response = client.get(f"/reports/recap?as_of={office_today().isoformat()}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "37,61" in html and "<svg" in html
    assert html.count("<rect") >= 5 * 3  # a stacked bar for each regency


def test_recap_as_of_a_past_day_uses_the_history(demo_report_app):
    from datetime import date

    with report_context("id"):
        june = pdf_text(services.recap_pdf(db.session, date(2019, 6, 30), None).pdf)
        january = services.build_recap_report(db.session, date(2019, 1, 31))
    assert "Per 30 Juni 2019" in june
    for line in office_rows(","):
        assert line in june
    assert january.recap.total.certified < 70
    db.session.rollback()


def test_recap_for_a_future_day_is_refused(demo_report_app):
    from tests.helpers import login

    client = demo_report_app.test_client()
    login(client, "supervisor", "ppkl-demo")
    response = client.get("/reports/recap?as_of=2999-01-01")
    assert response.status_code == 400
    assert 'id="as_of-error"' in response.get_data(as_text=True)


def test_recap_shows_progress_toward_the_year_target(
    app, report_dirs, make_regency, make_cooperative
):
    from ppkl.models import CertificationTarget

    bulungan = make_regency("Bulungan")
    for i in range(3):
        make_cooperative(regency=bulungan, stage="certified", nik=f"650100000000010{i}")
    make_cooperative(regency=bulungan)
    year = office_today().year
    db.session.add_all(
        [
            CertificationTarget(year=year, province_id=bulungan.province_id, target=12),
            CertificationTarget(year=year, regency_id=bulungan.id, target=4),
        ]
    )
    db.session.commit()
    with report_context("id"):
        text = pdf_text(services.recap_pdf(db.session, office_today(), None).pdf)
    assert f"Kemajuan menuju target sertifikasi {year}" in text
    assert "Kalimantan Utara 12 3 25,00% 9" in text
    assert "Bulungan 4 3 75,00% 1" in text


def test_recap_pdf_download(app, report_dirs, make_user, make_regency, client, auth):
    make_regency("Bulungan")
    make_user("ppkl01", role="ppkl")
    auth.login(client, "ppkl01")
    response = post_form(
        client, "/reports/recap/pdf", {"as_of": office_today().isoformat()}, page="/reports/"
    )
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "Bulungan 0 0 0 0 0 0,00" in pdf_text(response.data)


def test_recap_pdf_shows_the_progress_over_the_year(demo_report_app):
    from datetime import date

    from ppkl.recap_past import recap_as_of

    with report_context("id"):
        report = services.build_recap_report(db.session, date(2019, 6, 30))
        text = pdf_text(services.recap_pdf(db.session, date(2019, 6, 30), None).pdf)
    assert "Kemajuan sepanjang 2019" in text
    assert "Kalimantan Utara · target 500" in text
    assert "Dengan laju saat ini (20,3 per bulan), target 500 tidak tercapai" in text
    # The province's numbers beside its chart, and every area's month ends in one table.
    assert "30 Jun 70 250 –" in text
    assert "31 Des – 500 191,8" in text
    regencies = [row.regency for row in recap_as_of(db.session, date(2019, 6, 30)).rows]
    assert [c.progress.label for c in report.progress] == ["Kalimantan Utara", *regencies]
    for day, label in ((date(2019, 1, 31), "31 Jan"), (date(2019, 3, 31), "31 Mar")):
        recap = recap_as_of(db.session, day)
        counts = [recap.total.certified, *(r.certified for r in recap.rows)]
        assert f"{label} {' '.join(str(n) for n in counts)}" in text
    assert "Halaman 2 dari 2" in text
    db.session.rollback()
