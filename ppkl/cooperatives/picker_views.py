"""The JSON endpoints of the officer and cooperative pickers: a few matches as the user types."""

from flask import request
from flask_login import current_user

from ppkl.access import requires, signed_in
from ppkl.cooperatives.blueprint import bp
from ppkl.cooperatives.pickers import cooperative_choice, officer_choice
from ppkl.cooperatives.queries import cooperative_matches, officer_matches, regency_matches
from ppkl.extensions import db
from ppkl.inputs import db_int
from ppkl.models.user import OFFICER_ROLES
from ppkl.permissions import Permission
from ppkl.pickers import PICKER_LIMIT, Choice, matches_response, query_text


@bp.route("/lookup/officers")
@requires(Permission.VIEW_ALL_COOPERATIVES)
def lookup_officers():
    """Officers whose name or username matches ?q= (only active ones with ?active=1, of one
    role with ?role=, without one officer with ?exclude=)."""
    role = request.args.get("role")
    _chosen, found = officer_matches(
        db.session,
        query_text(),
        PICKER_LIMIT,
        active_only=request.args.get("active") == "1",
        role=role if role in {r.value for r in OFFICER_ROLES} else None,
        exclude=request.args.get("exclude", type=db_int),
        within=current_user,
    )
    return matches_response([officer_choice(u) for u in found])


@bp.route("/lookup/cooperatives")
@requires(Permission.VIEW_COOPERATIVES)
def lookup_cooperatives():
    """The user's cooperatives (an officer's own) whose name matches ?q=."""
    found = cooperative_matches(db.session, current_user, query_text(), PICKER_LIMIT)
    return matches_response([cooperative_choice(r) for r in found])


@bp.route("/lookup/regencies")
@signed_in
def lookup_regencies():
    """Regencies whose name matches ?q= (where a list of them is too long for a select)."""
    found = regency_matches(db.session, query_text(), PICKER_LIMIT, current_user)
    return matches_response([Choice(str(r.id), r.name) for r in found])
