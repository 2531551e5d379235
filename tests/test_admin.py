from sqlalchemy import func, select

from ppkl.cooperatives.queries import officers
from ppkl.coverage import NATION
from ppkl.extensions import db
from ppkl.models import AuditEvent, User
from tests.helpers import post_form


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def new_user_data(**overrides):
    data = {
        "username": "dak25",
        "full_name": "Rina Utami",
        "role": "dak",
        "regency_id": "0",
        "cohort_year": "2019",
        "contract_end": "2019-12-31",
        "active": "y",
        "password": "a-long-passphrase",
    }
    data.update(overrides)
    return data


def test_admin_creates_an_officer(client, make_user, make_regency, auth):
    regency = make_regency("Malinau")
    make_user("root", role="admin")
    auth.login(client, "root")
    response = post_form(client, "/admin/users/new", new_user_data(regency_id=str(regency.id)))
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    user = db.session.scalar(select(User).where(User.username == "dak25"))
    assert (user.role, user.regency_id, user.cohort_year) == ("dak", regency.id, 2019)
    assert user.password_hash.startswith("pbkdf2:sha256:")
    assert "a-long-passphrase" not in user.password_hash
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.created"))


def test_bad_input_is_shown_next_to_the_field_and_nothing_written(client, make_user, auth):
    make_user("root", role="admin")
    auth.login(client, "root")
    before = count_users()
    cases = [
        ({"username": ""}, "username"),
        ({"username": "bad name!"}, "username"),
        ({"password": "short"}, "password"),
        ({"regency_id": "0"}, "regency_id"),  # an officer without a regency
        ({"cohort_year": "", "regency_id": "0", "role": "dak"}, "regency_id"),
        ({"cohort_year": "1800"}, "cohort_year"),
        ({"username": "root"}, "username"),
    ]
    for overrides, field in cases:
        response = post_form(client, "/admin/users/new", new_user_data(**overrides))
        html = response.get_data(as_text=True)
        assert response.status_code == 200, overrides
        assert f'id="{field}-error"' in html, (overrides, field)
    assert count_users() == before


def test_deactivating_a_user_ends_their_sessions(app, client, make_user, auth):
    make_user("root", role="admin")
    officer = make_user("ppkl01", role="ppkl")
    phone = app.test_client()
    auth.login(phone, "ppkl01")
    auth.login(client, "root")
    data = {
        "full_name": officer.full_name,
        "role": "ppkl",
        "regency_id": str(officer.regency_id),
        "cohort_year": "",
        "contract_end": "",
    }  # "active" left out: the box is unticked
    response = post_form(client, f"/admin/users/{officer.id}", data)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    assert phone.get("/dashboard").status_code == 302
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.deactivated"))


def test_admin_cannot_demote_themself(client, make_user, auth):
    root = make_user("root", role="admin")
    auth.login(client, "root")
    data = {"full_name": "Root", "role": "supervisor", "regency_id": "0", "active": "y"}
    response = post_form(client, f"/admin/users/{root.id}", data)
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(User, root.id).role == "admin"


def test_reset_password_and_sign_out_everywhere(app, client, make_user, auth):
    make_user("root", role="admin")
    officer = make_user("ppkl01", role="ppkl")
    phone = app.test_client()
    auth.login(phone, "ppkl01")
    auth.login(client, "root")
    short = post_form(
        client,
        f"/admin/users/{officer.id}/password",
        {"password": "x"},
        page=f"/admin/users/{officer.id}",
    )
    assert short.status_code == 400 and 'id="password-error"' in short.get_data(as_text=True)
    assert phone.get("/dashboard").status_code == 200
    ok = post_form(
        client,
        f"/admin/users/{officer.id}/password",
        {"password": "new-passphrase"},
        page=f"/admin/users/{officer.id}",
    )
    assert ok.status_code == 302
    assert phone.get("/dashboard").status_code == 302
    auth.login(phone, "ppkl01", "new-passphrase")
    post_form(client, f"/admin/users/{officer.id}/sign-out", page=f"/admin/users/{officer.id}")
    assert phone.get("/dashboard").status_code == 302


def test_cli_create_user_reads_password_from_stdin(runner, make_regency):
    make_regency("Tarakan")
    result = runner.invoke(
        args=[
            "create-user",
            "ppkl14",
            "--role",
            "ppkl",
            "--name",
            "Agus Halim",
            "--regency",
            "Tarakan",
            "--password-stdin",
        ],
        input="a-long-passphrase\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "ppkl14"))
    assert user.full_name == "Agus Halim" and user.regency.name == "Tarakan"


def test_cli_create_user_refuses_bad_input(runner):
    result = runner.invoke(
        args=["create-user", "boss", "--role", "supervisor", "--name", "Boss", "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code != 0 and "password" in result.output
    unknown = runner.invoke(
        args=[
            "create-user",
            "x1",
            "--role",
            "ppkl",
            "--name",
            "X",
            "--regency",
            "Atlantis",
            "--password-stdin",
        ],
        input="a-long-passphrase\n",
    )
    assert unknown.exit_code != 0 and "unknown regency" in unknown.output
    assert count_users() == 0


def test_officer_lists_hold_active_officers_by_role_and_name(app, make_user, make_regency):
    north, south = make_regency("Utara"), make_regency("Selatan")
    make_user("root", role="admin")
    make_user("boss", role="supervisor")
    make_user("dak01", role="dak", regency=north, full_name="Ani")
    make_user("ppkl02", role="ppkl", regency=south, full_name="Budi")
    make_user("ppkl01", role="ppkl", regency=north, full_name="Citra")
    make_user("ppkl03", role="ppkl", regency=north, full_name="Agus", active=False)

    def names(**filters):
        return [o.username for o in officers(db.session, NATION, **filters)]

    assert names() == ["ppkl03", "ppkl02", "ppkl01", "dak01"]
    assert names(active_only=True) == ["ppkl02", "ppkl01", "dak01"]
    assert names(active_only=True, regency_id=north.id) == ["ppkl01", "dak01"]
