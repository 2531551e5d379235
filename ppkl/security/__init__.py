"""Request-level defences: response headers, sign-in rate limits, reverse-proxy trust."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from ppkl.security import bodies, headers, ratelimit


def init_app(app: Flask) -> None:
    proxies = int(app.config["PROXY_COUNT"] or 0)
    if proxies:
        # Trust exactly as many X-Forwarded-* hops as there are proxies we run; a client
        # cannot then fake its address (which the audit log and the rate limits use).
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    # First of all hooks, so no guard (CSRF included) reads a body the route does not take.
    app.before_request_funcs.setdefault(None, []).insert(0, bodies.refuse_other_bodies)
    app.before_request(bodies.refuse_nul_bytes)
    app.after_request(headers.add_security_headers)
    ratelimit.init_app(app)
