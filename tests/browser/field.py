"""Helpers shared by the field app's browser tests and bench/field_sync.py: a small database
with one officer's cooperatives, a camera-sized photo, and the steps an officer takes."""

import time
from datetime import date
from pathlib import Path

from PIL import Image, ImageFilter

from tests.browser.conftest import CHROMIUM, PHONE, sign_in
from tests.conftest import FAST_HASH, TEST_PASSWORD
from tests.helpers import first_province_id

POSITION = {"latitude": 3.5952, "longitude": 116.6534}  # Malinau
PROFILE_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic"]
COOPS = ("KSU Anggrek Malinau", "Koperasi Bakau Lestari", "KSP Cempaka Jaya", "Koperasi Durian")


# How long a test waits for the phone to do something before it fails. Generous: the tests
# assert that things happen (and once), not how fast; a loaded CI machine is slow.
PATIENCE = 60


def wait_until(page, expression: str, seconds: float = PATIENCE) -> float:
    """Poll an expression in the page (the CSP forbids Playwright's eval-based waiting)."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if page.evaluate(expression):
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"not true within {seconds} s: {expression}")


def wait_for(page, check, seconds: float = PATIENCE) -> None:
    """Poll a condition on the server's side (what it received, what it stored). The pause is
    the page's: Playwright runs route handlers only inside its own calls, so a plain sleep
    would hold back a request that a test's route intercepts."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > seconds:
            raise AssertionError(f"not true within {seconds} s: {check}")
        page.wait_for_timeout(200)


def pending(page) -> str:
    return page.locator("[data-sync-pending]").inner_text()


def open_phone(playwright, profile, offline=False):
    context = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=PROFILE_ARGS,
        viewport=PHONE,
        locale="id-ID",
        geolocation=POSITION,
        permissions=["geolocation"],
        offline=offline,
    )
    context.set_default_timeout(PATIENCE * 1000)
    page = context.pages[0] if context.pages else context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return context, page


def open_tasks_online(page, base):
    """Sign in as the officer and wait until Tugas saya and its pages are kept on the phone."""
    sign_in(page, base, "ppkl01", TEST_PASSWORD)
    page.wait_for_url("**/tasks/")
    wait_until(page, "navigator.serviceWorker.controller !== null")
    wait_until(
        page,
        "caches.open('ppkl-pages-' + document.body.dataset.userId)"
        ".then(c => c.keys()).then(keys => keys.length >= 10)",
    )


def server_down(route):
    route.fulfill(status=503, json={"code": "down", "message": "-"})


def log_visit(page, base, coop_id, purpose, notes, photos=(), rat=None, visited_on=None):
    page.goto(f"{base}/cooperatives/{coop_id}")
    page.get_by_role("link", name="Catat kunjungan").first.click()
    page.wait_for_url(f"**/visits/new?cooperative={coop_id}*")
    page.get_by_label(purpose).check()
    page.locator("#notes").fill(notes)
    if visited_on:
        page.locator("#visited_on").fill(visited_on.isoformat())
    if photos:
        page.set_input_files("#photos", [str(p) for p in photos])
    if rat:
        page.locator("#record_move").check()
        page.locator("#move-fiscal_year").fill(str(rat["fiscal_year"]))
        page.locator("#move-held_on").fill(rat["held_on"])
        page.locator("#move-members_present").fill(str(rat["members_present"]))
        page.locator("#move-members_total").fill(str(rat["members_total"]))
    wait_until(page, "document.getElementById('visit-location').textContent.includes('akurasi')")
    page.get_by_role("button", name="Simpan kunjungan").click()
    page.locator("#visit-saved.alert-success").wait_for()


def server_rows(app):
    from sqlalchemy import func, select

    from ppkl.extensions import db
    from ppkl.models import Cooperative, Visit, VisitPhoto

    with app.app_context():
        visits = db.session.scalars(select(Visit).order_by(Visit.id)).all()
        photos = db.session.execute(
            select(VisitPhoto.visit_id, VisitPhoto.size, VisitPhoto.client_uuid)
        ).all()
        uuids = db.session.scalar(select(func.count(func.distinct(Visit.client_uuid))))
        stages = dict(db.session.execute(select(Cooperative.name, Cooperative.stage)).all())
        rows = {
            "visits": [
                (v.cooperative_id, v.notes, v.client_uuid, v.latitude, v.longitude, v.accuracy_m)
                for v in visits
            ],
            "photos": photos,
            "distinct_uuids": uuids,
            "stages": stages,
        }
        db.session.remove()
        return rows


