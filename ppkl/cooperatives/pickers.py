"""The officer and cooperative pickers (ppkl/pickers.py): their matches, as the page renders
them and as their JSON endpoints (picker_views.py) answer while the user types."""

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from ppkl.cooperatives.queries import cooperative_matches, officer_matches
from ppkl.extensions import db
from ppkl.models import Cooperative, User
from ppkl.permissions import can_view_cooperative
from ppkl.pickers import FALLBACK_LIMIT, Choice, Picker, picker, search_text


def officer_choice(user: User, prefix: str = "") -> Choice:
    regency = user.regency.name if user.regency else "—"
    label = f"{user.full_name} ({user.username})"
    return Choice(f"{prefix}{user.id}", label, f"{user.role.upper()} · {regency}")


def cooperative_choice(row) -> Choice:
    return Choice(str(row.id), row.name, row.regency)


def officer_picker(
    name: str,
    label: str,
    selected_id: int | None,
    *,
    active_only: bool = False,
    role: str | None = None,
    exclude: int | None = None,
    prefix: str = "",
    fixed=(),
    key: str = "",
    **options,
) -> Picker:
    """A picker of officers (PPKL and DAK assistants), narrowed as the form needs."""
    chosen, found = officer_matches(
        db.session,
        search_text(key or name),
        FALLBACK_LIMIT,
        active_only=active_only,
        role=role,
        exclude=exclude,
        chosen=selected_id,
        within=current_user,
    )
    url = url_for(
        "cooperatives.lookup_officers",
        active="1" if active_only else None,
        role=role,
        exclude=exclude,
    )
    return picker(
        name,
        label,
        url,
        matches=[officer_choice(u, prefix) for u in found],
        selected=officer_choice(chosen, prefix) if chosen else None,
        fixed=fixed,
        prefix=prefix,
        key=key,
        **options,
    )


def cooperative_picker(
    name: str, label: str, user, selected: Cooperative | None, **options
) -> Picker:
    """A picker of the cooperatives the user may see (an officer: the ones they cover)."""
    found = cooperative_matches(db.session, user, search_text(name), FALLBACK_LIMIT)
    shown = None
    if selected is not None and can_view_cooperative(user, selected):
        shown = Choice(str(selected.id), selected.name, selected.regency.name)
    return picker(
        name,
        label,
        url_for("cooperatives.lookup_cooperatives"),
        matches=[cooperative_choice(r) for r in found],
        selected=shown,
        **options,
    )


def officer_filter(selected_id: int | None) -> Picker:
    """The officer field of a list's filter: every officer, and "All"."""
    return officer_picker("officer", _("Officer"), selected_id, fixed=[Choice("", _("All"))])
