"""The officer progress report: its figures against the rows, in the page and in the PDF."""

import re
from datetime import date

import pytest

from ppkl.extensions import db
from ppkl.reports import services
from ppkl.reports.periods import Period, ReportRefused
from ppkl.reports.render import report_context
from tests.reports.conftest import JUNE, add_visit, assign, pdf_text

PERIOD = Period(*JUNE)


def test_figures_follow_the_definitions(world):
    report = services.officer_report(db.session, world.officer, PERIOD)
    assert [c.name for c in report.cooperatives] == [f"KSP Uji {i}" for i in range(1, 6)]
    assert report.stage_counts == {
        "not_started": 1,
        "rat_held": 2,
        "report_received": 0,
        "ods_entered": 1,
        "certified": 1,
    }
    # Moves by this officer effective in June; the May move and ppkl02's move do not count.
    assert report.moves_by_stage == {
        "rat_held": 2,
        "report_received": 0,
        "ods_entered": 0,
        "certified": 1,
    }
    assert report.certificates_issued == 1
    # The removed visit and the May visit are left out.
    assert [v.visited_on.day for v in report.visits] == [3, 10, 28]
    assert report.purpose_counts == {"pembinaan": 2, "pendampingan_rat": 1, "verifikasi_data": 1}
    assert [c.name for c in report.open_follow_ups] == ["KSP Uji 2"]
    by_name = {c.name: c for c in report.cooperatives}
    assert by_name["KSP Uji 5"].last_visit == date(2019, 6, 14)  # ppkl02's visit counts here
    assert by_name["KSP Uji 4"].last_visit == date(2019, 5, 20)
    assert by_name["KSP Uji 2"].next_follow_up == date(2019, 7, 2)
    assert report.evaluation is None  # PPKL officers have no DAK evaluation


def test_last_visit_is_the_latest_up_to_the_period_end_included(world):
    coop = next(c for c in world.cooperatives if c.name == "KSP Uji 4")  # last visit 20 May

    def last_visit():
        report = services.officer_report(db.session, world.officer, PERIOD)
        return next(c.last_visit for c in report.cooperatives if c.id == coop.id)

    add_visit(coop, world.officer, date(2019, 7, 1))
    assert last_visit() == date(2019, 5, 20)
    add_visit(coop, world.officer, date(2019, 6, 30))
    assert last_visit() == date(2019, 6, 30)


def test_flags_are_the_deadline_flags_on_the_last_day(world):
    from ppkl.models import RatRecord

    coop = world.cooperatives[1]
    for year, held in ((2017, date(2018, 5, 2)), (2018, date(2019, 6, 10))):
        db.session.add(
            RatRecord(
                cooperative_id=coop.id,
                fiscal_year=year,
                held_on=held,
                members_present=20,
                members_total=30,
                report_received_on=date(2019, 7, 15) if year == 2018 else held,
            )
        )
    db.session.commit()
    flags = {
        c.name: c.flags
        for c in services.officer_report(db.session, world.officer, PERIOD).cooperatives
    }
    # On 30 June 2019 the RAT of 2017 is overdue and the one of 2018 due (a warning): each
    # flag names its fiscal year, so the two do not read as a contradiction.
    assert [(f.flag, f.fiscal_year, f.due_on) for f in flags["KSP Uji 1"]] == [
        ("rat_overdue", 2017, date(2018, 6, 30)),
        ("rat_due_soon", 2018, date(2019, 6, 30)),
    ]
    assert flags["KSP Uji 2"] == ()
    # By 31 July the 2018 report (received 15 July) is no longer outstanding.
    july = services.officer_report(
        db.session, world.officer, Period(date(2019, 7, 1), date(2019, 7, 31))
    )
    assert {c.name: c.flags for c in july.cooperatives}["KSP Uji 2"] == ()
    # Received after the period: on 10 July... still within 30 days, so no report flag either.
    with report_context("id"):
        text = pdf_text(services.officer_pdf(db.session, world.officer, PERIOD, "id", None).pdf)
    assert "RAT 2017 terlambat" in text and "RAT 2018 jatuh tempo 30 Juni 2019" in text


