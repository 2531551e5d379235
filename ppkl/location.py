"""Visit positions as proof of visit: checks, distance and the flag. Plain Python, no Flask."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=10)


class LocationFlag(StrEnum):
    FAR = "far"
    INACCURATE = "inaccurate"


@dataclass(frozen=True)
class Position:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class VisitLocation:
    """Where the phone was, how precise the fix was (metres), and when it was taken (UTC)."""

    latitude: float
    longitude: float
    accuracy_m: float
    fixed_at: datetime


@dataclass(frozen=True)
class LocationLimits:
    max_km: float = 2.0
    max_accuracy_m: float = 100.0

    @classmethod
    def from_config(cls, config) -> "LocationLimits":
        return cls(
            float(config["VISIT_LOCATION_MAX_KM"]), float(config["VISIT_LOCATION_MAX_ACCURACY_M"])
        )


def haversine_km(a: Position, b: Position) -> float:
    """Great-circle distance; at these distances the sphere is within 0.5 % of the ellipsoid."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def position_problem(latitude: float, longitude: float) -> str | None:
    if not all(map(math.isfinite, (latitude, longitude))):
        return "location_invalid"
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return "location_invalid"
    return None


def location_problem(location: VisitLocation, now: datetime) -> str | None:
    """Why a position sent with a visit cannot be stored, or None."""
    problem = position_problem(location.latitude, location.longitude)
    if problem:
        return problem
    if not math.isfinite(location.accuracy_m) or location.accuracy_m < 0:
        return "location_invalid"
    if location.fixed_at > now + CLOCK_SKEW:
        return "location_future"
    return None


def visit_position(visit) -> Position | None:
    if visit.latitude is None or visit.longitude is None:
        return None
    return Position(visit.latitude, visit.longitude)


def distance_km(visit, place: Position | None) -> float | None:
    """Kilometres between the visit's position and the cooperative's recorded place."""
    here = visit_position(visit)
    if here is None or place is None:
        return None
    return haversine_km(here, place)


def location_flag(visit, place: Position | None, limits: LocationLimits) -> LocationFlag | None:
    """A visit with a position is flagged when the fix is too imprecise, or it lies further
    than the limit from the cooperative's recorded place (when there is one)."""
    if visit_position(visit) is None:
        return None
    if visit.accuracy_m is not None and visit.accuracy_m > limits.max_accuracy_m:
        return LocationFlag.INACCURATE
    distance = distance_km(visit, place)
    if distance is not None and distance > limits.max_km:
        return LocationFlag.FAR
    return None


def geo_uri(position: Position) -> str:
    """RFC 5870 link that opens the phone's own map app; no tiles are fetched by ppkl."""
    return f"geo:{position.latitude:.6f},{position.longitude:.6f}"
