"""Personal API tokens: made and revoked by their owner, kept only as a SHA-256, audited.

A token is 256 random bits, so one fast hash suffices (there is nothing to brute-force, unlike
a password); the hash is what the table holds and what a request's token is looked up by.
"""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ppkl import audit
from ppkl.domain import FieldError
from ppkl.extensions import db
from ppkl.models import ApiToken, User

log = logging.getLogger(__name__)

TOKEN_CREATED = audit.AuditAction("api_token.created", _l("API token created"))
TOKEN_REVOKED = audit.AuditAction("api_token.revoked", _l("API token revoked"))

SECRET_PREFIX = "ppkl_"
# last_used_at is kept with what a request commits, so reads (which never write) leave it, and
# a busy script does not rewrite the row on every call.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class TokenScope(StrEnum):
    READ = "read"  # GET only
    WRITE = "write"  # reads, and sends visits and moves


class TokenError(FieldError):
    """A refused token change; field names the form field, code the reason."""


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    actor: User, name: str, scope: str, days: int, now: datetime, max_days: int
) -> tuple[ApiToken, str]:
    """A new token for actor; returns it with its secret, which is shown once and not kept."""
    name = (name or "").strip()
    if not name:
        raise TokenError("name", "name_required")
    if scope not in set(TokenScope):
        raise TokenError("scope", "scope_unknown")
    if not 1 <= days <= max_days:
        raise TokenError("days", "days_out_of_range")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=actor.id,
        name=name[:100],
        scope=scope,
        token_hash=hash_secret(secret),
        prefix=secret[:12],
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        TOKEN_CREATED, user=actor, target=f"api_token:{token.id}", name=token.name, days=days
    )
    log.info("%s created API token %s", actor.username, token.id)
    return token, secret


def revoke_token(actor: User, token: ApiToken, now: datetime) -> None:
    """Revoke one of actor's own tokens; a revoked token is refused from the next request on."""
    if token.user_id != actor.id:
        raise TokenError("token", "not_your_token")
    if token.revoked_at is not None:
        return
    token.revoked_at = now
    db.session.flush()
    audit.record(TOKEN_REVOKED, user=actor, target=f"api_token:{token.id}")


def tokens_of(user: User):
    return select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())


def token_for_secret(secret: str, now: datetime) -> tuple[ApiToken, User] | None:
    """The live token with this secret, with its owner if they may still sign in, else None."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_secret(secret))
    ).first()
    if row is None:
        return None
    token, user = row
    if token.revoked_at is not None or token.expires_at <= now or not user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
    return token, user
