"""The ODS reconciliation's run page on a 360-pixel phone and a 1280-pixel screen."""

from datetime import date

import pytest

from tests.browser.conftest import has_horizontal_overflow, sign_in, writable_demo_server
from tests.browser.test_csp import collect_csp_violations


def a_kept_run(session):
    from flask import current_app
    from sqlalchemy import select

    from ppkl.models import Cooperative, User
    from ppkl.ods.services import ods_options, reconcile_file, save_run
    from tests.ods.extracts import as_xlsx, build_extract

    drift = build_extract(session)
    user = session.scalar(select(User).where(User.username == "supervisor"))
    options = ods_options(current_app.config, date(2019, 8, 10))
    outcome = reconcile_file(session, user, "ods.xlsx", as_xlsx(drift.rows), options)
    run = save_run(session, user, outcome, options.extract_date)
    session.commit()
    return run.id, session.get(Cooperative, drift.entry_ahead).name


@pytest.fixture(scope="module")
def served(databases):
    with writable_demo_server(databases, "browser_ods", a_kept_run) as served:
        yield served


def test_supervisor_applies_a_proposal_on_a_phone(phone, served):
    server, (run_id, name) = served
    violations = collect_csp_violations(phone)
    sign_in(phone, server.url, "supervisor")
    phone.wait_for_url("**/dashboard")
    for group in ("ods_ahead", "conflict", "only_ods", "only_ppkl"):
        phone.goto(f"{server.url}/ods/runs/{run_id}?group={group}")
        assert not has_horizontal_overflow(phone), group
    phone.goto(f"{server.url}/ods/runs/{run_id}?group=ods_ahead")
    line = phone.locator(".ods-line", has_text=name)
    line.get_by_role("checkbox").check()
    phone.get_by_role("button", name="Terapkan usulan yang dicentang").click()
    assert "1 koperasi dipindahkan" in phone.locator(".alert-success").inner_text()
    assert "Diterapkan" in phone.locator(".ods-line", has_text=name).inner_text()
    assert violations == []


def test_the_run_page_fits_a_wide_screen(browser, served):
    server, (run_id, _) = served
    page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID").new_page()
    sign_in(page, server.url, "supervisor")
    page.wait_for_url("**/dashboard")
    page.goto(f"{server.url}/ods/runs/{run_id}?group=conflict")
    assert page.locator(".ods-line").count() == 3
    assert not has_horizontal_overflow(page)
    page.context.close()
