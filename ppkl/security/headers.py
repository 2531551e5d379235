"""Security headers on every response, pages and error pages alike."""

from flask import current_app, g, request
from flask.wrappers import Response


def add_security_headers(response: Response) -> Response:
    config = current_app.config
    h = response.headers
    h.setdefault("Content-Security-Policy", config["CONTENT_SECURITY_POLICY"])
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    # same-origin: our own pages still send Referer, which Flask-WTF's CSRF check requires over
    # HTTPS; other sites learn nothing of our URLs.
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure or config["PRODUCTION"]:
        h.setdefault("Strict-Transport-Security", f"max-age={config['HSTS_MAX_AGE']}")
    # Pages of a signed-in user hold personal data: never keep them in a shared cache. Read the
    # user Flask-Login already loaded, so a response never causes a database query here.
    user = g.get("_login_user")
    if user is not None and user.is_authenticated and "Cache-Control" not in h:
        h["Cache-Control"] = "no-store"
    return response
