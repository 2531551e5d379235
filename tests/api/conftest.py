"""Fixtures for the API: an officer with a cooperative, tokens, a JSON client with CSRF."""

import io
import re
import uuid
from datetime import timedelta

import pytest
from PIL import Image

from ppkl.api.tokens import create_token
from ppkl.clock import office_today, utcnow
from ppkl.extensions import db

CSRF_META = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def field(app, tmp_path, make_user, make_cooperative, assign):
    app.config.update(VISIT_PHOTO_DIR=str(tmp_path / "photos"), VISIT_PHOTO_MAX_BYTES=200_000)
    officer = make_user("ppkl01", role="ppkl")
    other = make_user("ppkl02", role="ppkl")
    boss = make_user("boss", role="supervisor")
    coop = make_cooperative(name="KSP Tunas Harapan")
    theirs = make_cooperative(name="KSP Orang Lain")
    assign(coop, officer)
    assign(theirs, other)
    return {
        "officer": officer,
        "other": other,
        "boss": boss,
        "coop": coop,
        "theirs": theirs,
        "dir": tmp_path,
    }


@pytest.fixture
def make_token(app):
    def make(user, scope="write", days=30, **changes):
        token, secret = create_token(user, "script", scope, days, utcnow(), 365)
        for name, value in changes.items():
            setattr(token, name, value)
        db.session.commit()
        return secret

    return make


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def officer_token(field, make_token):
    return bearer(make_token(field["officer"]))


def visit_body(coop, **overrides) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "cooperative_id": coop.id,
        "visited_on": office_today().isoformat(),
        "purposes": ["pembinaan"],
        "people_met": "Ketua",
        "notes": "Buku kas rapi.",
        "outcome": None,
        "follow_up_on": None,
        "follow_up_action": None,
        "location": None,
    }
    body.update(overrides)
    return body


def location(lat=3.5925, lon=116.6484, accuracy=12.0, minutes_ago=5) -> dict:
    fixed = utcnow() - timedelta(minutes=minutes_ago)
    return {
        "latitude": lat,
        "longitude": lon,
        "accuracy_m": accuracy,
        "fixed_at": fixed.isoformat() + "Z",
    }


def jpeg_bytes(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 30)).save(out, "JPEG")
    return out.getvalue()


def session_csrf(client) -> str:
    """The CSRF token a signed-in page carries (what the phone's JS reads)."""
    match = CSRF_META.search(client.get("/account/tokens/").get_data(as_text=True))
    assert match
    return match.group(1)
