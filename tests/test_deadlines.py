"""Deadline flags on their boundary dates, and the rules read from configuration."""

from datetime import date

import pytest

from ppkl.certification.deadlines import (
    DeadlineRules,
    Flag,
    RatFacts,
    compliance,
    deadline_flags,
    flags_for,
    inactivity_window,
    last_ended_fiscal_year,
    overdue_fiscal_year,
    rat_due_date,
    rules_from_config,
    warning_fiscal_year,
)

RULES = DeadlineRules()


def test_defaults_due_30_june_warning_31_march():
    assert rat_due_date(2018, RULES) == date(2019, 6, 30)
    assert last_ended_fiscal_year(date(2018, 12, 31), RULES) == 2017
    assert last_ended_fiscal_year(date(2019, 1, 1), RULES) == 2018


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2019, 3, 30), set()),
        (date(2019, 3, 31), {Flag.RAT_DUE_SOON}),
        (date(2019, 6, 30), {Flag.RAT_DUE_SOON}),  # the due day itself is on time
        (date(2019, 7, 1), {Flag.RAT_OVERDUE}),
        (date(2020, 1, 1), {Flag.RAT_OVERDUE}),  # FY 2018 is still missing
    ],
)
def test_rat_flags_on_boundary_dates(today, expected):
    # The FY 2017 RAT was held on time; nothing for FY 2018.
    rats = [RatFacts(2017, date(2018, 4, 1), date(2018, 4, 10))]
    assert flags_for(True, rats, today, RULES) == expected


def test_holding_the_rat_clears_the_flags():
    rats = [RatFacts(2018, date(2019, 8, 1), date(2019, 8, 5))]
    assert flags_for(True, rats, date(2019, 9, 1), RULES) == set()


def test_report_overdue_after_30_days():
    rats = [RatFacts(2018, date(2019, 3, 1), None)]
    assert Flag.REPORT_OVERDUE not in flags_for(True, rats, date(2019, 3, 31), RULES)
    assert Flag.REPORT_OVERDUE in flags_for(True, rats, date(2019, 4, 1), RULES)
    received = [RatFacts(2018, date(2019, 3, 1), date(2019, 5, 1))]
    assert Flag.REPORT_OVERDUE not in flags_for(True, received, date(2019, 6, 1), RULES)


def test_inactive_cooperatives_are_never_flagged():
    assert flags_for(False, [], date(2020, 1, 1), RULES) == set()


def test_rules_come_from_configuration():
    rules = rules_from_config(
        {"RAT_DUE": "04-30", "RAT_WARNING_FROM": "02-01", "RAT_REPORT_DUE_DAYS": 14}
    )
    assert rat_due_date(2018, rules) == date(2019, 4, 30)
    assert warning_fiscal_year(date(2019, 2, 1), rules) == 2018
    assert warning_fiscal_year(date(2019, 1, 31), rules) is None
    assert overdue_fiscal_year(date(2019, 5, 1), rules) == 2018
    rats = [RatFacts(2018, date(2019, 3, 1), None)]
    assert Flag.REPORT_OVERDUE in flags_for(True, rats, date(2019, 3, 16), rules)
    with pytest.raises(ValueError):
        rules_from_config({"RAT_DUE": "02-30"})


def test_inactivity_window_is_the_last_three_ended_years():
    assert inactivity_window(date(2019, 6, 30), RULES) == (2016, 2018)
    assert inactivity_window(date(2019, 6, 30), DeadlineRules(inactivity_years=2)) == (2017, 2018)


def test_compliance_year_by_year_newest_first():
    rats = [
        RatFacts(2016, date(2017, 5, 1), date(2017, 5, 20)),  # on time, report on time
        RatFacts(2018, date(2019, 7, 2), date(2019, 9, 1)),  # late RAT, late report
    ]
    lines = compliance(rats, 2016, date(2019, 10, 1), RULES)
    assert [line.fiscal_year for line in lines] == [2018, 2017, 2016]
    late, missing, good = lines
    assert (late.rat_on_time, late.report_on_time) == (False, False)
    assert missing.held_on is None and missing.rat_on_time is None
    assert (good.rat_on_time, good.report_on_time) == (True, True)


@pytest.mark.parametrize(
    "override",
    [
        {"RAT_DUE": "02-30"},
        {"RAT_WARNING_FROM": "March"},
        {"RAT_REPORT_DUE_DAYS": "thirty"},
        {"HEALTH_CATEGORIES": []},
    ],
)
def test_the_app_refuses_to_start_with_bad_deadline_settings(override):
    from ppkl import create_app

    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", **override}
    with pytest.raises(ValueError, match="must"):
        create_app(config)


def test_each_flag_names_its_fiscal_year():
    # 1 May 2019, no RAT ever: FY 2017 is overdue and FY 2018 due by 30 June: two facts.
    rats = [RatFacts(2016, date(2017, 5, 1), None)]
    flags = deadline_flags(True, rats, date(2019, 5, 1), RULES)
    assert [(f.flag, f.fiscal_year, f.due_on) for f in flags] == [
        (Flag.RAT_OVERDUE, 2017, date(2018, 6, 30)),
        (Flag.REPORT_OVERDUE, 2016, date(2017, 5, 31)),
        (Flag.RAT_DUE_SOON, 2018, date(2019, 6, 30)),
    ]
    assert flags_for(True, rats, date(2019, 5, 1), RULES) == {f.flag for f in flags}


def test_flag_labels_name_the_year_in_both_languages(app):
    from flask_babel import force_locale

    from ppkl.certification.labels import deadline_flag_label

    flags = deadline_flags(True, [RatFacts(2016, date(2017, 5, 1), None)], date(2019, 5, 1), RULES)
    with app.test_request_context(), force_locale("id"):
        assert [deadline_flag_label(f) for f in flags] == [
            "RAT 2017 terlambat",
            "Laporan RAT 2016 terlambat",
            "RAT 2018 jatuh tempo 30 Juni 2019",
        ]
    with app.test_request_context(), force_locale("en"):
        assert deadline_flag_label(flags[2]) == "RAT 2018 due 30 June 2019"
