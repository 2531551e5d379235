"""Request-level defences: response headers, sign-in rate limits, reverse-proxy trust."""

from flask import Flask, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

from ppkl.security import headers, ratelimit


def init_app(app: Flask) -> None:
    proxies = int(app.config["PROXY_COUNT"] or 0)
    if proxies:
        # Trust exactly as many X-Forwarded-* hops as there are proxies we run; a client
        # cannot then fake its address (which the audit log and the rate limits use).
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    app.before_request(refuse_nul_bytes)
    app.after_request(headers.add_security_headers)
    ratelimit.init_app(app)


def refuse_nul_bytes():
    """A NUL character is never valid input here, and PostgreSQL refuses it in text: answer 400
    up front instead of failing inside a query."""
    for source in (request.args, request.form):
        for _key, values in source.lists():
            if any("\x00" in value for value in values):
                abort(400)
