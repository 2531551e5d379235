"""Reverse-proxy trust: forged X-Forwarded-* headers are ignored unless a setting says a proxy
sets them, and the nginx configuration in the docs sets every header ppkl trusts (checked on
its text, and by running it in front of the app when nginx is installed)."""

import datetime
import ipaddress
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select
from werkzeug.serving import make_server

from ppkl.extensions import db
from ppkl.models import AuditEvent
from ppkl.security.proxy import HEADERS, trust_proxies, trusted_headers
from tests.helpers import CSRF_RE

NGINX_CONF = Path(__file__).resolve().parent.parent / "docs" / "nginx.conf"
FORGED = {
    "X-Forwarded-For": "203.0.113.9",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Port": "8443",
    "X-Forwarded-Prefix": "/evil",
}


def echo(environ, start_response):
    """What the app would see of the request."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    seen = [
        environ["REMOTE_ADDR"],
        environ["wsgi.url_scheme"],
        environ.get("HTTP_HOST", ""),
        environ["SERVER_PORT"],
        environ.get("SCRIPT_NAME", ""),
    ]
    return ["|".join(seen).encode()]


def seen(config: dict, headers: dict) -> list[str]:
    from werkzeug.test import Client

    client = Client(trust_proxies(echo, config))
    response = client.get("/", headers=headers, environ_base={"REMOTE_ADDR": "192.0.2.1"})
    return response.get_data(as_text=True).split("|")


def test_forged_headers_are_ignored_by_default():
    assert seen({}, {"Host": "ppkl.test", **FORGED}) == ["192.0.2.1", "http", "ppkl.test", "80", ""]


def test_proxy_count_trusts_the_address_and_scheme_only():
    # One proxy appended its own hop to what the client forged: only that hop counts.
    headers = {"Host": "ppkl.test", **FORGED, "X-Forwarded-For": "203.0.113.9, 198.51.100.7"}
    assert seen({"PROXY_COUNT": 1}, headers) == [
        "198.51.100.7",
        "https",
        "ppkl.test",
        "80",
        "",
    ]


def test_each_header_is_honoured_when_configured():
    config = {"PROXY_X_FOR": 1, "PROXY_X_HOST": 1, "PROXY_X_PORT": 1, "PROXY_X_PREFIX": 1}
    assert seen(config, {"Host": "ppkl.test", **FORGED}) == [
        "203.0.113.9",
        "http",  # PROXY_X_PROTO unset and PROXY_COUNT 0: still not believed
        "evil.example:8443",
        "8443",
        "/evil",
    ]
    assert trusted_headers(config) == set(HEADERS.values()) - {"X-Forwarded-Proto"}


def nginx_headers(text: str) -> dict[str, str]:
    return dict(re.findall(r"^\s*proxy_set_header\s+(\S+)\s+(\S+);", text, re.MULTILINE))


def documented_settings(text: str) -> dict:
    """The PPKL_* settings the file's comment tells the operator to set."""
    found = dict(re.findall(r"PPKL_(\w+)=(\S+)", text))
    return {name: int(value) if value.isdigit() else value for name, value in found.items()}


def test_the_nginx_example_sets_every_header_ppkl_trusts():
    text = NGINX_CONF.read_text()
    settings = documented_settings(text)
    assert settings["PROXY_COUNT"] == 1
    sent = nginx_headers(text)
    trusted = trusted_headers(settings)
    assert trusted == {"X-Forwarded-For", "X-Forwarded-Proto"}
    for header in trusted:  # nginx's own value, replacing what the client sent
        assert sent.get(header, "").startswith("$"), header
    assert sent["X-Forwarded-For"] in ("$remote_addr", "$proxy_add_x_forwarded_for")
    for header in set(HEADERS.values()) - trusted:  # the others removed
        assert sent.get(header) == '""', header
    assert sent["Host"] == "$host"


# --- nginx itself, when installed (CI installs it) ---


def nginx_binary() -> str:
    # Debian puts it in /usr/sbin, which a non-root PATH may lack.
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if not found:
        message = "nginx is not installed: apt-get install nginx"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ppkl.example.go.id")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("ppkl.example.go.id"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def replace_once(text: str, pattern: str, replacement: str) -> str:
    result, count = re.subn(pattern, replacement, text)
    assert count == 1, f"docs/nginx.conf no longer has exactly one {pattern!r}"
    return result


