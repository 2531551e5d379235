"""One-time form keys against double submits.

A creating form carries a random key made when the form is shown. Saving spends the key in the
same transaction as the record; a second submit of the same key (the browser's back button, a
double tap, a retry on a slow line) leads to what the first one saved instead of saving again.
Two submits racing each other meet on the key's primary key: the loser rolls back.
"""

import re
import secrets
from datetime import datetime, timedelta

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select
from wtforms import HiddenField
from wtforms.validators import Length, Optional

from ppkl.clock import utcnow
from ppkl.extensions import db
from ppkl.models import UsedFormKey

KEEP = timedelta(days=30)
# What new_key() makes; anything else (junk, NUL bytes) is no key at all, never a query.
KEY_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_key() -> str:
    return secrets.token_urlsafe(24)


class OneTimeKey:
    """Mixin for a FlaskForm that creates something. static/form-key.js keeps the key with
    the browser's history entry, so that going back to the form and saving again sends the
    key the page was first shown with, even when the browser fetches the page again."""

    form_key = HiddenField(default=new_key, validators=[Optional(), Length(max=64)])


def is_key(key: str | None) -> bool:
    return isinstance(key, str) and KEY_SHAPE.fullmatch(key) is not None


def spent_key(key: str | None, user_id: int) -> UsedFormKey | None:
    if not is_key(key):
        return None
    return db.session.scalar(
        select(UsedFormKey).where(UsedFormKey.key == key, UsedFormKey.user_id == user_id)
    )


def spend_key(key: str | None, user_id: int, kind: str, now: datetime) -> UsedFormKey | None:
    """Record the key as used (flushes, so a parallel submit of it waits or fails here).
    The caller sets .url once the record exists. Old keys are forgotten after KEEP."""
    if not is_key(key):
        return None
    db.session.execute(delete(UsedFormKey).where(UsedFormKey.created_at < now - KEEP))
    row = UsedFormKey(key=key, user_id=user_id, kind=kind, url="", created_at=now)
    db.session.add(row)
    db.session.flush()
    return row


def spend(form, kind: str, url: str = "") -> UsedFormKey | None:
    """Spend the form's key for the signed-in user (see spend_key); url may be set later."""
    row = spend_key(form.form_key.data, current_user.id, kind, utcnow())
    if row is not None:
        row.url = url
    return row


def already_saved(form):
    """On a POST whose key was spent: a redirect to what it saved, else None."""
    if request.method != "POST":
        return None
    row = spent_key(form.form_key.data, current_user.id)
    if row is None or not row.url:
        return None
    flash(_("This form was already saved; it was not saved a second time."), "info")
    return redirect(row.url)


def lost_race(form, error: Exception):
    """After an IntegrityError: if a parallel submit of the same key won, lead to its record;
    otherwise re-raise the error."""
    db.session.rollback()
    response = already_saved(form)
    if response is None:
        raise error
    return response
