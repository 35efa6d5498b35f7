"""User accounts: the rules every new account follows, and creating one from the command line."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from kwai_api.core.clock import system_clock
from kwai_api.core.database import Database, Transaction
from kwai_api.core.passwords import hash_password

MIN_PASSWORD_LENGTH = 8
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UserError(ValueError):
    """A user cannot be created as asked; the message says why."""


class EmailInUse(UserError):
    """The address already belongs to a user."""


class WeakPassword(UserError):
    """The password is too short."""


class InvalidEmail(UserError):
    """The address is not an email address."""


def normalize_email(email: str) -> str:
    """The stored form of an address (addresses are compared without case)."""
    return email.strip().lower()


def check_email(email: str) -> str:
    """The normalized address, or InvalidEmail."""
    normalized = normalize_email(email)
    if len(normalized) > 254 or not _EMAIL.match(normalized):
        raise InvalidEmail(f"{email!r} is not an email address")
    return normalized


def check_password(password: str) -> None:
    """Refuse passwords that are too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")


def email_in_use(source: Transaction | Database, email: str) -> bool:
    """True when a user has this address."""
    sql = "SELECT 1 AS found FROM users WHERE lower(email) = ?"
    return source.fetchone(sql, [normalize_email(email)]) is not None


def insert_user(
    tx: Transaction,
    email: str,
    first_name: str,
    last_name: str,
    password_hash: str,
    now: datetime,
    admin: bool = False,
    language: str | None = None,
    remark: str | None = None,
) -> dict[str, Any]:
    """Insert a user (EmailInUse when the address is taken); return the stored row."""
    if email_in_use(tx, email):
        raise EmailInUse(f"a user with the address {email} exists already")
    user_id = tx.insert(
        "INSERT INTO users (uuid, email, first_name, last_name, password_hash, admin, language,"
        " remark, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [str(uuid.uuid4()), normalize_email(email), first_name, last_name, password_hash, admin,
         language, remark, now],
    )
    row = tx.fetchone(
        "SELECT id, uuid, email, first_name, last_name, admin, language, remark, created_at,"
        " updated_at FROM users WHERE id = ?",
        [user_id],
    )
    assert row is not None
    return row


def create_user(
    db: Database,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    admin: bool = False,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Create an account (`kwai user create`); UserError says why when it cannot."""
    address = check_email(email)
    if not first_name.strip() or not last_name.strip():
        raise UserError("a user needs a first and a last name")
    check_password(password)
    if email_in_use(db, address):  # before hashing: hashing is slow
        raise EmailInUse(f"a user with the address {address} exists already")
    password_hash = hash_password(password)
    at = now or system_clock()
    return db.write(
        lambda tx: insert_user(
            tx, address, first_name.strip(), last_name.strip(), password_hash, at, admin=admin
        )
    )