def touch_cooperative(app, coop_id):
    """A supervisor corrects the cooperative meanwhile: its version moves on."""
    from ppkl.extensions import db
    from ppkl.models import Cooperative

    with app.app_context():
        db.session.get(Cooperative, coop_id).district = "Mentarang"
        db.session.commit()
        db.session.remove()


def seed_field(app) -> dict[str, int]:
    """Two officers; four not-started cooperatives assigned to ppkl01. Returns name -> id."""
    from ppkl.auth.passwords import hash_password
    from ppkl.extensions import db
    from ppkl.models import Assignment, Cooperative, Regency, User

    with app.app_context():
        regency = Regency(name="Malinau", code="65.02", province_id=first_province_id())
        db.session.add(regency)
        db.session.flush()
        users = {
            name: User(
                username=name,
                full_name=full,
                role="ppkl",
                regency_id=regency.id,
                password_hash=hash_password(TEST_PASSWORD, FAST_HASH),
            )
            for name, full in (("ppkl01", "Rina Lestari"), ("ppkl02", "Yohanes Laing"))
        }
        coops = {
            name: Cooperative(name=name, regency_id=regency.id, district="Malinau Kota", members=40)
            for name in COOPS
        }
        db.session.add_all([*users.values(), *coops.values()])
        db.session.flush()
        db.session.add_all(
            Assignment(
                cooperative_id=c.id,
                officer_id=users["ppkl01"].id,
                officer_role="ppkl",
                start_date=date(2019, 1, 2),
            )
            for c in coops.values()
        )
        # Read before the commit: afterwards each read would check out a connection again,
        # which the dispose below would leave open.
        ids = {name: c.id for name, c in coops.items()}
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return ids


def make_camera_photo(path: Path) -> Path:
    """A 12-megapixel camera-sized JPEG (4000x3000, a few MB) with detail like a real scene."""
    noise = Image.effect_noise((4000, 3000), 60).filter(ImageFilter.GaussianBlur(1.2))
    gradient = Image.linear_gradient("L").resize((4000, 3000))
    image = Image.merge("RGB", (noise, gradient, Image.blend(noise, gradient, 0.5)))
    image.save(path, quality=92)
    return path


def record_request_bodies(app) -> list[tuple[str, str, int]]:
    """(method, path, body bytes) of every request the server receives from now on, counted on
    the server so that multipart uploads are measured too (the browser does not expose them)."""
    seen: list[tuple[str, str, int]] = []
    inner = app.wsgi_app

    def counting(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], length))
        return inner(environ, start_response)

    app.wsgi_app = counting
    return seen


def add_cooperative(app, name: str, officer: str = "ppkl01") -> int:
    """One more cooperative, assigned to the officer from 2019."""
    from sqlalchemy import select

    from ppkl.extensions import db
    from ppkl.models import Assignment, Cooperative, Regency, User

    with app.app_context():
        regency = db.session.scalars(select(Regency)).first()
        user = db.session.scalar(select(User).where(User.username == officer))
        coop = Cooperative(name=name, regency_id=regency.id, district="Malinau Barat", members=25)
        db.session.add(coop)
        db.session.flush()
        db.session.add(
            Assignment(
                cooperative_id=coop.id,
                officer_id=user.id,
                officer_role=user.role,
                start_date=date(2019, 1, 2),
            )
        )
        coop_id = coop.id
        db.session.commit()
        db.session.remove()
    return coop_id


def end_assignments(app, coop_id: int) -> None:
    """The cooperative is taken off its officer (reassigned by a supervisor)."""
    from sqlalchemy import update

    from ppkl.extensions import db
    from ppkl.models import Assignment

    with app.app_context():
        db.session.execute(
            update(Assignment)
            .where(Assignment.cooperative_id == coop_id, Assignment.end_date.is_(None))
            .values(end_date=date(2020, 1, 1))
        )
        db.session.commit()
        db.session.remove()
