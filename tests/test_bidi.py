"""Bidirectional control characters (U+202E and kin) never reach the database: they would show
names and notes reversed on pages and in PDFs."""

from sqlalchemy import select

from ppkl.admin.forms import PasswordForm
from ppkl.extensions import db
from ppkl.models import Cooperative, Visit
from ppkl.transfer.tabular import Limits, read_table
from tests.helpers import post_form
from tests.test_import import xlsx_bytes

RLO = "\u202e"


def test_text_fields_drop_bidi_controls(client, auth, make_user, make_cooperative, assign):
    officer = make_user("ppkl01", role="ppkl")
    coop = make_cooperative()
    assign(coop, officer)
    auth.login(client, "ppkl01")
    data = {
        "cooperative_id": str(coop.id),
        "visited_on": "2019-06-01",
        "purposes": "pembinaan",
        "notes": f"Ketua {RLO}lanoisrep\u2066 x\u2069",
        "people_met": f"Budi{RLO}",
    }
    assert post_form(client, "/visits/new", data).status_code == 302
    visit = db.session.scalar(select(Visit))
    assert visit.notes == "Ketua lanoisrep x" and visit.people_met == "Budi"


def test_cooperative_names_drop_bidi_controls(client, auth, make_user, make_regency):
    regency = make_regency()
    make_user("boss", role="supervisor")
    auth.login(client, "boss")
    data = {"name": f"KSP {RLO}ijaM", "regency_id": str(regency.id), "district": "X"}
    response = post_form(client, "/cooperatives/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert db.session.scalar(select(Cooperative.name)) == "KSP ijaM"


def test_imported_cells_drop_bidi_controls():
    data = f"name,regency\nKSP {RLO}ijaM,Bulungan\n".encode()
    table = read_table("daftar.csv", data, Limits())
    assert table.rows == [(2, ["KSP ijaM", "Bulungan"])]


def test_passwords_keep_what_was_typed(app):
    with app.test_request_context(method="POST", data={"password": f"a{RLO}b"}):
        assert PasswordForm(meta={"csrf": False}).password.data == f"a{RLO}b"


def test_xlsx_cells_too():
    table = read_table("d.xlsx", xlsx_bytes([["name"], [f"A{RLO}B"]]), Limits())
    assert table.rows == [(2, ["AB"])]
