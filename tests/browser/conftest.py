"""Real-browser tests: Playwright for Python driving Debian's /usr/bin/chromium.

Locally they skip, with the reason shown, when Chromium is missing; in CI (CI=true) they fail.
"""

import os
import shutil
import threading
from collections.abc import Callable
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from tests.helpers import make_app

CHROMIUM = os.environ.get("PPKL_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 780}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright():
    """One Playwright driver for the run: the sync API allows one per thread."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    yield browser
    browser.close()


def whole_bodies(app):
    """The app with each response body read whole and closed before it is sent.

    When the browser drops a connection mid-send (a navigation, a closed context), the
    development server leaves the static file it was sending open; the garbage collector's
    ResourceWarning then fails whichever test happens to be running. A body already read and
    closed leaves nothing open to drop.
    """

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, whole_bodies(app), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def demo_server(demo_database):
    """The demo data served over HTTP on a free loopback port."""
    app = make_app(demo_database)
    with LiveServer(app) as server:
        yield server
    with app.app_context():
        from ppkl.extensions import db

        db.engine.dispose()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_without_js(browser):
    """A phone with JavaScript off: every page and form must still work."""
    context = browser.new_context(viewport=PHONE, locale="id-ID", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page, base_url: str, username: str, password: str = "ppkl-demo") -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def has_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@contextmanager
def writable_demo_server(databases, name: str, choose: Callable):
    """A demo database of its own (tests that change data leave the shared demo untouched),
    served live; yields (server, choose(session)) with what the test picked in the data."""
    from ppkl.extensions import db
    from tests.helpers import seeded_demo_database

    app = make_app(seeded_demo_database(databases, name))
    with app.app_context():
        chosen = choose(db.session)
    with LiveServer(app) as server:
        yield server, chosen
    with app.app_context():
        db.engine.dispose()


def rat_held_with_its_ppkl(session):
    """The first active cooperative at rat_held, and the PPKL assigned to it."""
    from sqlalchemy import select

    from ppkl.models import Assignment, Cooperative, User

    coop = session.scalar(
        select(Cooperative)
        .where(Cooperative.stage == "rat_held", Cooperative.active.is_(True))
        .order_by(Cooperative.id)
    )
    officer = session.scalar(  # the PPKL assigned to it (covers_cooperative)
        select(User)
        .join(Assignment, Assignment.officer_id == User.id)
        .where(
            Assignment.cooperative_id == coop.id,
            Assignment.end_date.is_(None),
            User.role == "ppkl",
        )
    )
    return coop.id, coop.name, officer.username, officer.full_name
