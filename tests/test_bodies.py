"""Form routes take only form bodies; guards read what the routes read; JSON routes are
declared (the API's blueprint) and get the same NUL check on their JSON."""

import io

from flask import Blueprint, request
from sqlalchemy import func, select

from ppkl.access import public
from ppkl.extensions import db
from ppkl.models import AuditEvent
from ppkl.security.bodies import JSON_BLUEPRINTS, takes_json
from tests.helpers import csrf_token_from


def failed_sign_ins() -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "auth.sign_in_failed")
    )


def test_a_json_sign_in_is_refused_before_the_form_reads_it(client, make_user):
    make_user("siti")
    token = csrf_token_from(client, "/login")
    for _ in range(3):
        response = client.post(
            "/login",
            json={"username": "siti", "password": "wrong-password", "csrf_token": token},
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 415
    assert failed_sign_ins() == 0


def test_other_body_types_are_refused_on_form_routes(client, make_user, auth):
    make_user("siti")
    auth.login(client, "siti")
    token = csrf_token_from(client, "/dashboard")
    for content_type in ("text/plain", "application/xml", "application/octet-stream"):
        response = client.post(
            "/logout", data=b"csrf_token=" + token.encode(), content_type=content_type
        )
        assert response.status_code == 415, content_type
    assert client.get("/dashboard").status_code == 200  # still signed in


def test_nul_in_a_file_name_or_field_name_is_refused(client, make_user, auth):
    make_user("root", role="admin")
    auth.login(client, "root")
    token = csrf_token_from(client, "/import/cooperatives")
    response = client.post(
        "/import/cooperatives",
        data={"csrf_token": token, "file": (io.BytesIO(b"name\nA\n"), "da\x00ftar.csv")},
    )
    assert response.status_code == 400
    response = client.post("/import/cooperatives", data={"csrf_token": token, "a\x00b": "1"})
    assert response.status_code == 400


def json_app(extra_app):
    app = extra_app(WTF_CSRF_ENABLED=False)
    api = Blueprint("json_probe", __name__, url_prefix="/probe")

    @api.route("/echo", methods=["POST"])
    @public
    @takes_json
    def echo():
        return {"got": request.get_json()}

    app.register_blueprint(api)
    return app


def test_json_routes_are_declared_and_their_json_is_checked(extra_app):
    client = json_app(extra_app).test_client()
    assert client.post("/probe/echo", json={"a": ["b"]}).get_json() == {"got": {"a": ["b"]}}
    assert client.post("/probe/echo", json={"a": ["b\x00"]}).status_code == 400
    assert client.post("/probe/echo", json={"a\x00": 1}).status_code == 400


def test_the_api_blueprint_is_declared_to_take_json(app):
    assert "api" in JSON_BLUEPRINTS and "api" in app.blueprints
