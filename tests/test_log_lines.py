"""Log lines cannot be forged through a username, a path or any other input."""

import logging

from tests.helpers import login

FORGED = "2026-01-01 12:00 INFO ppkl: login by admin"  # fits the 50 characters


def lines(caplog) -> list[str]:
    return [line for record in caplog.records for line in record.getMessage().splitlines()]


def test_a_failed_sign_in_cannot_forge_a_log_line(client, caplog):
    caplog.set_level(logging.INFO)
    login(client, f"nobody\n{FORGED}", "wrong-password")
    assert not any(line.startswith("2026-01-01") for line in lines(caplog))
    assert any("nobody\\n2026-01-01" in line for line in lines(caplog))


def test_a_refused_path_cannot_forge_a_log_line(client, make_user, auth, caplog):
    make_user("ppkl01", role="ppkl")
    auth.login(client, "ppkl01")
    caplog.set_level(logging.INFO)
    forged = FORGED.replace(" ", "%20")
    assert client.get("/reports/jobs/x%0D%0A" + forged).status_code == 403
    assert client.get("/admin/users/?x=%0A" + forged).status_code == 403
    assert not any(line.startswith("2026-01-01") for line in lines(caplog))


def test_bidi_and_terminal_controls_are_escaped(caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("ppkl.test").info("name=%s", "\u202eevil\x1b[2J")
    assert caplog.records[-1].getMessage() == "name=\\u202eevil\\x1b[2J"
