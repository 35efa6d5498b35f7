"""User accounts: the rules every new account follows, and creating one from the command line."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from kwai_api.core.clock import system_clock
from kwai_api.core.database import Database, Transaction
from kwai_api.core.errors import ApiError
from kwai_api.core.passwords import hash_password
from kwai_api.core.tokens import revoke_user_tokens

MIN_PASSWORD_LENGTH = 8
# A dot-atom local part (no quoting, no commas or spaces) at a domain of dotted ASCII labels.
_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$"
)


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
    """The normalized address as a mail server takes it (domain in IDNA), or InvalidEmail.

    An address that could not be mailed is refused now, not when its mail dies later.
    """
    normalized = normalize_email(email)
    local, _, domain = normalized.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidEmail(f"{email!r} is not an email address") from None
    normalized = f"{local}@{domain}"
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
        [
            str(uuid.uuid4()),
            normalize_email(email),
            first_name,
            last_name,
            password_hash,
            admin,
            language,
            remark,
            now,
        ],
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


# -- managing accounts: the rules an admin (or `kwai user ...`) follows ------------------------

USER_COLUMNS = (
    "id, uuid, email, first_name, last_name, admin, revoked, language, remark, last_login,"
    " created_at, updated_at"
)


def list_users(
    reader: Database | Transaction,
    revoked: bool | None = None,
    admin: bool | None = None,
    email: str | None = None,
    limits: str = "",
) -> tuple[int, list[dict[str, Any]]]:
    """The users that match the filters (None: any), by name, and how many match in all."""
    where = (
        "($1 IS NULL OR revoked = $1) AND ($2 IS NULL OR admin = $2)"
        " AND ($3 IS NULL OR lower(email) = $3)"
    )
    params = [revoked, admin, None if email is None else normalize_email(email)]
    count = reader.fetchone(f"SELECT count(*) AS n FROM users WHERE {where}", params)
    rows = reader.fetchall(
        f"SELECT {USER_COLUMNS} FROM users WHERE {where}"
        f" ORDER BY last_name, first_name, id{limits}",
        params,
    )
    return (count["n"] if count else 0), rows


def find_user(reader: Database | Transaction, user_uuid: str) -> dict[str, Any]:
    """The user with this uuid, else 404."""
    row = reader.fetchone(f"SELECT {USER_COLUMNS} FROM users WHERE uuid = ?", [user_uuid])
    if row is None:
        raise ApiError(404, "there is no such user")
    return row


def change_user(
    db: Database, user_uuid: str, changes: dict[str, Any], by: int | None, now: datetime
) -> dict[str, Any]:
    """Apply an admin's changes to a user (`by`: the admin's id; None: the `kwai` command).

    The club keeps one active admin at least, an admin does not lock themselves out, and a
    revoked user's sessions end at once.
    """

    def work(tx: Transaction) -> dict[str, Any]:
        user = find_user(tx, user_uuid)
        demoted = changes.get("admin") is False or changes.get("revoked") is True
        if demoted and user["admin"] and not user["revoked"]:
            others = tx.fetchone(
                "SELECT count(*) AS n FROM users WHERE admin AND NOT revoked AND id <> ?",
                [user["id"]],
            )
            if not (others and others["n"]):
                field = "admin" if changes.get("admin") is False else "revoked"
                raise ApiError(
                    409,
                    "this is the last administrator; make another one first",
                    pointer=f"/data/attributes/{field}",
                )
        if changes.get("revoked") is True and user["id"] == by:
            raise ApiError(
                409, "an administrator cannot revoke themselves", pointer="/data/attributes/revoked"
            )
        if changes:
            assignments = ", ".join(f"{column} = ?" for column in [*changes, "updated_at"])
            tx.execute(
                f"UPDATE users SET {assignments} WHERE id = ?", [*changes.values(), now, user["id"]]
            )
        if changes.get("revoked") is True:
            revoke_user_tokens(tx, user["id"])
        return find_user(tx, user_uuid)

    return db.write(work)
