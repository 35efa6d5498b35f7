"""Password hashing with Argon2id; hashes are upgraded when the parameters change."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2-cffi's defaults are the RFC 9106 low-memory profile


@cache
def _dummy_hash() -> str:
    """A real hash to verify against when the user is unknown, so both paths cost the same time."""
    # Made on first use, not at import: hashing is deliberately slow.
    return _hasher.hash("kwai: no such user")


def hash_password(password: str) -> str:
    """Hash a new password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; an unknown user (no hash) costs as much as a wrong password."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older parameters and should be replaced."""
    return _hasher.check_needs_rehash(password_hash)
