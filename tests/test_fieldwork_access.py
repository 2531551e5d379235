"""The 403 matrix: an officer against another officer's cooperatives, visits and photos."""

import io
from datetime import timedelta

import pytest
from PIL import Image

from ppkl.api.tokens import create_token
from ppkl.clock import office_today, utcnow
from ppkl.extensions import db
from ppkl.models import CertificateDocument, VisitPhoto
from tests.helpers import post_form


@pytest.fixture
def world(app, tmp_path, make_user, make_cooperative, make_visit, assign):
    app.config["VISIT_PHOTO_DIR"] = str(tmp_path)
    app.config["CERTIFICATE_DIR"] = str(tmp_path)
    mine_officer = make_user("ppkl01", role="ppkl")
    theirs_officer = make_user("ppkl02", role="ppkl")
    dak = make_user("dak01", role="dak")
    make_user("boss", role="supervisor")
    make_user("root", role="admin")
    mine = make_cooperative(name="KSP Saya")
    theirs = make_cooperative(name="KSP Teman")
    assign(mine, mine_officer)
    assign(theirs, theirs_officer)
    visit = make_visit(theirs, theirs_officer, office_today() - timedelta(days=1))
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG")
    (tmp_path / "p.png").write_bytes(out.getvalue())
    photo = VisitPhoto(visit_id=visit.id, stored_name="p.png", content_type="image/png", size=1)
    db.session.add(photo)
    certificate = CertificateDocument(
        cooperative_id=theirs.id, stored_name="p.png", content_type="image/png", size=1
    )
    db.session.add(certificate)
    token, _secret = create_token(theirs_officer, "script", "read", 30, utcnow(), 365)
    db.session.commit()
    return {
        "theirs": theirs,
        "visit": visit,
        "photo": photo,
        "certificate": certificate,
        "dak": dak,
        "mine": mine,
        "token": token,
    }


# (method, url template, form page for the CSRF token)
ROUTES_WITH_IDS = [
    ("GET", "/cooperatives/{coop}", None),
    ("GET", "/visits/new?cooperative={coop}", None),
    ("POST", "/visits/new", "/visits/new"),
    ("GET", "/visits/{visit}", None),
    ("GET", "/visits/{visit}/edit", None),
    ("POST", "/visits/{visit}/edit", "/visits/new"),
    ("POST", "/visits/{visit}/remove", "/visits/new"),
    ("GET", "/visits/photos/{photo}", None),
    ("GET", "/certification/certificates/{certificate}", None),
    ("POST", "/assignments/cooperative/{coop}", "/visits/new"),
    ("GET", "/roster/{user}/deactivate", None),
    ("POST", "/roster/{user}/deactivate", "/visits/new"),
    ("GET", "/cooperatives/{coop}/edit", None),
    ("POST", "/cooperatives/{coop}/edit", "/visits/new"),
    ("GET", "/admin/users/{user}", None),
    ("POST", "/admin/users/{user}/password", "/visits/new"),
    ("POST", "/admin/users/{user}/sign-out", "/visits/new"),
    ("GET", "/admin/provinces/1", None),
    ("POST", "/admin/provinces/1", "/visits/new"),
    ("GET", "/reports/officer?officer={user}&start=2019-06-01&end=2019-06-30", None),
    ("POST", "/reports/officer/{user}/pdf", "/visits/new"),
    ("GET", "/reports/jobs/" + "0" * 32, None),
    ("GET", "/import/cooperatives/jobs/" + "0" * 32, None),
    ("POST", "/reports/jobs/" + "0" * 32 + "/download", "/visits/new"),
    ("POST", "/cooperatives/{coop}/location", "/visits/new"),
    ("POST", "/account/tokens/{token}/revoke", "/visits/new"),
]
# The certification pages act on a cooperative: officers only on the ones they cover.
for action in ("rat", "move", "correct", "status"):
    ROUTES_WITH_IDS += [
        ("GET", f"/certification/{{coop}}/{action}", None),
        ("POST", f"/certification/{{coop}}/{action}", "/visits/new"),
    ]
