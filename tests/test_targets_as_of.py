"""Targets in a recap as of a past day are the targets in force at the end of that day."""

from datetime import date, datetime

from sqlalchemy import select

from ppkl.certification.ledger import remove_target, set_target
from ppkl.clock import office_today
from ppkl.extensions import db
from ppkl.models import TargetChange
from ppkl.reports.recap_report import build_recap_report

YEAR = office_today().year - 1  # a year whose days are all in the past


def targets(day: date) -> list[tuple[str, int]]:
    with db.session.no_autoflush:
        return [(t.label, t.target) for t in build_recap_report(db.session, day).targets]


def test_a_target_set_today_is_not_in_the_recap_of_an_earlier_day(
    app, make_user, make_regency, make_cooperative
):
    boss = make_user("boss", role="supervisor")
    bulungan = make_regency("Bulungan")
    make_cooperative(regency=bulungan, stage="certified", nik="6501000000000101")
    # In February of YEAR the office set 300 for the province.
    db.session.add(
        TargetChange(
            year=YEAR,
            target=300,
            province_id=boss.province_id,
            changed_by_id=boss.id,
            changed_at=datetime(YEAR, 2, 1),
        )
    )
    db.session.commit()
    # Today it raises the province target and adds one for Bulungan.
    set_target(boss, YEAR, None, 450)
    set_target(boss, YEAR, bulungan.id, 40)
    db.session.commit()

    with app.test_request_context():
        assert targets(date(YEAR, 1, 15)) == []
        assert targets(date(YEAR, 6, 30)) == [("Kalimantan Utara", 300)]
        assert targets(date(YEAR, 12, 31)) == [("Kalimantan Utara", 300)]


def test_a_removed_target_leaves_the_recap_from_its_removal_on(app, make_user):
    boss = make_user("boss", role="supervisor")
    for target, month in ((300, 2), (None, 8)):
        db.session.add(
            TargetChange(
                year=YEAR,
                target=target,
                province_id=boss.province_id,
                changed_by_id=boss.id,
                changed_at=datetime(YEAR, month, 1),
            )
        )
    db.session.commit()
    with app.test_request_context():
        assert targets(date(YEAR, 7, 31)) == [("Kalimantan Utara", 300)]
        assert targets(date(YEAR, 8, 2)) == []


def test_setting_and_removing_write_the_history(app, make_user):
    boss = make_user("boss", role="supervisor")
    set_target(boss, YEAR + 1, None, 10)
    remove_target(boss, YEAR + 1, None)
    db.session.commit()
    rows = db.session.execute(select(TargetChange.target).order_by(TargetChange.id)).scalars()
    assert list(rows) == [10, None]
