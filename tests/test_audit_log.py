"""The audit log: rows for each security event, and the admins' page to browse it."""

from datetime import datetime

import pytest
from sqlalchemy import select

from ppkl.extensions import db
from ppkl.models import AuditEvent
from ppkl.models.audit import AuditLogIsAppendOnly
from tests.helpers import post_form


def actions() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def add_event(action="auth.signed_in", username="siti", when=datetime(2019, 6, 10, 2, 0), **detail):
    event = AuditEvent(action=action, username=username, created_at=when, detail=detail or None)
    db.session.add(event)
    db.session.commit()
    return event


def test_each_account_event_writes_an_audit_row(client, make_user, auth):
    make_user("root", role="admin")
    officer = make_user("ppkl01", role="ppkl")
    auth.login(client, "root")
    page = f"/admin/users/{officer.id}"
    details = {"full_name": "P", "role": "dak", "regency_id": str(officer.regency_id)}
    post_form(client, page, {**details, "cohort_year": "2019", "active": "y"})
    post_form(client, f"{page}/password", {"password": "another long phrase"}, page=page)
    post_form(client, f"{page}/sign-out", {}, page=page)
    post_form(client, page, {**details, "cohort_year": "2019"})  # unticked: deactivate
    assert actions()[-4:] == [
        "user.role_changed",
        "user.password_changed",
        "user.sessions_revoked",
        "user.deactivated",
    ]
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action != "auth.signed_in")).all()
    assert {(r.username, r.target, r.address) for r in rows} == {
        ("root", f"user:{officer.id}", "127.0.0.1")
    }
    role = next(r for r in rows if r.action == "user.role_changed")
    assert role.detail == {"old": "ppkl", "new": "dak"}


def test_sign_in_out_failure_and_403_are_recorded(client, make_user, auth):
    from tests.helpers import login

    make_user("ppkl01", role="ppkl")
    login(client, "ppkl01", "wrong password")
    auth.login(client, "ppkl01")
    client.get("/admin/audit/")
    auth.logout(client)
    assert actions() == [
        "auth.sign_in_failed",
        "auth.signed_in",
        "access.denied",
        "auth.signed_out",
    ]


def test_audit_rows_cannot_be_changed_or_deleted(app):
    event = add_event()
    event.action = "nothing_happened"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_the_audit_pages_only_read(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("auditlog.")]
    assert rules and all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)


@pytest.mark.parametrize("role", ["supervisor", "ppkl", "dak"])
def test_only_admins_see_the_audit_log(client, make_user, auth, role):
    make_user("someone", role=role)
    auth.login(client, "someone")
    assert client.get("/admin/audit/").status_code == 403
    assert "/admin/audit/" not in client.get("/dashboard").get_data(as_text=True)


def test_admin_browses_and_filters(client, make_user, auth):
    make_user("root", role="admin")
    add_event("auth.signed_in", "siti", datetime(2019, 6, 9, 23, 30))  # 10 June 07:30 WITA
    add_event("auth.sign_in_failed", "budi", datetime(2019, 6, 10, 16, 30))  # 11 June 00:30 WITA
    add_event("user.role_changed", "root", datetime(2019, 6, 12, 1, 0), old="ppkl", new="dak")
    auth.login(client, "root")
    html = client.get("/admin/audit/").get_data(as_text=True)
    assert "Log audit" in html and "Peran diubah" in html and "new: dak; old: ppkl" in html
    assert 'href="/admin/audit/"' in client.get("/dashboard").get_data(as_text=True)

    def listed(query):
        response = client.get("/admin/audit/?" + query)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        items = html.split('id="audit-events"')[1].split("</ol>")[0]
        return {n for n in ("siti", "budi", "root") if f">{n} ·" in items or f"{n} · " in items}

    assert listed("who=SITI") == {"siti"}
    assert listed("action=auth.sign_in_failed") == {"budi"}
    assert listed("date_from=2019-06-10&date_to=2019-06-10") == {"siti"}  # office days
    assert listed("date_from=2019-06-11") == {"budi", "root"}
    assert listed("action=no_such_action") == set()


def test_bad_filter_input_is_explained_next_to_the_field(client, make_user, auth):
    make_user("root", role="admin")
    auth.login(client, "root")
    html = client.get("/admin/audit/?date_from=10-06-2019").get_data(as_text=True)
    assert 'id="date_from-error"' in html and "Masukkan tanggal seperti 2019-06-30" in html
    html = client.get("/admin/audit/?date_from=2019-06-11&date_to=2019-06-10").get_data(
        as_text=True
    )
    assert 'id="date_to-error"' in html and "Tanggal akhir sebelum tanggal awal" in html


def test_audit_page_uses_a_fixed_number_of_queries(client, make_user, auth, query_counter, app):
    make_user("root", role="admin")
    auth.login(client, "root")
    counts = []
    for total in (3, 130):
        while db.session.query(AuditEvent).count() < total:
            add_event(username=f"user{total}", ip="10.0.0.1")
        with query_counter() as statements:
            response = client.get("/admin/audit/?page=2")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 6


def test_audit_page_is_paginated(client, make_user, auth, app):
    make_user("root", role="admin")
    auth.login(client, "root")
    for n in range(app.config["PER_PAGE"] + 5):
        add_event(username=f"u{n:03d}")
    html = client.get("/admin/audit/?who=").get_data(as_text=True)
    assert 'rel="next"' in html
    assert html.count('class="list-group-item"') == app.config["PER_PAGE"]