def test_assignment_history_decides_whose_cooperative_it_was(world, make_cooperative):
    later = make_cooperative(name="KSP Juli")
    assign(later, world.officer, date(2019, 7, 1))
    report = services.officer_report(db.session, world.officer, PERIOD)
    assert "KSP Juli" not in {c.name for c in report.cooperatives}
    may = services.officer_report(db.session, world.officer, Period(date(2019, 5, 1), JUNE[1]))
    assert "KSP Lama" in {c.name for c in may.cooperatives}


def test_pdf_text_matches_the_database(world):
    with report_context("id"):
        result = services.officer_pdf(db.session, world.officer, PERIOD, "id", world.supervisor)
    text = pdf_text(result.pdf)
    assert "LAPORAN KEMAJUAN PETUGAS" in text
    assert "Andi Saputra" in text and "Bulungan" in text
    assert "1 Juni 2019 – 30 Juni 2019" in text
    # Page numbers, the signature block from settings, who generated it.
    assert "Halaman 1 dari" in text
    assert "Mengetahui" in text and "Trianingsih, S.E." in text
    assert "Tanjung Selor," in text
    assert "oleh Trianingsih" in text
    for name in (f"KSP Uji {i}" for i in range(1, 6)):
        assert name in text
    assert "KSP Lama" not in text
    # Dates in the one style of the language; the removed visit is absent.
    assert re.search(r"(?<!\d)3 Juni 2019", text) and "12 Juni 2019" not in text
    assert "Cek laporan RAT" in text


def test_pdf_in_english_follows_the_language(world):
    with report_context("en"):
        result = services.officer_pdf(db.session, world.officer, PERIOD, "en", world.supervisor)
    text = pdf_text(result.pdf)
    assert "OFFICER PROGRESS REPORT" in text
    assert "Page 1 of" in text and "1 June 2019 – 30 June 2019" in text


def test_html_view_uses_the_same_figures(world, client, auth):
    auth.login(client, "ppkl01")
    response = client.get("/reports/officer?start=2019-06-01&end=2019-06-30")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="sum-assigned">5<' in html
    assert 'id="sum-visits">3<' in html
    assert 'id="sum-moves">3<' in html
    assert 'id="sum-certificates">1<' in html
    assert 'id="sum-follow-ups">1<' in html
    assert 'id="stage-rat_held">2<' in html
    assert "<svg" in html and "report.css" in html
    assert "<script" not in html


def test_dak_evaluation(app, report_dirs, make_user, make_cooperative):
    from datetime import datetime

    dak = make_user("dak01", role="dak", full_name="Citra Dewi")
    coops = [make_cooperative(name=f"KSU {i}") for i in range(3)]
    for coop in coops:
        assign(coop, dak, date(2019, 1, 1))
    # Eight visits: two recorded late (more than 3 days after), none to the third cooperative.
    for day in range(1, 9):
        recorded = datetime(2019, 6, day + (5 if day > 6 else 0), 10)
        add_visit(coops[day % 2], dak, date(2019, 6, day), created_at=recorded)
    report = services.officer_report(db.session, dak, PERIOD)
    e = report.evaluation
    assert (e.visits_made, e.visit_target, e.reports_on_time) == (8, 8, 6)
    assert (e.cooperatives_visited, e.cooperatives_assigned) == (2, 3)
    assert [t.reached for t in e.targets] == [True, False, False]
    assert e.targets_met == 1
    with report_context("id"):
        text = pdf_text(services.officer_pdf(db.session, dak, PERIOD, "id", None).pdf)
    assert "Target tercapai" in text and "1 / 3" in text


