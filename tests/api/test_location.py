"""Location as proof of visit: distance, flags, the cooperative's recorded place, the PDF."""

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from ppkl.clock import utcnow
from ppkl.cooperatives.places import set_place
from ppkl.extensions import db
from ppkl.location import LocationLimits, Position, haversine_km, location_flag
from ppkl.models import AuditEvent, CooperativeLocation, Visit
from tests.api.conftest import location, visit_body
from tests.conftest import post_form
from tests.reports.conftest import report_dirs, world  # noqa: F401,F811  (fixtures)

TANJUNG_SELOR = Position(2.8375, 117.3653)
TARAKAN = Position(3.3000, 117.6333)


def test_haversine_against_a_known_distance():
    # Tanjung Selor to Tarakan, about 59 km apart.
    assert haversine_km(TANJUNG_SELOR, TARAKAN) == pytest.approx(59.3, abs=0.5)
    assert haversine_km(TARAKAN, TARAKAN) == 0


@pytest.mark.parametrize(
    "lat, lon, accuracy, expected",
    [
        (2.8375, 117.3653, 10, None),
        (2.8500, 117.3653, 10, None),  # 1.4 km: within 2 km
        (2.8600, 117.3653, 10, "far"),  # 2.5 km
        (2.8375, 117.3653, 150, "inaccurate"),
    ],
)
def test_flag_follows_the_configured_limits(lat, lon, accuracy, expected):
    visit = Visit(latitude=lat, longitude=lon, accuracy_m=accuracy)
    flag = location_flag(visit, TANJUNG_SELOR, LocationLimits(2.0, 100.0))
    assert (flag.value if flag else None) == expected
    assert location_flag(Visit(), TANJUNG_SELOR, LocationLimits()) is None


def place(coop, user, position=TANJUNG_SELOR):
    set_place(user, coop, position.latitude, position.longitude, utcnow())
    db.session.commit()


def test_a_far_visit_is_flagged_in_the_api_and_on_the_pages(client, auth, field, officer_token):
    place(field["coop"], field["boss"])
    far = visit_body(field["coop"], location=location(TARAKAN.latitude, TARAKAN.longitude, 8))
    answer = client.post("/api/v1/visits", json=far, headers=officer_token).get_json()
    assert answer["location_flag"] == "far"
    assert answer["location"]["distance_km"] == pytest.approx(59.3, abs=0.5)
    assert answer["location"]["geo_uri"] == "geo:3.300000,117.633300"
    near = visit_body(field["coop"], location=location(2.8380, 117.3650, 500))
    assert (
        client.post("/api/v1/visits", json=near, headers=officer_token).get_json()["location_flag"]
        == "inaccurate"
    )
    auth.login(client, "ppkl01")
    page = client.get(f"/cooperatives/{field['coop'].id}").get_data(as_text=True)
    assert 'data-location-flag="far"' in page and 'data-location-flag="inaccurate"' in page
    assert 'href="geo:2.837500,117.365300"' in page
    detail = client.get(answer["url"]).get_data(as_text=True)
    assert "geo:3.300000,117.633300" in detail and "59.4" in detail


def post_plain_form(client, coop, **position):
    """The no-script visit form, with the hidden position fields the page's script fills."""
    data = {"cooperative_id": coop.id, "visited_on": date.today().isoformat()}
    data.update(purposes=["pembinaan"], **position)
    return post_form(client, f"/visits/new?cooperative={coop.id}", data)


def test_the_plain_form_keeps_the_position_from_its_hidden_fields(client, auth, field):
    auth.login(client, "ppkl01")
    fixed_at = datetime.now().astimezone().isoformat()
    response = post_plain_form(
        client,
        field["coop"],
        latitude="2.8375",
        longitude="117.3653",
        accuracy_m="15.5",
        fixed_at=fixed_at,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    visit = db.session.scalar(select(Visit))
    assert (visit.latitude, visit.longitude, visit.accuracy_m) == (2.8375, 117.3653, 15.5)
    assert visit.fixed_at is not None


def test_the_plain_form_ignores_an_unreadable_position(client, auth, field):
    auth.login(client, "ppkl01")
    response = post_plain_form(
        client, field["coop"], latitude="north", longitude="117", accuracy_m="", fixed_at=""
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Visit)).latitude is None


