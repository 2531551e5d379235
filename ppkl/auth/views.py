from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from ppkl import audit
from ppkl.access import public, signed_in
from ppkl.auth import sessions
from ppkl.auth.blueprint import bp
from ppkl.auth.forms import PASSWORD_MESSAGES, ChangePasswordForm, LanguageForm, LoginForm
from ppkl.auth.services import PasswordError, authenticate, change_own_password
from ppkl.clock import utcnow
from ppkl.coverage import only_province
from ppkl.forms import show_refusal
from ppkl.security import ratelimit


def landing_url(user) -> str:
    """Where a user starts: officers on their own work (Tugas saya), others on the dashboard."""
    if getattr(user, "is_officer", False):
        return url_for("tasks.index")
    return url_for("dashboard.index")


def safe_next(target: str | None, user=None) -> str:
    """Only same-site paths, so the sign-in page cannot be used to redirect elsewhere."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return landing_url(user)


SIGNED_IN = audit.AuditAction("auth.signed_in", _l("Signed in"))
SIGN_IN_FAILED = audit.AuditAction("auth.sign_in_failed", _l("Failed sign-in"))
SIGNED_OUT = audit.AuditAction("auth.signed_out", _l("Signed out"))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Sign in with username and password."""
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(
            form.username.data.strip(),
            form.password.data,
            current_app.config["PASSWORD_HASH_METHOD"],
        )
        if user is None:
            ratelimit.mark_sign_in_failed()
            audit.record(SIGN_IN_FAILED, username=form.username.data.strip()[:50])
            form.password.errors.append(_("Wrong username or password."))
        else:
            lang = session.get("lang")
            session.clear()
            login_user(user, remember=form.remember.data)
            sessions.start_session(user)
            if lang and not user.locale:
                user.locale = lang
            user.last_login_at = utcnow()
            audit.record(SIGNED_IN, user=user)
            return redirect(safe_next(request.args.get("next"), user))
    # An installation with one province names it; with several, none.
    province = only_province()
    return render_template("auth/login.html", form=form, area=province and province.name)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    """Sign out and end every session of this user, including copies of the cookie."""
    current_user.end_all_sessions()
    audit.record(SIGNED_OUT)
    sessions.end_session()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Switch the interface language; remembered on the account when signed in."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
    return redirect(safe_next(form.next.data))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    """Change one's own password: the current one is asked for, and every other session of
    the account (other devices, copied cookies, remember cookies) ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_own_password(
                user,
                form.current_password.data,
                form.new_password.data,
                current_app.config["PASSWORD_HASH_METHOD"],
            )
        except PasswordError as error:
            if error.code == "wrong_password":
                ratelimit.mark_sign_in_failed()
            show_refusal(form, error, PASSWORD_MESSAGES)
        else:
            # The new session version ended every session, this one too: start it again.
            lang = session.get("lang")
            sessions.end_session()
            login_user(user)
            sessions.start_session(user)
            if lang:
                session["lang"] = lang
            flash(
                _("Your password has been changed. Other devices have been signed out."), "success"
            )
            return redirect(url_for("dashboard.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form), status
