"""Who is calling the API: a personal token (scripts) or the browser's session (the phone).

A request with an Authorization header is judged by its token alone, whatever cookie comes
with it, and needs no CSRF token (a browser never adds that header by itself on a cross-site
request). Without the header, the session counts and every write must carry X-CSRFToken.
Tokens are accepted nowhere but under /api/.
"""

import logging

from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user

from ppkl.api.tokens import TokenScope, token_for_secret
from ppkl.clock import utcnow
from ppkl.extensions import csrf
from ppkl.json_errors import ApiError, is_api_request

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def authenticate_token():
    """before_request, first of all (before session expiry and the route guard)."""
    if not is_api_request() or "Authorization" not in request.headers:
        return None
    scheme, _sep, secret = request.headers["Authorization"].partition(" ")
    g.api_token = None
    found = token_for_secret(secret.strip(), utcnow()) if scheme.lower() == "bearer" else None
    if found is None:
        raise ApiError(401, "invalid_token", _("This API token is unknown, expired or revoked."))
    token, user = found
    if request.method not in SAFE_METHODS and token.scope != TokenScope.WRITE:
        raise ApiError(403, "insufficient_scope", _("This API token may only read."))
    g.api_token = token
    log.info("API token %s of %s: %s %s", token.id, user.username, request.method, request.path)
    # Flask-Login's own slot for the request's user: the session is not consulted, nor written.
    g._login_user = user
    return None


def uses_token() -> bool:
    return g.get("api_token") is not None


def check_csrf():
    """before_request of the API blueprint: session writes need the X-CSRFToken header."""
    if uses_token() or request.method in SAFE_METHODS:
        return None
    csrf.protect()
    return None


def acting_user():
    return current_user._get_current_object()
