"""What a page refused as stale shows: who changed the cooperative, when, to what, whether the
user's change can be applied again, and (for the same step recorded twice) both entries.

Every form that changes a cooperative renders templates/_stale.html with a StaleNotice and
answers 409; what the user typed stays in the form.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import abort, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select

from ppkl.audit import action_label
from ppkl.cooperatives.changes import explain_stale
from ppkl.domain import CurrentState, StaleEdit
from ppkl.errors import page
from ppkl.extensions import db
from ppkl.models import Cooperative


@dataclass
class StaleNotice:
    current: CurrentState
    may_apply: bool
    cooperative_name: str = ""
    # The entry someone else recorded for the same step: (label, value) pairs shown beside
    # what the user typed.
    theirs: list[tuple[str, str]] = field(default_factory=list)

    @property
    def change_label(self) -> str:
        code = self.current.change
        return action_label(code) if code else ""


def stale_notice(
    error: StaleEdit,
    form=None,
    may_apply: Callable[[CurrentState], bool] = lambda current: True,
    named: bool = False,
) -> StaleNotice:
    """Roll back and describe the cooperative as it is now. When the change still makes sense,
    the form's version becomes the current one, so submitting it again applies it. `named`
    adds the cooperative's name, for pages that change many cooperatives."""
    current = explain_stale(error).current
    if current is None:  # removed meanwhile: nothing left to apply to
        abort(404)
    apply = may_apply(current)
    if form is not None and apply:
        form.version.data = current.version
    name = ""
    if named:
        name = db.session.scalar(
            select(Cooperative.name).where(Cooperative.id == current.cooperative_id)
        )
    return StaleNotice(current, apply, name)


def stale_edit_page(error: StaleEdit):
    """A StaleEdit no view turned into its own page (the JSON API lets it through): 409 with
    the cooperative's current state, as JSON for API clients."""
    explain_stale(error)
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(error.payload()), 409
    return page(
        409,
        _("Changed meanwhile"),
        _("Someone else changed this cooperative after you opened the page. Nothing was saved."),
    )
