"""Security headers on every response; request limits; proxy and host settings."""

import re

from flask import url_for
from sqlalchemy import select

from ppkl.access import ALWAYS_PUBLIC_ENDPOINTS
from ppkl.extensions import db
from ppkl.models import AuditEvent
from tests.helpers import TEST_PASSWORD, login, post_form

REQUIRED = ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def assert_security_headers(response, where):
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in REQUIRED:
        assert directive in csp, (where, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert response.headers.get("X-Frame-Options") == "DENY", where


def every_get_url(app, ids):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint not in ALWAYS_PUBLIC_ENDPOINTS:
            with app.test_request_context():
                yield url_for(rule.endpoint, **{a: ids.get(a, 1) for a in rule.arguments})


def test_headers_on_every_page_and_no_inline_code(app, client, make_user, make_cooperative, auth):
    """Every GET page as admin, and error pages: headers present, nothing the CSP would block."""
    admin = make_user("root", role="admin")
    coop = make_cooperative()
    auth.login(client, "root")
    urls = [*every_get_url(app, {"cooperative_id": coop.id, "user_id": admin.id}), "/nowhere"]
    for url in urls:
        response = client.get(url)
        assert_security_headers(response, url)
        html = response.get_data(as_text=True)
        assert not INLINE_SCRIPT.search(html), (url, "inline <script>: use a file in static/")
        assert not INLINE_HANDLER.search(html), (url, "inline on...= handler")
        assert not STYLE_ATTRIBUTE.search(html), (url, "style= attribute: use a CSS class")
    assert len(urls) >= 6


def test_headers_on_signed_out_pages_static_files_and_errors(client):
    for url in ("/login", "/dashboard", "/static/ppkl.css", "/no-such-page"):
        with client.get(url) as response:
            assert_security_headers(response, url)
    assert_security_headers(client.post("/login", data={}), "POST /login without CSRF")


def test_signed_in_pages_are_not_cached_but_static_files_may_be(client, make_user, auth):
    make_user("siti")
    auth.login(client, "siti")
    assert client.get("/dashboard").headers["Cache-Control"] == "no-store"
    with client.get("/static/ppkl.css") as response:
        assert response.headers.get("Cache-Control") != "no-store"


def test_hsts_only_over_https_or_in_production(app, extra_app):
    plain = app.test_client().get("/login")
    assert "Strict-Transport-Security" not in plain.headers
    secure = app.test_client().get("/login", base_url="https://ppkl.example")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    production = extra_app(PRODUCTION=True).test_client().get("/login")
    assert "max-age=" in production.headers["Strict-Transport-Security"]


def test_csrf_referrer_check_works_over_https(app, make_user):
    """Over HTTPS Flask-WTF also wants a same-site Referer: the policy must let ours through."""
    make_user("siti")
    client = app.test_client()
    base = "https://ppkl.example"
    page = client.get("/login", base_url=base)
    assert page.headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))[1]
    data = {"csrf_token": token, "username": "siti", "password": TEST_PASSWORD}
    no_referrer = client.post("/login", data=data, base_url=base)
    assert no_referrer.status_code == 400
    same_site = client.post(
        "/login", data=data, base_url=base, headers={"Referer": f"{base}/login"}
    )
    assert same_site.status_code == 302


def test_request_body_limit(app, extra_app):
    small = extra_app(MAX_CONTENT_LENGTH=1000).test_client()
    response = small.post("/login", data={"username": "x" * 2000, "password": "y"})
    assert response.status_code == 413
    assert "terlalu besar" in response.get_data(as_text=True)


def test_default_body_limit_is_set(app):
    assert 1024 * 1024 <= app.config["MAX_CONTENT_LENGTH"] <= 64 * 1024 * 1024


def test_unknown_host_is_refused_when_trusted_hosts_set(app, extra_app):
    client = extra_app(TRUSTED_HOSTS=["ppkl.example"]).test_client()
    assert client.get("/login", base_url="http://evil.example").status_code == 400
    assert client.get("/login", base_url="http://ppkl.example").status_code == 200


def test_forwarded_address_is_trusted_only_behind_a_configured_proxy(app, extra_app):
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    for proxies, expected in ((0, "127.0.0.1"), (1, "203.0.113.9")):
        client = extra_app(PROXY_COUNT=proxies).test_client()
        response = client.get("/login", headers=forwarded)
        assert ("Strict-Transport-Security" in response.headers) is bool(proxies)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
        client.post(
            "/login",
            data={"csrf_token": token[1], "username": f"p{proxies}", "password": "x"},
            headers={**forwarded, "Referer": "https://localhost/login"},
        )
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.username == f"p{proxies}"))
        assert event.address == expected


def test_no_form_is_copied_wholesale_onto_a_model():
    """Mass assignment guard: forms hand explicit fields to services, never populate_obj."""
    from pathlib import Path

    import ppkl

    offenders = [
        str(path)
        for path in Path(ppkl.__file__).parent.rglob("*.py")
        if "populate_obj" in path.read_text(encoding="utf-8")
        or re.search(r"\*\*\s*form\.data\b|\*\*\s*request\.(form|args|values)\b", path.read_text())
    ]
    assert offenders == []


def test_extra_fields_posted_to_the_account_form_are_ignored(app, client, make_user, auth):
    from ppkl.models import User

    make_user("root", role="admin")
    officer = make_user("ppkl01", role="ppkl")
    auth.login(client, "root")
    data = {
        "full_name": "Renamed",
        "role": "ppkl",
        "regency_id": str(officer.regency_id),
        "active": "y",
        "username": "hijacked",
        "password_hash": "plain",
        "session_version": "99",
        "id": "12345",
    }
    response = post_form(client, f"/admin/users/{officer.id}", data)
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, officer.id)
    assert user.full_name == "Renamed"
    assert (user.username, user.session_version) == ("ppkl01", 1)
    assert user.password_hash.startswith("pbkdf2:")
    assert login(app.test_client(), "ppkl01", TEST_PASSWORD).status_code == 302


def test_nul_characters_in_input_are_refused_with_400(app, client, make_user, auth):
    make_user("siti")
    auth.login(client, "siti")
    assert client.get("/cooperatives/?q=a%00b").status_code == 400
    response = post_form(app.test_client(), "/login", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400
    assert "Permintaan tidak dapat dipahami" in response.get_data(as_text=True)
