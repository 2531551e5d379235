"""Reverse-proxy trust: which X-Forwarded-* headers are believed, and through how many hops.

A header is believed only when a setting says how many proxies in front set it; every other
X-Forwarded-* header is ignored, whatever the client or a proxy sends. PROXY_COUNT covers
X-Forwarded-For and -Proto (what the audit log, the sign-in limits, HSTS and secure cookies
need); -Host, -Port and -Prefix are believed only when their own setting is given, since a
proxy that passes Host through (as docs/nginx.conf does) has no reason to send them.
"""

from werkzeug.middleware.proxy_fix import ProxyFix

# ProxyFix's argument -> the header it reads.
HEADERS = {
    "for": "X-Forwarded-For",
    "proto": "X-Forwarded-Proto",
    "host": "X-Forwarded-Host",
    "port": "X-Forwarded-Port",
    "prefix": "X-Forwarded-Prefix",
}
COUNTED = ("for", "proto")  # the headers PROXY_COUNT covers


def trusted_hops(config) -> dict[str, int]:
    """For each header, how many proxy hops of it are believed (0: none)."""
    count = int(config.get("PROXY_COUNT") or 0)
    hops = {}
    for name in HEADERS:
        setting = config.get(f"PROXY_X_{name.upper()}")
        if setting is None:
            setting = count if name in COUNTED else 0
        hops[name] = int(setting)
        if hops[name] < 0:
            raise ValueError(f"PROXY_X_{name.upper()} must be 0 or more")
    return hops


def trusted_headers(config) -> set[str]:
    return {HEADERS[name] for name, hops in trusted_hops(config).items() if hops}


def trust_proxies(wsgi_app, config):
    """The app behind ProxyFix with the configured hops, or unchanged when none are."""
    hops = trusted_hops(config)
    if not any(hops.values()):
        return wsgi_app
    return ProxyFix(wsgi_app, **{f"x_{name}": n for name, n in hops.items()})
