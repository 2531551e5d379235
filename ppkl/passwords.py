"""Password hashing with a configurable work factor; weaker hashes are upgraded on sign-in."""

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8
MAX_LENGTH = 128


def hash_password(password: str, method: str) -> str:
    return generate_password_hash(password, method=method)


def verify_password(stored_hash: str, password: str) -> bool:
    return check_password_hash(stored_hash, password)


def needs_rehash(stored_hash: str, method: str) -> bool:
    """True when the stored hash was made with another method or work factor than configured."""
    stored_method = stored_hash.split("$", 1)[0]
    return stored_method != method


def password_problem(password: str) -> str | None:
    """Why a new password is refused, in English (callers translate), or None when acceptable."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    return None