def test_a_supervisor_sets_the_place_typed_or_from_a_visit(client, auth, field, officer_token):
    sent = visit_body(field["coop"], location=location(2.9, 117.4, 9))
    visit_url = client.post("/api/v1/visits", json=sent, headers=officer_token).get_json()["url"]
    url = f"/cooperatives/{field['coop'].id}/location"
    auth.login(client, "boss")
    page = f"/cooperatives/{field['coop'].id}"
    post_form(client, url, {"latitude": "2.8375", "longitude": "117.3653"}, page=page)
    stored = db.session.get(CooperativeLocation, field["coop"].id)
    assert (stored.latitude, stored.longitude) == (2.8375, 117.3653)
    refused = post_form(client, url, {"latitude": "95", "longitude": "117"}, page=page)
    assert refused.status_code == 302
    db.session.expire_all()
    assert db.session.get(CooperativeLocation, field["coop"].id).latitude == 2.8375
    visit = db.session.scalar(select(Visit))
    assert "Gunakan posisi ini" in client.get(visit_url).get_data(as_text=True)
    post_form(client, url, {"visit_id": visit.id}, page=visit_url)
    db.session.expire_all()
    stored = db.session.get(CooperativeLocation, field["coop"].id)
    assert (stored.latitude, stored.longitude, stored.source_visit_id) == (2.9, 117.4, visit.id)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("cooperative.location_recorded") == 2


def test_officers_cannot_set_a_place(client, auth, field):
    auth.login(client, "ppkl01")
    page = f"/cooperatives/{field['coop'].id}"
    assert 'name="latitude"' not in client.get(page).get_data(as_text=True)
    response = post_form(
        client,
        f"/cooperatives/{field['coop'].id}/location",
        {"latitude": "2.8", "longitude": "117.3"},
        page=page,
    )
    assert response.status_code == 403
    assert db.session.scalar(select(CooperativeLocation)) is None


def test_setting_a_place_does_not_make_a_queued_move_stale(client, field, officer_token):
    version = field["coop"].version
    place(field["coop"], field["boss"])
    body = {
        "id": "6f1c0a3e-0000-4000-8000-000000000001",
        "version": version,
        "fiscal_year": 2025,
        "held_on": "2026-03-14",
        "members_present": 20,
        "members_total": 30,
    }
    response = client.post(
        f"/api/v1/cooperatives/{field['coop'].id}/rat-held", json=body, headers=officer_token
    )
    assert response.status_code == 201


def test_the_officer_report_counts_located_and_flagged_visits(world):  # noqa: F811
    from ppkl.reports import services
    from ppkl.reports.periods import Period
    from ppkl.reports.render import report_context
    from tests.reports.conftest import JUNE, pdf_text

    first, second = world.visits[0], world.visits[1]
    first.latitude, first.longitude, first.accuracy_m = 3.3, 117.6333, 5.0
    second.latitude, second.longitude, second.accuracy_m = 2.8375, 117.3653, 5.0
    db.session.commit()
    place(world.cooperatives[0], world.supervisor, TANJUNG_SELOR)
    report = services.officer_report(db.session, world.officer, Period(*JUNE))
    assert report.visits_with_location == 2
    assert report.visits_flagged == 1
    with report_context("id"):
        result = services.officer_pdf(
            db.session, world.officer, Period(*JUNE), "id", world.supervisor
        )
    text = re.sub(r"\s+", " ", pdf_text(result.pdf))
    assert "Kunjungan dengan lokasi tercatat 2" in text
    assert "Jauh dari koperasi" in text


def test_a_place_recorded_later_renders_the_cached_pdf_again(world):  # noqa: F811
    from ppkl.reports import services
    from ppkl.reports.periods import Period
    from ppkl.reports.render import report_context
    from tests.reports.conftest import JUNE, pdf_text

    visit = world.visits[0]
    visit.latitude, visit.longitude, visit.accuracy_m = 3.3, 117.6333, 5.0
    db.session.commit()

    def text():
        with report_context("id"):
            pdf = services.officer_pdf(
                db.session, world.officer, Period(*JUNE), "id", world.supervisor
            ).pdf
        return re.sub(r"\s+", " ", pdf_text(pdf))

    assert "Jauh dari koperasi" not in text()
    place(world.cooperatives[0], world.supervisor, TANJUNG_SELOR)
    assert "Jauh dari koperasi" in text()
