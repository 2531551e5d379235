"""Sign-in sessions: loading the user, server-side revocation, idle and absolute timeouts.

The user id Flask-Login keeps in the session (and signs into the remember cookie) is
"id:session_version:issued": the version lets the server revoke every copy of a cookie, the
issue time lets it hold a session rebuilt from a remember cookie to the same absolute limit.
"""

import time

from flask import Flask, abort, flash, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, logout_user

from ppkl.access import ALWAYS_PUBLIC_ENDPOINTS
from ppkl.extensions import db
from ppkl.json_errors import is_api_request
from ppkl.models import User

STARTED = "_started"
SEEN = "_seen"
USER_ID = "_user_id"  # Flask-Login's session key, also what the remember cookie carries


def init_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    # Runs before the route guard, so an expired session is treated as signed out.
    app.before_request_funcs.setdefault(None, []).insert(0, expire_idle_sessions)


def parse_token(token: str) -> tuple[int, int, int] | None:
    """(user id, session version, issue time) of "id:version:issued", or None when malformed."""
    parts = token.split(":")
    if len(parts) != 3 or not all(p.isdigit() and len(p) <= 12 for p in parts):
        return None
    user_id, version, issued = (int(p) for p in parts)
    return user_id, version, issued


def load_user(token: str):
    """A bumped version or a deactivation ends every session and remember cookie of a user."""
    parsed = parse_token(token)
    if parsed is None:
        return None
    user_id, version, _issued = parsed
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def start_session(user) -> None:
    """Called right after login_user(): stamps the issue time into the id (and so into the
    remember cookie, which therefore differs at every sign-in)."""
    now = int(time.time())
    session[USER_ID] = f"{user.id}:{user.session_version}:{now}"
    session[STARTED] = now
    session[SEEN] = now
    session.permanent = True


def end_session() -> None:
    """Sign out and clear the remember cookie. logout_user() asks for the cookie to be cleared
    through a session key, so the session is emptied first, not after."""
    session.clear()
    logout_user()


def expire_idle_sessions():
    if request.endpoint in ALWAYS_PUBLIC_ENDPOINTS or not current_user.is_authenticated:
        return None
    if g.get("api_token") is not None:  # an API token, not a session, signed this request in
        return None
    if USER_ID not in session:
        return None  # signed in by other means than the session (an API token): no session
    from flask import current_app

    now = int(time.time())
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    absolute = current_app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds()
    # A session rebuilt from a remember cookie has no start of its own: it started when the
    # cookie was issued, not now.
    parsed = parse_token(session.get(USER_ID, ""))
    issued = parsed[2] if parsed else 0
    started = min(session.get(STARTED, issued), issued)
    seen = session.get(SEEN, now)
    if now - seen > idle or now - started > absolute:
        end_session()
        if is_api_request():
            abort(401)  # the field app signs in again; its queue stays on the phone
        flash(_l("Your session has ended. Please sign in again."), "info")
        return redirect(url_for("auth.login", next=request.full_path))
    session[STARTED] = started
    session[SEEN] = now
    return None
