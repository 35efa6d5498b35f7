"""Access and refresh tokens: signed identifiers whose rows the server checks on every request.

A token is an itsdangerous signature over `{"jti": identifier}`, with one salt per purpose and
the configured keys (newest last signs, all verify). The identifier names a row of `tokens`, so
expiry, logout and revocation are decided by the database, at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadData, URLSafeSerializer

from kwai_api.core.clock import system_clock
from kwai_api.core.database import Database, Transaction
from kwai_api.core.settings import Settings

ACCESS = "access"
REFRESH = "refresh"
_SALTS = {ACCESS: "kwai.access", REFRESH: "kwai.refresh"}
_MAX_TOKEN_LENGTH = 512  # ours are ~90 characters; anything far longer is not one of ours


@dataclass(frozen=True)
class CurrentUser:
    """The authenticated user of a request, and the access token it presented."""

    id: int
    uuid: str
    email: str
    first_name: str
    last_name: str
    admin: bool
    token_id: str


@dataclass(frozen=True)
class TokenPair:
    """An access token and the refresh token issued with it."""

    access_token: str
    refresh_token: str
    expiration: datetime  # of the access token

    def as_dict(self) -> dict[str, Any]:
        """The body of a login or refresh answer."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expiration": self.expiration,
        }


def _serializer(settings: Settings, kind: str) -> URLSafeSerializer:
    return URLSafeSerializer(list(settings.security.secret_keys), salt=_SALTS[kind])


def sign(settings: Settings, kind: str, identifier: str) -> str:
    """The token that carries `identifier` for one purpose."""
    return str(_serializer(settings, kind).dumps({"jti": identifier}))


def identifier_of(settings: Settings, kind: str, token: str) -> str | None:
    """The identifier inside a token of this purpose, or None when it is not a valid one."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    try:
        payload = _serializer(settings, kind).loads(token)
    except (BadData, ValueError, TypeError, UnicodeError):
        return None
    identifier = payload.get("jti") if isinstance(payload, dict) else None
    return identifier if isinstance(identifier, str) else None


def issue_pair(
    tx: Transaction, settings: Settings, user_id: int, family: str, now: datetime
) -> TokenPair:
    """Record and sign a new access + refresh token pair of one login (`family`)."""
    pair = str(uuid.uuid4())
    access_id, refresh_id = str(uuid.uuid4()), str(uuid.uuid4())
    access_expiry = now + timedelta(minutes=settings.security.access_token_minutes)
    refresh_expiry = now + timedelta(days=settings.security.refresh_token_days)
    tx.insert_rows(
        "tokens",
        ("identifier", "kind", "user_id", "family", "pair", "expired_at", "created_at"),
        [
            (access_id, ACCESS, user_id, family, pair, access_expiry, now),
            (refresh_id, REFRESH, user_id, family, pair, refresh_expiry, now),
        ],
    )
    return TokenPair(
        access_token=sign(settings, ACCESS, access_id),
        refresh_token=sign(settings, REFRESH, refresh_id),
        expiration=access_expiry,
    )


def new_login(tx: Transaction, settings: Settings, user_id: int, now: datetime) -> TokenPair:
    """Start a token family for a fresh login, clearing the user's long-expired tokens."""
    tx.execute("DELETE FROM tokens WHERE user_id = ? AND expired_at < ?", [user_id, now])
    return issue_pair(tx, settings, user_id, str(uuid.uuid4()), now)


def authenticate(
    db: Database, settings: Settings, token: str, now: datetime | None = None
) -> CurrentUser | None:
    """The user of a valid, unexpired, unrevoked access token, else None."""
    identifier = identifier_of(settings, ACCESS, token)
    if identifier is None:
        return None
    row = db.fetchone(
        "SELECT u.id, u.uuid, u.email, u.first_name, u.last_name, u.admin"
        " FROM tokens t JOIN users u ON u.id = t.user_id"
        " WHERE t.identifier = ? AND t.kind = ? AND NOT t.revoked AND t.expired_at > ?"
        " AND NOT u.revoked",
        [identifier, ACCESS, now or system_clock()],
    )
    if row is None:
        return None
    return CurrentUser(token_id=identifier, **row)


def rotate(
    db: Database, settings: Settings, refresh_token: str, now: datetime | None = None
) -> TokenPair | None:
    """Trade a refresh token for a new pair; None when refused.

    A refresh token is good once: the old pair is revoked and the refresh token marked used.
    Presenting a used one means it leaked (or a client retried with a stale copy), so the whole
    login is revoked, including the newer pair.
    """
    identifier = identifier_of(settings, REFRESH, refresh_token)
    if identifier is None:
        return None
    at = now or system_clock()

    def work(tx: Transaction) -> TokenPair | None:
        row = tx.fetchone(
            "SELECT t.*, u.revoked AS user_revoked FROM tokens t JOIN users u ON u.id = t.user_id"
            " WHERE t.identifier = ? AND t.kind = ?",
            [identifier, REFRESH],
        )
        if row is None:
            return None
        if row["used_at"] is not None:
            tx.execute("UPDATE tokens SET revoked = true WHERE family = ?", [row["family"]])
            return None
        if row["revoked"] or row["user_revoked"] or row["expired_at"] <= at:
            return None
        tx.execute("UPDATE tokens SET revoked = true WHERE pair = ?", [row["pair"]])
        tx.execute("UPDATE tokens SET used_at = ? WHERE identifier = ?", [at, identifier])
        return issue_pair(tx, settings, row["user_id"], row["family"], at)

    return db.write(work)


def revoke_pair_of(db: Database, settings: Settings, user: CurrentUser, refresh_token: str) -> bool:
    """Log out: revoke the pair of the presented access token and that of the refresh token.

    False when the refresh token is not a valid token of this user (nothing is revoked then).
    """
    identifier = identifier_of(settings, REFRESH, refresh_token)
    if identifier is None:
        return False

    def work(tx: Transaction) -> bool:
        refresh = tx.fetchone(
            "SELECT pair FROM tokens WHERE identifier = ? AND kind = ? AND user_id = ?",
            [identifier, REFRESH, user.id],
        )
        if refresh is None:
            return False
        tx.execute(
            "UPDATE tokens SET revoked = true WHERE pair = ?"
            " OR pair = (SELECT pair FROM tokens WHERE identifier = ?)",
            [refresh["pair"], user.token_id],
        )
        return True

    return db.write(work)


def revoke_user_tokens(tx: Transaction, user_id: int) -> None:
    """Revoke every token of a user (a password reset ends all sessions)."""
    tx.execute("UPDATE tokens SET revoked = true WHERE user_id = ? AND NOT revoked", [user_id])
