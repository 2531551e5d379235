"""Who may open what: the route guard, the object loader and the role x page matrix."""

import pytest

from ppkl.access import ALWAYS_PUBLIC_ENDPOINTS


def test_every_route_declares_who_may_use_it(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in ALWAYS_PUBLIC_ENDPOINTS
        and not hasattr(app.view_functions[rule.endpoint], "access_rule")
    ]
    assert undeclared == []


def test_no_route_changes_state_through_get(app, client, make_user, make_cooperative, auth):
    """Every GET route, opened by an admin with real ids, writes nothing to the database."""
    from ppkl.extensions import db
    from tests.helpers import count_queries

    admin = make_user("root", role="admin")
    coop = make_cooperative()
    auth.login(client, "root")
    ids = {"cooperative_id": coop.id, "user_id": admin.id}
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ALWAYS_PUBLIC_ENDPOINTS:
            continue
        values = {arg: ids.get(arg, 1) for arg in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        with count_queries(db.engine) as statements:
            status = client.get(url).status_code
        writes = [
            s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        assert writes == [], (url, status, writes)
        checked += 1
    assert checked >= 5


PAGES = ["/dashboard", "/cooperatives/", "/admin/users/", "/admin/users/new"]
ALLOWED = {
    "admin": set(PAGES),
    "supervisor": {"/dashboard", "/cooperatives/"},
    "ppkl": {"/dashboard", "/cooperatives/"},
    "dak": {"/dashboard", "/cooperatives/"},
}


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize("path", PAGES)
def test_role_page_matrix(client, make_user, auth, role, path):
    make_user("someone", role=role)
    auth.login(client, "someone")
    expected = 200 if path in ALLOWED[role] else 403
    assert client.get(path).status_code == expected


@pytest.mark.parametrize("path", PAGES)
def test_signed_out_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_officer_sees_only_cooperatives_of_home_regency(
    client, make_regency, make_user, make_cooperative, auth
):
    bulungan, tarakan = make_regency("Bulungan"), make_regency("Tarakan")
    own = make_cooperative(regency=bulungan, name="KSP Milik Sendiri")
    other = make_cooperative(regency=tarakan, name="KSP Orang Lain")
    make_user("ppkl01", role="ppkl", regency=bulungan)
    auth.login(client, "ppkl01")
    html = client.get("/cooperatives/").get_data(as_text=True)
    assert "KSP Milik Sendiri" in html and "KSP Orang Lain" not in html
    assert client.get(f"/cooperatives/{own.id}").status_code == 200
    assert client.get(f"/cooperatives/{other.id}").status_code == 403


def test_supervisor_sees_every_cooperative(client, make_regency, make_user, make_cooperative, auth):
    other = make_cooperative(regency=make_regency("Tarakan"))
    make_user("boss", role="supervisor")
    auth.login(client, "boss")
    assert client.get(f"/cooperatives/{other.id}").status_code == 200


def test_missing_cooperative_is_404_not_500(client, make_user, auth):
    make_user("boss", role="supervisor")
    auth.login(client, "boss")
    response = client.get("/cooperatives/999999")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


def test_403_page_is_styled_and_audited(client, make_user, auth):
    from sqlalchemy import select

    from ppkl.extensions import db
    from ppkl.models import AuditEvent

    make_user("ppkl01", role="ppkl")
    auth.login(client, "ppkl01")
    response = client.get("/admin/users/")
    assert response.status_code == 403
    assert "Akses ditolak" in response.get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access.denied"))
    assert event.target == "/admin/users/" and event.username == "ppkl01"


def test_500_page_hides_the_stack_trace(app, make_user, auth):
    from ppkl.access import public

    @public
    def explode():
        raise RuntimeError("secret internals")

    app.add_url_rule("/explode", "explode", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/explode")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "secret internals" not in html and "Traceback" not in html
    assert "Terjadi kesalahan" in html


@pytest.mark.parametrize(
    "path",
    [
        "/tasks/?officer={id}",
        "/roster/{id}/deactivate",
        "/reports/officer?officer={id}&start=2019-06-01&end=2019-06-30",
    ],
)
def test_pages_about_an_officer_are_404_for_other_users(client, make_user, auth, path):
    supervisor = make_user("boss", role="supervisor")
    admin = make_user("root", role="admin")
    officer = make_user("ppkl01", role="ppkl")
    auth.login(client, "boss")
    assert client.get(path.format(id=officer.id)).status_code == 200
    for user_id in (admin.id, supervisor.id, 999999):
        assert client.get(path.format(id=user_id)).status_code == 404


def test_refusals_are_audited_up_to_an_hourly_limit(app, client, make_user, auth):
    from sqlalchemy import func, select

    from ppkl.extensions import db
    from ppkl.models import AuditEvent

    app.config["FORBIDDEN_AUDIT_PER_HOUR"] = 5
    make_user("ppkl01", role="ppkl")
    auth.login(client, "ppkl01")
    for _ in range(12):
        assert client.get("/admin/users/").status_code == 403
    db.session.expire_all()
    rows = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "access.denied")
    )
    assert rows == 5


def test_the_default_audit_limit_for_refusals(app):
    assert app.config["FORBIDDEN_AUDIT_PER_HOUR"] == 20
