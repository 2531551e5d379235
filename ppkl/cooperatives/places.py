"""Where cooperatives are: the recorded place, set by a supervisor (typed or taken from a
visit), and how each visit's position compares with it."""

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ppkl import audit
from ppkl.cooperatives.services import DetailsError
from ppkl.extensions import db
from ppkl.location import (
    LocationFlag,
    LocationLimits,
    Position,
    distance_km,
    geo_uri,
    location_flag,
    position_problem,
    visit_position,
)
from ppkl.models import Cooperative, CooperativeLocation, User, Visit

log = logging.getLogger(__name__)

LOCATION_RECORDED = audit.AuditAction("cooperative.location_recorded", _l("Location recorded"))


def places_of(session: Session, cooperative_ids) -> dict[int, Position]:
    """The recorded places of these cooperatives, in one query."""
    ids = set(cooperative_ids)
    if not ids:
        return {}
    rows = session.scalars(
        select(CooperativeLocation).where(CooperativeLocation.cooperative_id.in_(ids))
    )
    return {row.cooperative_id: Position(row.latitude, row.longitude) for row in rows}


def set_place(
    actor: User,
    cooperative: Cooperative,
    latitude: float,
    longitude: float,
    now: datetime,
    source_visit: Visit | None = None,
) -> CooperativeLocation:
    """Record where a cooperative is (supervisors); its visits are measured against it."""
    if position_problem(latitude, longitude):
        raise DetailsError("latitude", "location_invalid")
    place = db.session.get(CooperativeLocation, cooperative.id)
    if place is None:
        place = CooperativeLocation(cooperative_id=cooperative.id)
        db.session.add(place)
    place.latitude, place.longitude = latitude, longitude
    place.set_at, place.set_by_id = now, actor.id
    place.source_visit_id = source_visit.id if source_visit else None
    db.session.flush()
    audit.record(
        LOCATION_RECORDED,
        user=actor,
        target=f"cooperative:{cooperative.id}",
        latitude=latitude,
        longitude=longitude,
        visit=source_visit.id if source_visit else None,
    )
    log.info("%s set the location of cooperative %s", actor.username, cooperative.id)
    return place


@dataclass(frozen=True)
class VisitPlace:
    """What a page shows about a visit's position."""

    latitude: float
    longitude: float
    accuracy_m: float | None
    fixed_at: datetime | None
    distance_km: float | None
    flag: LocationFlag | None
    geo_uri: str


def describe(visit: Visit, place: Position | None, limits: LocationLimits) -> VisitPlace | None:
    position = visit_position(visit)
    if position is None:
        return None
    return VisitPlace(
        visit.latitude,
        visit.longitude,
        visit.accuracy_m,
        visit.fixed_at,
        distance_km(visit, place),
        location_flag(visit, place, limits),
        geo_uri(position),
    )


def limits() -> LocationLimits:
    return LocationLimits.from_config(current_app.config)


def describe_all(session: Session, visits: list[Visit]) -> dict[int, VisitPlace | None]:
    """Each visit's position against its cooperative's place: one query for all of them."""
    places = places_of(session, {v.cooperative_id for v in visits})
    found = limits()
    return {v.id: describe(v, places.get(v.cooperative_id), found) for v in visits}


def place_context(session: Session, cooperative: Cooperative, visits: list[Visit]) -> dict:
    """The cooperative page's location section: its place and each visit's flag."""
    place = session.get(CooperativeLocation, cooperative.id)
    position = Position(place.latitude, place.longitude) if place else None
    found = limits()
    return {
        "place": place,
        "place_geo_uri": geo_uri(position) if position else None,
        "visit_places": {v.id: describe(v, position, found) for v in visits},
    }