def nginx_config(folder: Path, app_port: int, tls_port: int, plain_port: int) -> Path:
    """The documented server blocks on loopback ports with a test certificate, inside a main
    configuration of the test's own (no system paths)."""
    cert, key = self_signed(folder)
    site = NGINX_CONF.read_text()
    site = replace_once(site, r"server 127\.0\.0\.1:8000;", f"server 127.0.0.1:{app_port};")
    site = replace_once(site, r"listen 80;", f"listen 127.0.0.1:{plain_port};")
    site = replace_once(site, r"listen 443 ssl;", f"listen 127.0.0.1:{tls_port} ssl;")
    site = replace_once(site, r"ssl_certificate /\S+;", f"ssl_certificate {cert};")
    site = replace_once(site, r"ssl_certificate_key /\S+;", f"ssl_certificate_key {key};")
    (folder / "site.conf").write_text(site)
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = folder / "nginx.conf"
    main.write_text(
        # As root, workers would otherwise run as nobody, who cannot enter pytest's folders.
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
        + "events { worker_connections 64; }\n"
        + f"http {{\n    access_log off;\n{temp}\n    include {folder / 'site.conf'};\n}}\n"
    )
    return main


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx exited: {log.read_text() if log.exists() else ''}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail("nginx did not listen within 30 s")


@pytest.fixture
def behind_nginx(extra_app, tmp_path):
    """The app (PROXY_COUNT=1, as the file says) on a loopback port, nginx in front of it with
    the documented configuration; both stopped by their own handles."""
    binary = nginx_binary()
    settings = documented_settings(NGINX_CONF.read_text())
    settings["TRUSTED_HOSTS"] = ["ppkl.example.go.id"]
    app = extra_app(**{k: v for k, v in settings.items() if k != "PRODUCTION"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    tls_port, plain_port = free_port(), free_port()
    config = nginx_config(tmp_path, server.server_port, tls_port, plain_port)
    nginx = subprocess.Popen(
        [binary, "-p", str(tmp_path), "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(tls_port, nginx, tmp_path / "error.log")
        yield {"url": f"https://127.0.0.1:{tls_port}", "plain": plain_port, "cert": tmp_path}
    finally:
        nginx.terminate()
        try:
            nginx.wait(timeout=10)
        except subprocess.TimeoutExpired:
            nginx.kill()
            nginx.wait(timeout=10)
        server.shutdown()
        thread.join(timeout=10)


def test_through_nginx_forged_headers_change_nothing(app, behind_nginx, make_user):
    make_user("siti", role="supervisor")
    browser = requests.Session()
    # Per request: a session's own `verify` loses to REQUESTS_CA_BUNDLE in the environment.
    certificate = str(behind_nginx["cert"] / "cert.pem")
    headers = {"Host": "ppkl.example.go.id", **FORGED, "X-Forwarded-Proto": "http"}
    page = browser.get(
        behind_nginx["url"] + "/login", headers=headers, verify=certificate, timeout=30
    )
    # A believed X-Forwarded-Host would be refused (not a trusted host); the scheme is nginx's.
    assert page.status_code == 200
    assert "Strict-Transport-Security" in page.headers
    token = CSRF_RE.search(page.text).group(1)
    failed = browser.post(
        behind_nginx["url"] + "/login",
        data={"csrf_token": token, "username": "siti", "password": "wrong"},
        headers={**headers, "Referer": "https://ppkl.example.go.id/login"},
        verify=certificate,
        timeout=30,
    )
    assert failed.status_code == 200
    db.session.expire_all()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.username == "siti"))
    assert event.address == "127.0.0.1"  # nginx's view of the client, not the forged one
    redirect = requests.get(
        f"http://127.0.0.1:{behind_nginx['plain']}/login",
        headers={"Host": "ppkl.example.go.id"},
        allow_redirects=False,
        timeout=30,
    )
    assert redirect.headers["Location"] == "https://ppkl.example.go.id/login"
