"""Failed sign-ins limited per account and per address (Flask-Limiter).

Only failures count, so an office behind one address signing in all morning is never blocked.
Counters live in Redis when REDIS_URL is set (shared by every gunicorn worker and server),
otherwise in this process's memory.
"""

import logging
import math
import time
from datetime import timedelta

from flask import Flask, current_app, g, request
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ppkl.errors import page

log = logging.getLogger(__name__)

LOGIN_ENDPOINT = "auth.login"
# Every endpoint that checks a password: a wrong one counts against the same limits.
PASSWORD_ENDPOINTS = (LOGIN_ENDPOINT, "auth.change_password")


def init_app(app: Flask) -> None:
    # One Limiter per app, so app instances (and tests) never share counters by accident.
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    if not app.config.get("REDIS_URL") and app.config["PRODUCTION"]:
        log.warning(
            "REDIS_URL is not set: sign-in limits are counted per process, so gunicorn -w N "
            "allows N times as many attempts. Set REDIS_URL in production."
        )
    limiter = Limiter(key_func=get_remote_address, app=app)
    app.extensions["ppkl_limiter"] = limiter
    for endpoint in PASSWORD_ENDPOINTS:
        view = app.view_functions[endpoint]
        for setting, key_func in (
            ("LOGIN_LIMIT_PER_ADDRESS", address_key),
            ("LOGIN_LIMIT_PER_ACCOUNT", account_key),
        ):
            view = limiter.limit(
                lambda setting=setting: current_app.config[setting],
                key_func=key_func,
                methods=["POST"],
                deduct_when=sign_in_failed,
                scope=setting.lower(),
            )(view)
        app.view_functions[endpoint] = view
    app.register_error_handler(RateLimitExceeded, too_many_attempts)


def address_key() -> str:
    return f"address:{request.remote_addr or '-'}"


def account_key() -> str:
    # The sign-in form reads request.form only (ppkl.forms.Form), and other bodies are refused
    # before this runs (ppkl.security.bodies): the limit counts the name the form checks.
    username = request.form.get("username", "").strip().lower()[:50]
    if request.endpoint != LOGIN_ENDPOINT and current_user.is_authenticated:
        username = current_user.username.lower()
    return f"account:{username or '-'}"


def mark_sign_in_failed() -> None:
    """Called by the sign-in view; only marked attempts count against the limits."""
    g.sign_in_failed = True


def sign_in_failed(response) -> bool:
    return bool(g.get("sign_in_failed"))


def seconds_to_wait() -> int:
    limiter: Limiter = current_app.extensions["ppkl_limiter"]
    limit = limiter.current_limit
    if limit is None:
        return 60
    return max(1, math.ceil(limit.reset_at - time.time()))


def too_many_attempts(error: RateLimitExceeded):
    """429 page saying how long to wait, with Retry-After for clients."""

    wait = seconds_to_wait()
    log.warning("sign-in limit reached for %s (%s)", request.remote_addr, error.description)
    body, status = page(
        429,
        _("Too many sign-in attempts"),
        _(
            "Sign-in is paused for this account or address. Please wait %(wait)s and try again.",
            wait=format_timedelta(timedelta(seconds=wait), threshold=1, add_direction=False),
        ),
    )
    return body, status, {"Retry-After": str(wait)}
