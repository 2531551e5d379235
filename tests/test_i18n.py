from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale

from ppkl.i18n import format_long_date, format_number, format_percent, stage_label
from tests.helpers import post_form


@pytest.mark.parametrize(
    ("locale", "percent", "day", "number", "stage"),
    [
        ("id", "37,61", "9 Juli 2019", "1.234", "Tersertifikasi (NIK)"),
        ("en", "37.61", "9 July 2019", "1,234", "Certified (NIK)"),
    ],
)
def test_formatting_follows_the_locale(app, locale, percent, day, number, stage):
    with app.test_request_context(), force_locale(locale):
        assert format_percent(Decimal("37.61")) == percent
        assert format_long_date(date(2019, 7, 9)) == day
        assert format_number(1234) == number
        assert stage_label("certified") == stage


def test_every_stage_has_an_indonesian_label(app):
    from ppkl.workflow import Stage

    with app.test_request_context(), force_locale("id"):
        labels = {stage_label(s) for s in Stage}
    assert labels == {
        "Belum mulai",
        "RAT terlaksana",
        "Laporan RAT diterima",
        "Sudah input ODS",
        "Tersertifikasi (NIK)",
    }


def test_language_switch_is_remembered_for_the_user(app, client, make_user, auth):
    from ppkl.extensions import db
    from ppkl.models import User

    user = make_user("siti")
    auth.login(client, "siti")
    response = post_form(
        client, "/language", {"lang": "en", "next": "/cooperatives/"}, page="/dashboard"
    )
    assert response.headers["Location"] == "/cooperatives/"
    assert "Cooperatives" in client.get("/cooperatives/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
    # A new device signs in in English too.
    other = app.test_client()
    auth.login(other, "siti")
    assert '<html lang="en">' in other.get("/dashboard").get_data(as_text=True)


def test_language_switch_works_before_sign_in(client):
    post_form(client, "/language", {"lang": "en", "next": "/login"}, page="/login")
    assert "Sign in" in client.get("/login").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    post_form(client, "/language", {"lang": "xx", "next": "/login"}, page="/login")
    assert '<html lang="id">' in client.get("/login").get_data(as_text=True)


def test_no_untranslated_indonesian_messages():
    """Every message in the Indonesian catalog has a translation."""
    from babel.messages.pofile import read_po

    from ppkl import ROOT

    with (ROOT / "ppkl/translations/id/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and not m.string]
    assert missing == []


@pytest.mark.parametrize(
    ("lang", "required", "too_long"),
    [
        ("id", "Kolom ini wajib diisi.", "Isian maksimal 200 karakter."),
        ("en", "This field is required.", "Field cannot be longer than 200 characters."),
    ],
)
def test_built_in_validation_messages_follow_the_language(
    client, make_regency, make_user, auth, lang, required, too_long
):
    """WTForms ships no Indonesian: its messages come from ppkl's own catalog."""
    regency = make_regency("Bulungan")
    make_user("boss", role="supervisor", locale=lang)
    auth.login(client, "boss")
    empty = post_form(client, "/cooperatives/new", {"name": "", "regency_id": str(regency.id)})
    assert required in empty.get_data(as_text=True)
    long = post_form(
        client, "/cooperatives/new", {"name": "x" * 201, "regency_id": str(regency.id)}
    )
    assert too_long in long.get_data(as_text=True)
