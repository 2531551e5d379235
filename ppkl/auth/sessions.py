"""Sign-in sessions: loading the user, server-side revocation, idle and absolute timeouts."""

import time

from flask import Flask, abort, flash, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, logout_user

from ppkl.extensions import db
from ppkl.json_errors import is_api_request
from ppkl.models import User

STARTED = "_started"
SEEN = "_seen"


def init_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    # Runs before the route guard, so an expired session is treated as signed out.
    app.before_request_funcs.setdefault(None, []).insert(0, expire_idle_sessions)


def load_user(token: str):
    """The cookie holds "id:session_version"; a bumped version or a deactivation ends it."""

    user_id, _, version = token.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def start_session() -> None:
    """Called on sign-in, after the old session's contents were cleared."""
    now = int(time.time())
    session[STARTED] = now
    session[SEEN] = now
    session.permanent = True


def expire_idle_sessions():
    if request.endpoint in ("static", "bootstrap.static") or not current_user.is_authenticated:
        return None
    if g.get("api_token") is not None:  # an API token, not a session, signed this request in
        return None
    from flask import current_app

    now = int(time.time())
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    absolute = current_app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()
    started = session.get(STARTED, now)
    seen = session.get(SEEN, now)
    if now - seen > idle or now - started > absolute:
        logout_user()
        session.clear()
        if is_api_request():
            abort(401)  # the field app signs in again; its queue stays on the phone
        flash(_l("Your session has ended. Please sign in again."), "info")
        return redirect(url_for("auth.login", next=request.full_path))
    session.setdefault(STARTED, started)
    session[SEEN] = now
    return None
