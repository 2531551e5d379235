"""The route guard: every view declares who may use it, and one before_request hook enforces it.

A view without a declaration is refused (fail closed); a test walks the URL map to keep it so.
"""

import logging
from collections.abc import Callable

from flask import abort, current_app, request
from flask_login import current_user

from ppkl.coverage import in_scope, user_in_scope
from ppkl.extensions import db, login_manager
from ppkl.json_errors import is_api_request
from ppkl.models import Cooperative, User
from ppkl.models.user import OFFICER_ROLES
from ppkl.permissions import Permission, can_view_cooperative, has_permission

log = logging.getLogger(__name__)

PUBLIC = "public"
SIGNED_IN = "signed_in"
# The app's static files: public, the only responses a cache may keep.
ALWAYS_PUBLIC_ENDPOINTS = frozenset({"static", "bootstrap.static"})


def public(view: Callable) -> Callable:
    view.access_rule = PUBLIC
    return view


def signed_in(view: Callable) -> Callable:
    view.access_rule = SIGNED_IN
    return view


def requires(permission: Permission) -> Callable[[Callable], Callable]:
    def mark(view: Callable) -> Callable:
        view.access_rule = permission
        return view

    return mark


def access_rule_for(endpoint: str):
    if endpoint in ALWAYS_PUBLIC_ENDPOINTS:
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def enforce_route_access():
    """before_request: sign-in and role checks for the matched endpoint."""
    if request.endpoint is None:
        return None  # no route matched: the 404 handler answers
    rule = access_rule_for(request.endpoint)
    if rule == PUBLIC:
        return None
    if not current_user.is_authenticated:
        if is_api_request():
            abort(401)  # a program gets JSON, not the sign-in page
        return login_manager.unauthorized()
    if rule == SIGNED_IN:
        return None
    if rule is None or not has_permission(current_user, rule):
        log.info("403 for %s on %s", current_user.username, request.endpoint)
        abort(403)
    return None


def load_cooperative(cooperative_id: int):
    """Loader for views that take a cooperative id: 404 when absent or outside the account's
    scope (another province's), 403 when in scope but not the user's."""
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    coop = db.session.scalar(
        select(Cooperative)
        .options(joinedload(Cooperative.regency))
        .where(Cooperative.id == cooperative_id)
    )
    if coop is None or not in_scope(current_user, coop):
        abort(404)
    if not can_view_cooperative(current_user, coop):
        abort(403)
    return coop


def load_officer(user_id: int) -> User:
    """Loader for views that take an officer's id: 404 unless a PPKL officer or DAK assistant
    within the account's scope."""
    officer = db.session.get(User, user_id)
    if (
        officer is None
        or officer.role not in OFFICER_ROLES
        or not user_in_scope(current_user, officer)
    ):
        abort(404)
    return officer


def register_template_helpers(app) -> None:
    """The same predicates in templates, so pages hide what the guard would refuse."""

    def can(permission: str) -> bool:
        return has_permission(current_user, Permission(permission))

    def can_view(cooperative) -> bool:
        return can_view_cooperative(current_user, cooperative)

    app.jinja_env.globals.update(can=can, can_view=can_view)
