from sqlalchemy import func, select

from ppkl.extensions import db
from ppkl.models import Cooperative, CooperativeHistory
from tests.helpers import post_form


def details(regency, **overrides):
    data = {
        "name": "KSP Benuanta Jaya",
        "regency_id": str(regency.id),
        "district": "Tanjung Selor",
        "address": "Jl. Sengkawit No. 5",
        "legal_entity_number": "012/BH/KUK.6501/2015",
        "sector": "Simpan Pinjam",
        "members": "120",
    }
    data.update(overrides)
    return data


def count() -> int:
    return db.session.scalar(select(func.count(Cooperative.id)))


def test_supervisor_registers_a_cooperative(client, make_regency, make_user, auth):
    regency = make_regency("Bulungan")
    make_user("boss", role="supervisor")
    auth.login(client, "boss")
    response = post_form(client, "/cooperatives/new", details(regency))
    assert response.status_code == 302
    coop = db.session.scalar(select(Cooperative))
    assert (coop.name, coop.members, coop.stage, coop.active) == (
        "KSP Benuanta Jaya",
        120,
        "not_started",
        True,
    )
    history = db.session.scalar(select(CooperativeHistory))
    assert history.kind == "created" and history.cooperative_id == coop.id


def test_bad_details_are_refused_next_to_the_field(
    client, make_regency, make_user, make_cooperative, auth
):
    regency = make_regency("Bulungan")
    make_cooperative(regency=regency, legal_entity_number="taken/BH/1")
    make_user("boss", role="supervisor")
    auth.login(client, "boss")
    cases = [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"members": "-3"}, "members"),
        ({"members": "banyak"}, "members"),
        ({"regency_id": "99999"}, "regency_id"),
        ({"legal_entity_number": "taken/BH/1"}, "legal_entity_number"),
    ]
    for overrides, field in cases:
        response = post_form(client, "/cooperatives/new", details(regency, **overrides))
        assert response.status_code == 200, overrides
        assert f'id="{field}-error"' in response.get_data(as_text=True), overrides
    assert count() == 1


def test_officers_cannot_register_or_edit(client, make_regency, make_user, make_cooperative, auth):
    regency = make_regency("Bulungan")
    coop = make_cooperative(regency=regency)
    make_user("ppkl01", role="ppkl", regency=regency)
    auth.login(client, "ppkl01")
    assert client.get("/cooperatives/new").status_code == 403
    assert client.get(f"/cooperatives/{coop.id}/edit").status_code == 403
    assert "Koperasi baru" not in client.get("/cooperatives/").get_data(as_text=True)


def test_edit_details_and_stale_form(app, client, make_regency, make_user, make_cooperative, auth):
    regency = make_regency("Bulungan")
    coop = make_cooperative(regency=regency, name="KSP Lama")
    make_user("boss", role="supervisor")
    auth.login(client, "boss")
    page = f"/cooperatives/{coop.id}/edit"
    form = details(regency, name="KSP Baru", legal_entity_number="", version=str(coop.version))
    assert post_form(client, page, form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Cooperative, coop.id).name == "KSP Baru"
    # A form opened before that save carries the old version and is refused.
    stale = post_form(client, page, dict(form, name="KSP Basi"))
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert 'id="stale"' in html and 'value="KSP Basi"' in html
    db.session.expire_all()
    assert db.session.get(Cooperative, coop.id).name == "KSP Baru"
