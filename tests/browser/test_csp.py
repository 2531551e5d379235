"""The strict Content-Security-Policy breaks nothing: Bootstrap's CSS and JS load and work."""

from flask import render_template_string

from ppkl.access import public
from tests.browser.conftest import LiveServer, sign_in
from tests.helpers import make_app

BOOTSTRAP_JS_PAGE = """{% extends "base.html" %}{% block content %}
<button class="btn btn-primary" data-bs-toggle="collapse" data-bs-target="#more">More</button>
<div class="collapse" id="more">Hidden text</div>
{{ bootstrap.load_js() }}{% endblock %}"""


def collect_csp_violations(page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return found


def test_pages_render_styled_without_csp_violations(phone, demo_server):
    violations = collect_csp_violations(phone)
    sign_in(phone, demo_server.url, "supervisor")
    phone.wait_for_url("**/dashboard")
    for path in ("/dashboard", "/cooperatives/"):
        phone.goto(demo_server.url + path)
        padding = phone.locator("header .btn").first.evaluate(
            "el => getComputedStyle(el).paddingLeft"
        )
        assert padding not in ("", "0px"), path  # Bootstrap's stylesheet applied
    assert violations == []


def test_bootstrap_javascript_runs_under_the_policy(browser, demo_database):
    app = make_app(demo_database)

    @public
    def bootstrap_js():
        return render_template_string(BOOTSTRAP_JS_PAGE)

    app.add_url_rule("/bootstrap-js", "bootstrap_js", bootstrap_js)
    context = browser.new_context()
    page = context.new_page()
    violations = collect_csp_violations(page)
    with LiveServer(app) as server:
        response = page.goto(server.url + "/bootstrap-js")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert page.evaluate("typeof window.bootstrap") == "object"
        page.get_by_role("button", name="More").click()
        page.get_by_text("Hidden text").wait_for(state="visible")
    context.close()
    assert violations == []