# Endpoints taking an id that this matrix covers; a new one must be added above.
COVERED_ENDPOINTS = {
    "cooperatives.detail",
    "cooperatives.edit",
    "admin.edit_user",
    "admin.reset_password",
    "admin.revoke_sessions",
    "admin.edit_province",
    "certification.rat",
    "certification.move",
    "certification.correct",
    "certification.status",
    "visits.detail",
    "visits.edit",
    "visits.remove",
    "visits.photo",
    "certification.certificate_file",
    "visits.pending_photo",  # by token, only its uploader: tests/test_visit_photos_kept.py
    "transfer.import_preview",  # by token, only its uploader: tests/test_import_web.py
    # by token: its uploader and importers whose scope holds the uploader, others 404, officers
    # 403 (tests/test_import_jobs.py)
    "transfer.import_job",
    "assignments.assign_one",
    "roster.deactivate",
    "reports.officer_pdf",
    "reports.job",
    "reports.job_download",
    "cooperatives.set_location",
    "tokens.revoke",
    # The API answers JSON: tests/api/test_sync.py holds their officer checks (403 for another
    # officer's cooperative; 404 for a visit the officer never sent, as the field app expects).
    "api.add_photo",
    "api.rat_held",
    # tests/api/test_sync_certificate.py: 403 for another officer's cooperative, 404 for a move
    # another user sent.
    "api.move",
    "api.sent_move",
    "api.certificate_reading",
    # ODS runs are the office's, not an officer's: officers get 403 on every one
    # (tests/ods/test_pages.py::test_officers_may_not_reconcile), a missing run is 404.
    "ods.run",
    "ods.apply",
    "ods.export",
}


def test_matrix_covers_every_route_that_takes_an_id(app):
    with_ids = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.arguments and rule.endpoint not in ("static", "bootstrap.static")
    }
    assert with_ids <= COVERED_ENDPOINTS


@pytest.mark.parametrize(("method", "template", "page"), ROUTES_WITH_IDS)
def test_officer_gets_403_on_another_officers_things(client, auth, world, method, template, page):
    url = template.format(
        coop=world["theirs"].id,
        visit=world["visit"].id,
        photo=world["photo"].id,
        certificate=world["certificate"].id,
        user=world["dak"].id,
        token=world["token"].id,
    )
    auth.login(client, "ppkl01")
    if method == "GET":
        response = client.get(url)
    else:
        data = {
            "cooperative_id": world["theirs"].id,
            "visited_on": office_today().isoformat(),
            "purposes": ["pembinaan"],
            "reason": "x",
            "officer": "none:ppkl",
            "successor": "",
        }
        response = post_form(client, url, data, page=page)
    assert response.status_code == 403, (method, url)
    response.close()


def test_supervisor_may_open_them(client, auth, world):
    auth.login(client, "boss")
    assert client.get(f"/visits/{world['visit'].id}").status_code == 200
    photo = client.get(f"/visits/photos/{world['photo'].id}")
    assert photo.status_code == 200
    photo.close()
    certificate = client.get(f"/certification/certificates/{world['certificate'].id}")
    assert certificate.status_code == 200
    certificate.close()
    # ... but a supervisor does not edit an officer's visit.
    assert client.get(f"/visits/{world['visit'].id}/edit").status_code == 403


def test_missing_ids_are_404(client, auth, world):
    auth.login(client, "ppkl01")
    for url in ("/visits/999999", "/visits/photos/999999", "/visits/new?cooperative=999999"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    ("role", "path", "expected"),
    [
        ("ppkl", "/tasks/", 200),
        ("ppkl", "/visits/new", 200),
        ("ppkl", "/assignments/", 403),
        ("ppkl", "/roster/", 403),
        ("supervisor", "/tasks/", 200),
        ("supervisor", "/assignments/", 200),
        ("supervisor", "/roster/", 200),
        ("supervisor", "/visits/new", 403),
        ("admin", "/roster/", 200),
    ],
)
def test_fieldwork_pages_by_role(client, auth, make_user, role, path, expected):
    make_user("someone", role=role)
    auth.login(client, "someone")
    assert client.get(path).status_code == expected
