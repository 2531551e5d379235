"""An officer whose cooperative is reassigned while they type: told why, nothing typed is lost."""

import io

from sqlalchemy import func, select

from ppkl.assignments.services import assign_officer
from ppkl.clock import office_today
from ppkl.extensions import db
from ppkl.i18n import format_long_date
from ppkl.models import PendingPhoto, User, Visit
from tests import test_visits
from tests.helpers import post_form
from tests.test_visits import form_data, photo_bytes

field = test_visits.field


def reassign(coop, to_username: str) -> None:
    boss = db.session.scalar(select(User).where(User.username == "boss"))
    other = db.session.scalar(select(User).where(User.username == to_username))
    assign_officer(boss, [coop.id], other, office_today())
    db.session.commit()


def test_a_visit_to_a_cooperative_reassigned_meanwhile_keeps_what_was_typed(
    app, client, auth, field
):
    coop = field["coop"]
    auth.login(client, "ppkl01")
    url = f"/visits/new?cooperative={coop.id}"
    page = client.get(url).get_data(as_text=True)  # the form is open on the phone
    reassign(coop, "ppkl02")  # meanwhile, at the office
    data = form_data(
        coop,
        notes="Bendahara baru, kas belum dicocokkan.",
        photos=[(io.BytesIO(photo_bytes()), "IMG_7.JPG")],
    )
    response = post_form(client, url, data, page="/visits/new", content_type="multipart/form-data")
    assert page and response.status_code == 403
    html = response.get_data(as_text=True)
    with app.test_request_context():  # the Indonesian long date, as the page writes it
        since = format_long_date(office_today())
    assert f"tidak lagi ditugaskan kepada Anda sejak {since}" in html
    assert 'id="cooperative_id-error"' in html and "KSP Tunas Harapan" in html
    assert "Bendahara baru, kas belum dicocokkan." in html  # the notes, still in the form
    assert 'name="pending"' in html  # and the photo, as a kept thumbnail
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Visit.id))) == 0
    assert db.session.scalar(select(func.count(PendingPhoto.id))) == 1
    # The disabled entry cannot send the visit to another cooperative by accident.
    assert '<option value="" selected disabled data-placeholder>KSP Tunas Harapan</option>' in html


def test_a_cooperative_never_assigned_is_refused_with_the_form_kept(client, auth, field):
    auth.login(client, "ppkl01")
    data = form_data(field["theirs"], notes="Catatan penting")
    response = post_form(client, "/visits/new", data)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "KSP Orang Lain tidak ditugaskan kepada Anda" in html
    assert "Catatan penting" in html
