"""Styled error pages; no stack trace ever reaches a user."""

import logging
from datetime import timedelta

from flask import Flask, current_app, g, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import func, select
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import SecurityError

from ppkl import audit
from ppkl import json_errors as api_errors
from ppkl.clock import utcnow
from ppkl.extensions import db, login_manager
from ppkl.json_errors import is_api_request
from ppkl.models import AuditEvent

log = logging.getLogger(__name__)

# Every refused request is recorded.
ACCESS_DENIED = audit.AuditAction("access.denied", _l("Access denied (403)"))


def register(app: Flask) -> None:
    app.register_error_handler(400, bad_request)
    app.register_error_handler(401, unauthenticated)
    app.register_error_handler(SecurityError, untrusted_host)
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(403, forbidden)
    app.register_error_handler(404, not_found)
    app.register_error_handler(405, method_not_allowed)
    app.register_error_handler(413, too_large)
    app.register_error_handler(415, unsupported_body)
    app.register_error_handler(500, server_error)
    for unavailable in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(unavailable, database_unavailable)


def page(status: int, title: str, message: str, code: str | None = None, error=None):
    """The error page; under /api/ the same message as JSON with a stable code instead."""
    if is_api_request():
        return api_errors.error_response(status, code, message, error)
    return render_template("errors/error.html", status=status, title=title, message=message), status


def bad_request(error):
    return page(400, _("Bad request"), _("The request could not be understood."), error=error)


def unauthenticated(error):
    return page(401, _("Sign in required"), _("Please sign in to open this page."))


def untrusted_host(error):
    # No page template: URLs cannot be built for a host outside TRUSTED_HOSTS.
    return "Bad request: unknown host.", 400, {"Content-Type": "text/plain; charset=utf-8"}


def csrf_failed(error):
    return page(
        400,
        _("The form has expired"),
        _("Your form was open too long or was sent twice. Reload the page and try again."),
        code="csrf_failed",
    )


def forbidden(error):
    try:
        db.session.rollback()
        if forbidden_rows_allowed():
            audit.record(ACCESS_DENIED, target=request.path[:100], method=request.method)
            db.session.commit()
        else:
            log.warning(
                "403 on %s %s not audited: hourly limit reached", request.method, request.path
            )
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("could not record a 403")
    return page(403, _("Access denied"), _("You do not have permission to open this page."))


def forbidden_rows_allowed() -> bool:
    """At most FORBIDDEN_AUDIT_PER_HOUR audit rows of refusals per user (or address) an hour:
    enough to see someone probing, while a script hammering forbidden pages cannot grow the
    append-only table without bound. Beyond that, refusals go to the log only."""
    since = utcnow() - timedelta(hours=1)
    who = (
        AuditEvent.user_id == current_user.id
        if current_user.is_authenticated
        else AuditEvent.address == request.remote_addr
    )
    recent = db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == ACCESS_DENIED.code, AuditEvent.created_at >= since, who
        )
    )
    return recent < current_app.config["FORBIDDEN_AUDIT_PER_HOUR"]


def not_found(error):
    return page(404, _("Page not found"), _("The page you asked for does not exist."))


def method_not_allowed(error):
    return page(405, _("Not allowed"), _("This page cannot be used that way."), error=error)


def too_large(error):
    return page(413, _("File too large"), _("The file or form you sent is too large."))


def unsupported_body(error):
    return page(
        415,
        _("Unsupported request"),
        _("This page takes only forms sent from its own pages. Open the page and use its form."),
    )


def server_error(error):
    log.error("500 on %s %s", request.method, request.path, exc_info=error)
    db.session.rollback()
    return page(
        500,
        _("Something went wrong"),
        _("The error has been recorded. Please try again in a moment."),
    )


def database_unavailable(error):
    """503 while the database cannot be reached; the request's transaction is rolled back, and
    the connection pool (pre-ping) reconnects by itself once the database is back."""
    log.error("database unavailable on %s %s: %s", request.method, request.path, error.orig)
    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.warning("rollback failed while the database is unavailable")
    # The page must not ask the database for the signed-in user again.
    g._login_user = login_manager.anonymous_user()
    message = _(
        "The database cannot be reached right now. Nothing was saved. Please try again soon."
    )
    response = make_response(page(503, _("Temporarily unavailable"), message))
    response.headers["Retry-After"] = str(current_app.config["DATABASE_RETRY_AFTER"])
    return response
