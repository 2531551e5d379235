"""Security headers on every response, pages and error pages alike."""

from flask import current_app, g, request
from flask.wrappers import Response

from ppkl.access import ALWAYS_PUBLIC_ENDPOINTS as STATIC_ENDPOINTS


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
    # Whatever a signed-in user is sent holds personal data: pages, photos, PDFs, ZIPs, exports.
    # No cache may keep it, the browser's own included (send_file's "no-cache" still stores).
    # Set here for every response, overriding what a view or send_file chose: one rule, no
    # exceptions to forget. Only the app's static files are cached. Read the user Flask-Login
    # already loaded, so a response never causes a database query here.
    user = g.get("_login_user")
    personal = user is not None and user.is_authenticated
    if personal and request.endpoint not in STATIC_ENDPOINTS:
        h["Cache-Control"] = "no-store"
    return response
