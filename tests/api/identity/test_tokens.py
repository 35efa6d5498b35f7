"""Access and refresh tokens: signing, key rotation, expiry, revocation and refresh rotation."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from kwai_api.core.clock import system_clock
from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_api.core.tokens import (
    ACCESS,
    REFRESH,
    TokenPair,
    authenticate,
    identifier_of,
    new_login,
    rotate,
    sign,
)
from kwai_api.demo import ADMIN_EMAIL


def admin_id(db: Database) -> int:
    result: int = db.fetchvalue("SELECT id FROM users WHERE email = ?", [ADMIN_EMAIL])
    return result


def issue(db: Database, settings: Settings, minutes_ago: int = 0) -> TokenPair:
    """A fresh login of the demo admin, as if it happened `minutes_ago`."""
    now = system_clock() - timedelta(minutes=minutes_ago)
    return db.write(lambda tx: new_login(tx, settings, admin_id(db), now))


def with_keys(settings: Settings, *keys: str) -> Settings:
    return replace(settings, security=replace(settings.security, secret_keys=keys))


def test_a_fresh_access_token_names_its_user(db: Database, settings: Settings) -> None:
    pair = issue(db, settings)
    user = authenticate(db, settings, pair.access_token)
    assert user is not None
    assert (user.email, user.admin, user.id) == (ADMIN_EMAIL, True, admin_id(db))
    assert user.token_id == identifier_of(settings, ACCESS, pair.access_token)


def test_every_login_is_recorded_as_one_family_of_two_tokens(
    db: Database, settings: Settings
) -> None:
    now = system_clock()
    pair = db.write(lambda tx: new_login(tx, settings, admin_id(db), now))
    rows = db.fetchall("SELECT kind, family, pair, expired_at FROM tokens ORDER BY kind")
    assert [row["kind"] for row in rows] == [ACCESS, REFRESH]
    assert len({row["family"] for row in rows}) == 1
    assert len({row["pair"] for row in rows}) == 1
    assert rows[0]["expired_at"] == now + timedelta(minutes=settings.security.access_token_minutes)
    assert rows[1]["expired_at"] == now + timedelta(days=settings.security.refresh_token_days)
    assert pair.expiration == rows[0]["expired_at"]


def test_an_expired_access_token_is_refused(db: Database, settings: Settings) -> None:
    pair = issue(db, settings, minutes_ago=settings.security.access_token_minutes + 1)
    assert authenticate(db, settings, pair.access_token) is None


def test_expiry_follows_the_given_clock(db: Database, settings: Settings) -> None:
    pair = issue(db, settings)
    later = system_clock() + timedelta(minutes=settings.security.access_token_minutes + 1)
    assert authenticate(db, settings, pair.access_token) is not None
    assert authenticate(db, settings, pair.access_token, now=later) is None


def test_a_tampered_token_is_refused(db: Database, settings: Settings) -> None:
    token = issue(db, settings).access_token
    assert authenticate(db, settings, token) is not None
    # Not the very last character: its low bits are base64 padding, which decoders ignore.
    for position in (0, 10, len(token) - 5, len(token) - 2):
        flipped = "A" if token[position] != "A" else "B"
        tampered = token[:position] + flipped + token[position + 1 :]
        assert authenticate(db, settings, tampered) is None, position


MALFORMED = ["", "abc", "a.b", "a.b.c", "é.ü", "\x00", "x" * 5000, "eyJqdGkiOjF9.xyz"]


def test_malformed_tokens_are_refused(db: Database, settings: Settings) -> None:
    for token in MALFORMED:
        assert authenticate(db, settings, token) is None, token
        assert rotate(db, settings, token) is None, token


def test_a_token_signed_with_an_unknown_key_is_refused(db: Database, settings: Settings) -> None:
    identifier = identifier_of(settings, ACCESS, issue(db, settings).access_token)
    assert identifier is not None
    stranger = with_keys(settings, "someone else's key")
    forged = sign(stranger, ACCESS, identifier)
    assert identifier_of(stranger, ACCESS, forged) == identifier  # well formed, but not ours
    assert authenticate(db, settings, forged) is None


def test_a_refresh_token_is_no_access_token(db: Database, settings: Settings) -> None:
    pair = issue(db, settings)
    assert authenticate(db, settings, pair.refresh_token) is None
    assert identifier_of(settings, REFRESH, pair.access_token) is None


def test_old_keys_still_verify_and_the_newest_signs(db: Database, settings: Settings) -> None:
    old = with_keys(settings, "first-key")
    pair = issue(db, old)
    rotated = with_keys(settings, "first-key", "second-key")
    assert authenticate(db, rotated, pair.access_token) is not None
    assert authenticate(db, with_keys(settings, "second-key"), pair.access_token) is None
    fresh = issue(db, rotated)
    assert authenticate(db, with_keys(settings, "second-key"), fresh.access_token) is not None


def test_a_revoked_token_is_refused(db: Database, settings: Settings) -> None:
    pair = issue(db, settings)
    db.execute("UPDATE tokens SET revoked = true WHERE kind = 'access'")
    assert authenticate(db, settings, pair.access_token) is None


def test_a_blocked_user_is_refused(db: Database, settings: Settings) -> None:
    pair = issue(db, settings)
    db.execute("UPDATE users SET revoked = true")
    assert authenticate(db, settings, pair.access_token) is None
    assert rotate(db, settings, pair.refresh_token) is None


def test_rotation_gives_a_new_pair_and_revokes_the_old_one(
    db: Database, settings: Settings
) -> None:
    old = issue(db, settings)
    new = rotate(db, settings, old.refresh_token)
    assert new is not None
    assert authenticate(db, settings, new.access_token) is not None
    assert authenticate(db, settings, old.access_token) is None
    used = db.fetchone(
        "SELECT used_at, revoked FROM tokens WHERE identifier = ?",
        [identifier_of(settings, REFRESH, old.refresh_token)],
    )
    assert used is not None and used["used_at"] is not None and used["revoked"]
    families = db.fetchall("SELECT DISTINCT family FROM tokens")
    assert len(families) == 1  # the new pair belongs to the same login


def test_reusing_a_rotated_refresh_token_revokes_the_whole_login(
    db: Database, settings: Settings
) -> None:
    old = issue(db, settings)
    new = rotate(db, settings, old.refresh_token)
    assert new is not None
    other_login = issue(db, settings)
    assert rotate(db, settings, old.refresh_token) is None
    assert authenticate(db, settings, new.access_token) is None
    assert rotate(db, settings, new.refresh_token) is None
    assert authenticate(db, settings, other_login.access_token) is not None  # another family


def test_an_expired_refresh_token_is_refused(db: Database, settings: Settings) -> None:
    pair = issue(db, settings)
    later = system_clock() + timedelta(days=settings.security.refresh_token_days, minutes=1)
    assert rotate(db, settings, pair.refresh_token, now=later) is None


def test_a_new_login_clears_the_users_expired_tokens(db: Database, settings: Settings) -> None:
    issue(db, settings, minutes_ago=settings.security.refresh_token_days * 24 * 60 + 1)
    assert db.fetchvalue("SELECT count(*) FROM tokens") == 2
    issue(db, settings)
    assert db.fetchvalue("SELECT count(*) FROM tokens") == 2