def test_row_cap_refuses_with_a_message(world, app, client, auth):
    app.config["REPORT_MAX_ROWS"] = 2
    with pytest.raises(ReportRefused) as refused:
        services.officer_report(db.session, world.officer, PERIOD)
    assert refused.value.code == "too_many_cooperatives"
    auth.login(client, "ppkl01")
    response = client.get("/reports/officer?start=2019-06-01&end=2019-06-30")
    assert response.status_code == 400
    assert "lebih dari 2 koperasi" in response.get_data(as_text=True)


def test_period_over_the_cap_is_refused_next_to_the_field(world, client, auth):
    auth.login(client, "ppkl01")
    response = client.get("/reports/officer?start=2018-01-01&end=2019-06-30")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="end-error"' in html and "546 hari" in html and "366 hari" in html


def test_end_before_start_is_refused(world, client, auth):
    auth.login(client, "ppkl01")
    response = client.get("/reports/officer?start=2019-06-30&end=2019-06-01")
    assert response.status_code == 400
    assert 'id="end-error"' in response.get_data(as_text=True)


def test_report_queries_do_not_grow_with_the_data(world, make_cooperative, query_counter):
    db.session.expire_all()
    with query_counter() as small:
        services.officer_report(db.session, world.officer, PERIOD)
    for i in range(40):
        coop = make_cooperative(name=f"KSP Banyak {i}")
        assign(coop, world.officer, date(2019, 2, 1))
        add_visit(coop, world.officer, date(2019, 6, 1 + i % 28))
    db.session.expire_all()
    with query_counter() as large:
        services.officer_report(db.session, world.officer, PERIOD)
    assert len(small) == len(large) <= 7  # the officer, then six report queries (months too)


def test_a_visit_on_the_periods_last_day_counts(world):
    coop = world.cooperatives[3]  # last visited on 20 May
    add_visit(coop, world.other_officer, PERIOD.end, ("pembinaan",))
    report = services.officer_report(db.session, world.officer, PERIOD)
    assert {c.name: c.last_visit for c in report.cooperatives}[coop.name] == PERIOD.end


def test_a_rat_held_on_the_periods_last_day_is_known_that_day(world):
    from ppkl.models import RatRecord

    coop = world.cooperatives[0]  # no RAT on record: both years flagged on 30 June
    for year, held in ((2017, date(2018, 5, 2)), (2018, PERIOD.end)):
        db.session.add(
            RatRecord(
                cooperative_id=coop.id,
                fiscal_year=year,
                held_on=held,
                members_present=20,
                members_total=30,
                report_received_on=held,
            )
        )
    db.session.commit()
    report = services.officer_report(db.session, world.officer, PERIOD)
    assert {c.name: c.flags for c in report.cooperatives}[coop.name] == ()


def test_the_report_says_which_certificates_have_their_evidence_on_file(world):
    from sqlalchemy import select

    from ppkl.models import CertificateDocument, CooperativeHistory

    certified = world.cooperatives[4]

    def on_file():
        report = services.officer_report(db.session, world.officer, PERIOD)
        return report, {c.name: c.certificate_on_file for c in report.cooperatives}

    report, lines = on_file()
    assert lines["KSP Uji 5"] is False and report.certificates_on_file == 0
    with report_context("id"):
        text = pdf_text(services.officer_pdf(db.session, world.officer, PERIOD, "id", None).pdf)
    assert "tidak ada sertifikat tersimpan" in text
    move = db.session.scalar(
        select(CooperativeHistory).where(CooperativeHistory.cooperative_id == certified.id)
    )
    db.session.add(
        CertificateDocument(
            cooperative_id=certified.id,
            history_id=move.id,
            stored_name="x.jpg",
            content_type="image/jpeg",
            size=10,
        )
    )
    db.session.commit()
    report, lines = on_file()
    assert lines == {f"KSP Uji {i}": i == 5 for i in range(1, 6)}
    assert (report.certificates_on_file, report.certified_cooperatives) == (1, 1)
    with report_context("id"):
        text = pdf_text(services.officer_pdf(db.session, world.officer, PERIOD, "id", None).pdf)
    assert "(sertifikat tersimpan)" in text
