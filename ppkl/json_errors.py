"""JSON errors for the API: a stable `code` for programs, a translated `message` for people.

ppkl.errors answers every error of a request under /api/ through `error_response`, so the API
never answers HTML, whatever failed (routing, CSRF, the guard, validation, the database). Not in
ppkl/api/: the error handlers, the route guard and session expiry (lower layers) need it too.
"""

from flask import jsonify, request
from flask_babel import gettext as _

API_PREFIX = "/api/"

# HTTP status -> the code a client can rely on.
STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}

# marshmallow's and webargs' English messages -> msgids of ppkl's catalog.
FIELD_MESSAGES = {
    "Missing data for required field.": "This field is required.",
    "Field may not be null.": "This field is required.",
    "Not a valid integer.": "Not a valid integer value.",
    "Not a valid number.": "Not a valid float value.",
    "Not a valid date.": "Not a valid date value.",
    "Not a valid datetime.": "Not a valid datetime value.",
}


def is_api_request() -> bool:
    """Under /api/: answered in JSON, never with a page or a redirect to the sign-in page."""
    return request.path.startswith(API_PREFIX)


class ApiError(Exception):
    """Raised by API views: answered as {"code", "message", **extra} with the given status."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def json_error(status: int, code: str, message: str, **extra):
    response = jsonify({"code": code, "message": str(message), **extra})
    response.status_code = status
    return response


def handle_api_error(error: ApiError):
    return json_error(error.status, error.code, error.message, **error.extra)


def field_message(text) -> str:
    text = str(text)
    return _(FIELD_MESSAGES.get(text, "Invalid input."))


def flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """webargs' {"json": {"location": {"latitude": [...]}}} -> {"location.latitude": [...]}."""
    found: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if prefix == "" and key in ("json", "form", "files", "query", "view_args"):
                found.update(flatten(value, ""))
                continue
            name = f"{prefix}.{key}" if prefix else str(key)
            found.update(flatten(value, name))
    elif isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        found[prefix or "_schema"] = [field_message(m) for m in messages]
    else:
        for index, value in enumerate(messages or []):
            found.update(flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    return found


def invalid(errors: dict[str, list[str]]) -> ApiError:
    return ApiError(400, "invalid", _("Some values are not valid."), errors=errors)


def error_response(status: int, code: str | None, message: str, error=None):
    """The JSON body for an HTTP error met while answering an API request."""
    messages = (getattr(error, "data", None) or {}).get("messages")
    if messages is not None:
        return handle_api_error(invalid(flatten(messages)))
    response = json_error(status, code or STATUS_CODES.get(status, "error"), message)
    if error is not None and getattr(error, "code", None) == 405:
        response.headers["Allow"] = ", ".join(error.valid_methods or [])
    return response
