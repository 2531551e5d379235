"""Which request bodies a route takes, and guards that read exactly those.

Form routes (every route of the app's pages) take only HTML form bodies: urlencoded or
multipart. A JSON or other body is refused with 415 before any guard or view runs, so the
sign-in limits, the NUL check and the forms all read the same request.form. Routes that take
JSON say so: their blueprint is listed in JSON_BLUEPRINTS (the /api/v1/ API), or the view is
marked with @takes_json.
"""

from collections.abc import Callable

from flask import abort, current_app, request

FORM_MIMETYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
JSON_BLUEPRINTS = frozenset({"api"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def takes_json(view: Callable) -> Callable:
    view.takes_json = True
    return view


def route_takes_json() -> bool:
    if request.endpoint is None:
        return False
    if request.blueprint in JSON_BLUEPRINTS:
        return True
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, "takes_json", False))


def has_body() -> bool:
    return bool(request.content_length) or request.headers.get("Transfer-Encoding") is not None


def refuse_other_bodies():
    """before_request: a form route with a body that is not a form gets 415."""
    if request.method not in BODY_METHODS or request.endpoint is None or route_takes_json():
        return None
    if request.mimetype in FORM_MIMETYPES or (not request.mimetype and not has_body()):
        return None
    abort(415)


def refuse_nul_bytes():
    """A NUL character is never valid input here, and PostgreSQL refuses it in text: answer 400
    up front instead of failing inside a query. Reads what the route reads: the path's
    arguments, the query, and the form (field values and file names) or the JSON document."""
    texts = [*(request.view_args or {}).values(), *_values(request.args)]
    if route_takes_json() and request.is_json:
        texts += _json_texts(request.get_json(silent=True))
    elif request.mimetype in FORM_MIMETYPES:
        texts += _values(request.form)
        texts += [f.filename or "" for _name, f in request.files.items(multi=True)]
        texts += list(request.files)
    if any(isinstance(text, str) and "\x00" in text for text in texts):
        abort(400)


def _values(multidict) -> list[str]:
    return [text for key, values in multidict.lists() for text in (key, *values)]


def _json_texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*value.keys(), *(t for v in value.values() for t in _json_texts(v))]
    if isinstance(value, list):
        return [t for v in value for t in _json_texts(v)]
    return []
