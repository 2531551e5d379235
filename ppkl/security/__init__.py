"""Request-level defences: response headers, sign-in rate limits, reverse-proxy trust."""

from flask import Flask

from ppkl.security import bodies, headers, proxy, ratelimit


def init_app(app: Flask) -> None:
    # Trust exactly as many X-Forwarded-* hops as there are proxies we run, and only the
    # headers they set; a client cannot then fake its address (which the audit log and the
    # rate limits use), its scheme or the host name.
    app.wsgi_app = proxy.trust_proxies(app.wsgi_app, app.config)
    # First of all hooks, so no guard (CSRF included) reads a body the route does not take.
    app.before_request_funcs.setdefault(None, []).insert(0, bodies.refuse_other_bodies)
    app.before_request(bodies.refuse_nul_bytes)
    app.after_request(headers.add_security_headers)
    ratelimit.init_app(app)
