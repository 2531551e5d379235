"""Rows -> the JSON the API answers (shapes in ppkl.api.schemas)."""

from flask import url_for
from sqlalchemy import select

from ppkl.cooperatives.places import VisitPlace, describe_all
from ppkl.extensions import db
from ppkl.models import Cooperative, Visit, VisitPhoto


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def photos_by_visit(visit_ids) -> dict[int, list[VisitPhoto]]:
    ids = set(visit_ids)
    found: dict[int, list[VisitPhoto]] = {i: [] for i in ids}
    if ids:
        rows = db.session.scalars(
            select(VisitPhoto).where(VisitPhoto.visit_id.in_(ids)).order_by(VisitPhoto.id)
        )
        for photo in rows:
            found[photo.visit_id].append(photo)
    return found


def visits_json(visits: list[Visit]) -> list[dict]:
    """Several visits with their photos and flags: two queries whatever their number."""
    places = describe_all(db.session, visits)
    photos = photos_by_visit(v.id for v in visits)
    return [visit_json(v, photos[v.id], places[v.id]) for v in visits]


def one_visit_json(visit: Visit) -> dict:
    return visits_json([visit])[0]


def location_json(place: VisitPlace | None) -> dict | None:
    if place is None:
        return None
    return {
        "latitude": place.latitude,
        "longitude": place.longitude,
        "accuracy_m": place.accuracy_m,
        "fixed_at": iso(place.fixed_at) + "Z" if place.fixed_at else None,
        "distance_km": place.distance_km,
        "geo_uri": place.geo_uri,
    }


def visit_json(visit: Visit, photos: list[VisitPhoto], place: VisitPlace | None) -> dict:
    flag = place.flag if place else None
    return {
        "id": visit.client_uuid,
        "server_id": visit.id,
        "cooperative_id": visit.cooperative_id,
        "officer_id": visit.officer_id,
        "visited_on": visit.visited_on.isoformat(),
        "purposes": list(visit.purposes or []),
        "people_met": visit.people_met,
        "notes": visit.notes,
        "outcome": visit.outcome,
        "follow_up_on": iso(visit.follow_up_on),
        "follow_up_action": visit.follow_up_action,
        "location": location_json(place),
        "location_flag": flag.value if flag else None,
        "photos": [photo_json(p) for p in photos],
        "url": url_for("visits.detail", visit_id=visit.id),
    }


def photo_json(photo: VisitPhoto) -> dict:
    return {"id": photo.client_uuid, "url": url_for("visits.photo", photo_id=photo.id)}


def cooperative_json(coop: Cooperative, regency_name: str) -> dict:
    return {
        "id": coop.id,
        "name": coop.name,
        "regency": regency_name,
        "district": coop.district,
        "active": coop.active,
        "stage": coop.stage,
        "version": coop.version,
        "nik": coop.nik,
        "url": url_for("cooperatives.detail", cooperative_id=coop.id),
    }
