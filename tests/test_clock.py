"""The office time zone comes from the TIMEZONE setting, and every office day follows it."""

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from ppkl import InvalidConfiguration
from ppkl.audit.queries import AuditFilter, audit_events
from ppkl.clock import office_date, office_day_end, office_day_start, office_today, office_tz
from ppkl.extensions import db
from ppkl.i18n import format_timestamp
from ppkl.models import AuditEvent
from ppkl.recap_past import recap_as_of
from ppkl.reports.evaluation import EvaluationRules, evaluate_dak
from ppkl.reports.periods import Period

WITA = ZoneInfo("Asia/Makassar")  # UTC+8, the default
WIB = ZoneInfo("Asia/Jakarta")  # UTC+7
# 16:30 UTC on 1 March 2019: already 2 March in WITA (00:30), still 1 March in WIB (23:30).
BETWEEN = datetime(2019, 3, 1, 16, 30)


def test_office_day_bounds_in_naive_utc():
    assert office_day_start(date(2019, 3, 1), WITA) == datetime(2019, 2, 28, 16, 0)
    assert office_day_end(date(2019, 3, 1), WITA) == datetime(2019, 3, 1, 16, 0)
    assert office_day_start(date(2019, 3, 1), WIB) == datetime(2019, 2, 28, 17, 0)
    assert office_day_end(date(2019, 3, 1), WIB) == datetime(2019, 3, 1, 17, 0)


def test_office_date_of_a_stored_timestamp_depends_on_the_zone():
    assert office_date(BETWEEN, WITA) == date(2019, 3, 2)
    assert office_date(BETWEEN, WIB) == date(2019, 3, 1)


def test_the_zone_is_the_timezone_setting(app, extra_app):
    assert office_tz() == WITA
    assert office_day_end(date(2019, 3, 1)) == datetime(2019, 3, 1, 16, 0)
    with extra_app(TIMEZONE="Asia/Jakarta").app_context():
        assert office_tz() == WIB
        assert office_day_end(date(2019, 3, 1)) == datetime(2019, 3, 1, 17, 0)
        assert office_date(BETWEEN) == date(2019, 3, 1)


def test_office_today_follows_the_setting(app, extra_app):
    # 25 hours apart: whatever the moment, these two zones are on different dates.
    with extra_app(TIMEZONE="Pacific/Kiritimati").app_context():
        ahead = office_today()
    with extra_app(TIMEZONE="Pacific/Pago_Pago").app_context():
        behind = office_today()
    assert (ahead - behind).days in (1, 2)


@pytest.mark.parametrize("name", ["Asia/Atlantis", "", "../../etc/passwd", 8])
def test_an_unknown_zone_is_refused_at_startup(extra_app, name):
    with pytest.raises(InvalidConfiguration, match=f"TIMEZONE {name!r} is not a time zone"):
        extra_app(TIMEZONE=name)


def test_timestamps_are_shown_in_the_office_zone(app, extra_app):
    other = extra_app(TIMEZONE="Asia/Jakarta")
    assert other.config["BABEL_DEFAULT_TIMEZONE"] == "Asia/Jakarta"
    with other.test_request_context():
        assert format_timestamp(BETWEEN) == "1 Maret 2019 23.30"  # the one date and time style
    with app.test_request_context():
        assert format_timestamp(BETWEEN) == "2 Maret 2019 00.30"


def test_audit_day_filter_follows_the_zone(app, extra_app):
    db.session.add(AuditEvent(created_at=BETWEEN, action="sign_in", username="ana"))
    db.session.commit()
    first_of_march = AuditFilter(date_from=date(2019, 3, 1), date_to=date(2019, 3, 1))
    second_of_march = AuditFilter(date_from=date(2019, 3, 2), date_to=date(2019, 3, 2))

    assert db.session.scalars(audit_events(first_of_march)).all() == []
    assert len(db.session.scalars(audit_events(second_of_march)).all()) == 1
    with extra_app(TIMEZONE="Asia/Jakarta").app_context():
        assert len(db.session.scalars(audit_events(first_of_march)).all()) == 1
        assert db.session.scalars(audit_events(second_of_march)).all() == []


def test_recap_end_of_day_follows_the_zone(app, extra_app, make_cooperative):
    make_cooperative(created_at=BETWEEN)
    assert recap_as_of(db.session, date(2019, 3, 1)).total.active == 0
    assert recap_as_of(db.session, date(2019, 3, 2)).total.active == 1
    with extra_app(TIMEZONE="Asia/Jakarta").app_context():
        assert recap_as_of(db.session, date(2019, 3, 1)).total.active == 1


def test_report_on_time_share_counts_office_days_of_the_zone(app, extra_app):
    # Visited 26 February; recorded 16:30 UTC on 1 March: 4 office days later in WITA, 3 in WIB.
    visit = SimpleNamespace(visited_on=date(2019, 2, 26), recorded_at=BETWEEN, cooperative_id=1)
    period = Period(date(2019, 2, 1), date(2019, 3, 31))

    def on_time(config) -> int:
        rules = EvaluationRules.from_config(config)
        return evaluate_dak([visit], [], period, rules).reports_on_time

    assert app.config["REPORT_ON_TIME_DAYS"] == 3
    assert on_time(app.config) == 0
    assert on_time(extra_app(TIMEZONE="Asia/Jakarta").config) == 1
