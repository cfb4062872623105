"""口令 (passwords): Argon2id hashes through argon2-cffi; the password itself is never stored.

``MIN_LENGTH`` is the shortest password accepted when a user is created; verifying a wrong
password, or a user that does not exist, takes the same time (:func:`burn`), so the answer
does not tell which of the two it was.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from yigai.errors import Invalid

MIN_LENGTH = 8
MAX_LENGTH = 256

_hasher = PasswordHasher()
#: A hash of nothing anyone knows, verified against when the user is unknown.
_DUMMY = _hasher.hash("yigai: no such user")


def check_password(password: str) -> str:
    """``password`` if it is long enough to be accepted, else :class:`Invalid`."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise Invalid(
            f"口令长度须为 {MIN_LENGTH}–{MAX_LENGTH} 个字符",
            f"a password must be {MIN_LENGTH}–{MAX_LENGTH} characters long",
        )
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(check_password(password))


def verify(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; a malformed hash never matches."""
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's (rehash at next log-in)."""
    return _hasher.check_needs_rehash(stored_hash)


def burn(password: str) -> None:
    """Spend the time of one verification (for an unknown user name)."""
    verify(_DUMMY, password)
