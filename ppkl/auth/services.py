"""Sign-in verbs. No request or session here: the view passes what it needs."""

import logging
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ppkl import audit
from ppkl.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from ppkl.domain import FieldError
from ppkl.extensions import db
from ppkl.models import User

log = logging.getLogger(__name__)


@cache
def dummy_hash(hash_method: str) -> str:
    """Checked against when the username is unknown, so both failures cost one verification.
    Made once per method: making it is a hash, and doing that per attempt would double the
    cost of an unknown name and tell it apart."""
    return hash_password("not a password of anyone", hash_method)


def authenticate(username: str, password: str, hash_method: str) -> User | None:
    """The active user with this username and password, or None; upgrades a weak stored hash."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None:
        verify_password(dummy_hash(hash_method), password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash, hash_method):
        user.password_hash = hash_password(password, hash_method)
        log.info("upgraded password hash of %s", user.username)
    return user


PASSWORD_CHANGED = audit.AuditAction("user.password_changed", _l("Password changed"))


class PasswordError(FieldError):
    """A refused password; field names the form field, code the reason."""


def set_password(actor: User | None, user: User, password: str, hash_method: str) -> None:
    """Set a new password; every session of the user ends (the caller may start a new one)."""
    problem = password_problem(password, user.username)
    if problem:
        raise PasswordError("password", problem)
    user.password_hash = hash_password(password, hash_method)
    user.end_all_sessions()
    audit.record(PASSWORD_CHANGED, user=actor, target=f"user:{user.id}")


def change_own_password(user: User, current: str, new: str, hash_method: str) -> None:
    """The user's new password, once the current one is proven; every session of the user ends
    (the view starts a new one for the device that asked)."""
    if not verify_password(user.password_hash, current):
        raise PasswordError("current_password", "wrong_password")
    if new == current:
        raise PasswordError("new_password", "same_password")
    try:
        set_password(user, user, new, hash_method)
    except PasswordError as error:
        raise PasswordError("new_password", error.code) from error
