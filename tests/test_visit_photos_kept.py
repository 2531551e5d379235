"""Photos survive a form error as pending uploads, and a visit's photos change while it is open."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ppkl.clock import office_today, utcnow
from ppkl.extensions import db
from ppkl.models import PendingPhoto, Visit, VisitPhoto
from ppkl.storage.directory import DirectoryStorage
from ppkl.visits.pending import purge_abandoned
from tests import test_visits
from tests.helpers import post_form
from tests.test_visits import form_data, photo_bytes

field = test_visits.field  # the same officer, cooperatives and photo folder

PENDING_RE = re.compile(r'name="pending" value="([^"]+)"')


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def post_with_error(client, coop):
    """A visit with notes and a photo whose follow-up is before the visit: refused."""
    data = form_data(
        coop,
        follow_up_on=(office_today() - timedelta(days=2)).isoformat(),
        photos=[(io.BytesIO(photo_bytes()), "IMG_0001.JPG")],
    )
    return post_form(client, "/visits/new", data, content_type="multipart/form-data")


def test_a_photo_is_kept_across_an_error_and_saved_with_the_corrected_visit(client, auth, field):
    auth.login(client, "ppkl01")
    response = post_with_error(client, field["coop"])
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    (token,) = PENDING_RE.findall(page)
    assert f"/visits/pending/{token}" in page  # a thumbnail
    assert "disimpan bersama kunjungan" in page  # and a word that it is kept
    served = client.get(f"/visits/pending/{token}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    served.close()
    assert count(Visit) == 0 and count(PendingPhoto) == 1

    fixed = form_data(field["coop"], pending=token)  # the file input is empty this time
    response = post_form(client, "/visits/new", fixed, content_type="multipart/form-data")
    assert response.status_code == 302
    visit = db.session.scalar(select(Visit))
    photos = db.session.scalars(select(VisitPhoto).where(VisitPhoto.visit_id == visit.id)).all()
    assert len(photos) == 1 and count(PendingPhoto) == 0
    assert (field["dir"] / "photos" / photos[0].stored_name).exists()


def test_a_kept_photo_can_be_removed_before_saving(client, auth, field):
    auth.login(client, "ppkl01")
    (token,) = PENDING_RE.findall(post_with_error(client, field["coop"]).get_data(as_text=True))
    fixed = form_data(field["coop"], pending=token, drop_pending=token)
    response = post_form(client, "/visits/new", fixed, content_type="multipart/form-data")
    assert response.status_code == 302
    assert count(VisitPhoto) == 0 and count(PendingPhoto) == 0
    assert list((field["dir"] / "photos").iterdir()) == []


def test_a_pending_photo_is_its_uploaders_only(client, auth, field):
    auth.login(client, "ppkl01")
    (token,) = PENDING_RE.findall(post_with_error(client, field["coop"]).get_data(as_text=True))
    auth.logout(client)
    auth.login(client, "ppkl02")
    assert client.get(f"/visits/pending/{token}").status_code == 404
    data = form_data(field["theirs"], pending=token)
    assert post_form(client, "/visits/new", data).status_code == 302
    assert count(VisitPhoto) == 0 and count(PendingPhoto) == 1  # not adopted by someone else


def test_a_bad_file_is_refused_and_the_good_one_kept(client, auth, field):
    auth.login(client, "ppkl01")
    data = form_data(
        field["coop"],
        photos=[(io.BytesIO(photo_bytes()), "good.jpg"), (io.BytesIO(b"not a photo"), "bad.jpg")],
    )
    response = post_form(client, "/visits/new", data, content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "bad.jpg" in page and len(PENDING_RE.findall(page)) == 1
    assert count(Visit) == 0


def test_abandoned_pending_photos_are_removed_after_a_day(app, client, auth, field):
    auth.login(client, "ppkl01")
    post_with_error(client, field["coop"])
    directory = field["dir"] / "photos"
    storage = DirectoryStorage(directory)
    assert purge_abandoned(storage, utcnow()) == 0
    assert purge_abandoned(storage, utcnow() + timedelta(days=1, minutes=1)) == 1
    db.session.commit()
    assert count(PendingPhoto) == 0 and list(directory.iterdir()) == []


@pytest.fixture
def open_visit(field, make_visit):
    return make_visit(field["coop"], field["officer"], office_today(), notes="Rapat pengurus")


def test_photos_are_added_to_and_removed_from_an_open_visit(client, auth, field, open_visit):
    auth.login(client, "ppkl01")
    url = f"/visits/{open_visit.id}/edit"
    data = form_data(field["coop"], photos=[(io.BytesIO(photo_bytes()), "a.jpg")])
    response = post_form(client, url, data, content_type="multipart/form-data")
    assert response.status_code == 302
    (photo,) = db.session.scalars(select(VisitPhoto)).all()
    assert photo.visit_id == open_visit.id
    page = client.get(url).get_data(as_text=True)
    assert f'name="remove_photo" value="{photo.id}"' in page

    data = form_data(field["coop"], remove_photo=str(photo.id))
    response = post_form(client, url, data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert count(VisitPhoto) == 0
    assert list((field["dir"] / "photos").iterdir()) == []


def test_no_photo_change_once_the_window_closed(client, auth, field, make_visit):
    old = make_visit(
        field["coop"], field["officer"], office_today(), created_at=utcnow() - timedelta(days=8)
    )
    auth.login(client, "ppkl01")
    data = form_data(field["coop"], photos=[(io.BytesIO(photo_bytes()), "a.jpg")])
    response = post_form(client, f"/visits/{old.id}/edit", data, page="/visits/new")
    assert response.status_code == 403
    assert count(VisitPhoto) == 0 and count(PendingPhoto) == 0


def test_an_edit_error_keeps_the_added_photo(client, auth, field, open_visit):
    auth.login(client, "ppkl01")
    data = form_data(
        field["coop"],
        visited_on=(office_today() + timedelta(days=1)).isoformat(),
        photos=[(io.BytesIO(photo_bytes()), "a.jpg")],
    )
    url = f"/visits/{open_visit.id}/edit"
    response = post_form(client, url, data, content_type="multipart/form-data")
    assert response.status_code == 400
    (token,) = PENDING_RE.findall(response.get_data(as_text=True))
    response = post_form(client, url, form_data(field["coop"], pending=token))
    assert response.status_code == 302
    assert count(VisitPhoto) == 1
