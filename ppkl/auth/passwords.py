"""Password hashing with a configurable work factor; weaker hashes are upgraded on sign-in.

The method is Argon2id through argon2-cffi ("argon2id:TIME:MEMORY_KIB:PARALLELISM"): memory-
hard, so a guessing rig pays in memory as well as in CPU, and cheaper in CPU per sign-in than
PBKDF2 at an equivalent strength (OWASP's Password Storage Cheat Sheet). A werkzeug method
string ("pbkdf2:sha256:600000") still works: older hashes verify and are replaced by the
configured method at the next successful sign-in.
"""

from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from werkzeug.security import check_password_hash, generate_password_hash

ARGON2 = "argon2id"
ARGON2_PREFIX = "$argon2id$"

MIN_LENGTH = 8
MAX_LENGTH = 128
# The 20,000 most common passwords (Royce Williams' list, as shipped by Django 5.2), keeping the
# 8,354 that are at least MIN_LENGTH long: shorter ones are refused by length already.
COMMON_PASSWORDS_FILE = "common-passwords.txt"
# Words an attacker tries first against this app: its name, its subject, the demo password.
# The user's own username is added per check.
CONTEXT_WORDS = ("ppkl-demo", "koperasi", "ppkl", "kaltara", "dinas")


@cache
def argon2_hasher(method: str = ARGON2) -> PasswordHasher:
    """The hasher a method string names; "argon2id" alone is OWASP's minimum, m=19 MiB, t=2."""
    name, *params = method.split(":")
    if name != ARGON2 or len(params) not in (0, 3):
        raise ValueError(f"not an Argon2id method: {method!r}")
    time_cost, memory_kib, parallelism = (int(p) for p in params) if params else (2, 19456, 1)
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
    )


def is_argon2(method: str) -> bool:
    return method.split(":", 1)[0] == ARGON2


def hash_password(password: str, method: str) -> str:
    if is_argon2(method):
        return argon2_hasher(method).hash(password)
    return generate_password_hash(password, method=method)


def verify_password(stored_hash: str, password: str) -> bool:
    if stored_hash.startswith("$argon2"):
        try:
            return argon2_hasher().verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored_hash, password)


def needs_rehash(stored_hash: str, method: str) -> bool:
    """True when the stored hash was made with another method or work factor than configured."""
    if is_argon2(method):
        if not stored_hash.startswith(ARGON2_PREFIX):
            return True
        try:
            return argon2_hasher(method).check_needs_rehash(stored_hash)
        except InvalidHashError:
            return True
    stored_method = stored_hash.split("$", 1)[0]
    return stored_method != method


@cache
def common_passwords() -> frozenset[str]:
    text = files("ppkl").joinpath("data", COMMON_PASSWORDS_FILE).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def is_common(password: str) -> bool:
    """Case-insensitive: "Password123" is as guessable as "password123"."""
    return password.lower() in common_passwords()


def without_context(password: str, username: str = "") -> str:
    """The letters and digits a password keeps once the context words are taken out."""
    rest = password.lower()
    words = [*CONTEXT_WORDS, username.strip().lower()]
    for word in sorted((w for w in words if len(w) >= 3), key=len, reverse=True):
        rest = rest.replace(word, "")
    return "".join(c for c in rest if c.isalnum())


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is refused, as a code (callers translate), or None when acceptable.

    Length, the common-password list and context words (OWASP ASVS 5.0, 6.2.11): a password
    that is short once its username, "ppkl", "koperasi" or the demo password are taken out is
    refused; a long passphrase that happens to hold one is not. No composition rules.
    """
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    if is_common(password):
        return "common_password"
    if len(without_context(password, username)) < MIN_LENGTH:
        return "context_words"
    return None
