"""The API blueprint (flask-smorest, which writes the OpenAPI document from the views' schemas)
and the plain routes around it (the OpenAPI document itself, the app shell files)."""

from flask import Blueprint as FlaskBlueprint
from flask import Flask
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import MultiDict

from ppkl.api.auth import authenticate_token, check_csrf
from ppkl.api.schemas import ErrorSchema
from ppkl.extensions import csrf
from ppkl.json_errors import ApiError, handle_api_error


class Parser(FlaskParser):
    # webargs answers 422 by default; ppkl's clients know 400 as "fix the input".
    DEFAULT_VALIDATION_STATUS = 400

    def load_form(self, req, schema):
        """A multipart form's files are its fields too, so one schema (one documented
        request body) holds a photo's id and its file."""
        fields = MultiDict(req.form)
        fields.update(req.files)
        return self._makeproxy(fields, schema)


class ApiBlueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = Parser()


class PpklApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """Not flask-smorest's app-wide JSON handler: ppkl.errors answers every error, as
        JSON under /api/ and as a page elsewhere."""


bp = ApiBlueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="What the field app syncs with, and what scripts read.",
)
# The API checks CSRF itself, and not for token requests (ppkl.api.auth).
bp.before_request(check_csrf)
# Routes outside the OpenAPI document: the document itself, the manifest, the service worker.
plain_bp = FlaskBlueprint("api_plain", __name__)

from ppkl.api import move_views, read_views, shell, token_views, views  # noqa: E402,F401

SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "A personal API token"},
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
        "description": "The browser's session; writes also send the X-CSRFToken header",
    },
}


def init_app(app: Flask) -> None:

    app.config.setdefault("API_TITLE", "ppkl")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    api = PpklApi(
        app,
        spec_kwargs={"security": [{"bearer": []}, {"session": []}]},
    )
    for name, scheme in SECURITY_SCHEMES.items():
        api.spec.components.security_scheme(name, scheme)
    api.register_blueprint(bp)
    app.register_blueprint(plain_bp)
    app.register_blueprint(token_views.pages_bp, url_prefix="/account/tokens")
    app.extensions["ppkl_api"] = api
    csrf.exempt(bp)
    app.register_error_handler(ApiError, handle_api_error)
    # First of all before_request hooks: a token decides who the user is before the session
    # expiry check and the route guard look.
    app.before_request_funcs.setdefault(None, []).insert(0, authenticate_token)
