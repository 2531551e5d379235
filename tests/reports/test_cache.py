"""The PDF cache: the same bytes until something the report shows changes."""

from datetime import date, datetime

from ppkl.extensions import db
from ppkl.reports import services
from ppkl.reports.periods import Period
from ppkl.reports.render import report_context
from tests.reports.conftest import JUNE, add_move, add_visit

PERIOD = Period(*JUNE)


def pdf(world, language="id"):
    with report_context(language):
        result = services.officer_pdf(db.session, world.officer, PERIOD, language, world.supervisor)
    db.session.commit()
    return result


def test_cached_until_a_visit_changes(world):
    first = pdf(world)
    again = pdf(world)
    assert not first.from_cache and again.from_cache
    assert again.pdf == first.pdf

    visit = world.visits[0]
    visit.outcome = "Hasil diperbarui"
    db.session.commit()
    changed = pdf(world)
    assert not changed.from_cache and changed.pdf != first.pdf
    assert pdf(world).from_cache


def test_a_new_visit_or_move_renders_afresh(world):
    pdf(world)
    add_visit(world.cooperatives[3], world.officer, date(2019, 6, 21))
    assert not pdf(world).from_cache
    add_move(world.cooperatives[0], world.officer, "rat_held", date(2019, 6, 22), "not_started")
    assert not pdf(world).from_cache
    assert pdf(world).from_cache


def test_removing_a_visit_renders_afresh(world):
    pdf(world)
    world.visits[1].deleted_at = datetime(2019, 7, 1)
    db.session.commit()
    assert not pdf(world).from_cache


def test_language_is_part_of_the_key(world):
    indonesian = pdf(world, "id")
    english = pdf(world, "en")
    assert not english.from_cache and english.pdf != indonesian.pdf
    assert pdf(world, "id").from_cache


def test_only_the_newest_file_of_a_report_is_kept(world, report_dirs):
    pdf(world)
    world.visits[0].outcome = "Lagi"
    db.session.commit()
    pdf(world)
    files = list((report_dirs / "cache").glob("*.pdf"))
    assert len(files) == 1
