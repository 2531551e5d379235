"""The worklist, the cooperative page and the deadline list show the same flags, each naming
its fiscal year (one definition: deadlines.deadline_flags worded by labels.deadline_flag_label)."""

import pytest
from babel.dates import format_date

from ppkl.certification.deadlines import (
    overdue_fiscal_year,
    rat_due_date,
    rules_from_config,
    warning_fiscal_year,
)
from ppkl.clock import office_today
from ppkl.extensions import db
from tests.conftest import add_assignment


@pytest.fixture
def flagged(app, auth, client, make_regency, make_user, make_cooperative):
    """A cooperative with no RAT, on a day when one fiscal year is overdue and the next due:
    the RAT is due on 31 December, with a warning all year long."""
    app.config.update(RAT_DUE="12-31", RAT_WARNING_FROM="01-01")
    rules, today = rules_from_config(app.config), office_today()
    home = make_regency("Bulungan")
    officer = make_user("ppkl01", role="ppkl", regency=home)
    coop = make_cooperative(regency=home, name="KSP Tanpa RAT")
    add_assignment(coop, officer)
    db.session.commit()
    auth.login(client, "ppkl01")
    overdue, soon = overdue_fiscal_year(today, rules), warning_fiscal_year(today, rules)
    due = rat_due_date(soon, rules)
    return coop, (
        f"RAT {overdue} terlambat",
        f"RAT {soon} jatuh tempo {format_date(due, 'd MMMM y', locale='id')}",
    )


@pytest.mark.parametrize("page", ["/tasks/", "/cooperatives/{id}", "/certification/deadlines"])
def test_flags_name_their_fiscal_year(client, flagged, page):
    coop, expected = flagged
    html = client.get(page.format(id=coop.id)).get_data(as_text=True)
    for label in expected:
        assert label in html, label
    assert "RAT segera jatuh tempo" not in html.split("<main")[-1].split("</select>")[-1]
