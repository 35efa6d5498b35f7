"""The auth routes: login, logout, token refresh, the current user, password recovery and reset."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from starlette.testclient import TestClient

from kwai_api.core.accounts import create_user
from kwai_api.core.clock import system_clock
from kwai_api.core.database import Database
from kwai_api.core.passwords import needs_rehash
from kwai_api.core.settings import Settings
from kwai_api.core.throttle import Throttle
from kwai_api.core.tokens import new_login
from kwai_api.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.support.state import state_of

LOGIN = "/api/v1/auth/login"
LOGOUT = "/api/v1/auth/logout"
REFRESH = "/api/v1/auth/access_token"
USER = "/api/v1/auth/user"
RECOVER = "/api/v1/auth/recover"
RESET = "/api/v1/auth/reset"


class Clock:
    """A clock for the throttle that only moves when told to."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> datetime:
        return datetime(2026, 1, 1) + timedelta(seconds=self.now)


def login(client: TestClient, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> Any:
    return client.post(LOGIN, data={"username": email, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def tokens(client: TestClient) -> dict[str, str]:
    response = login(client)
    assert response.status_code == 200, response.text
    result: dict[str, str] = response.json()
    return result


# --- login


def test_login_gives_a_token_pair_that_authenticates(client: TestClient, db: Database) -> None:
    response = login(client)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "expiration"}
    user = client.get(USER, headers=bearer(body["access_token"]))
    assert user.status_code == 200
    assert user.headers["content-type"].startswith("application/vnd.api+json")
    data = user.json()["data"]
    assert data["type"] == "users"
    assert data["id"] == db.fetchvalue("SELECT uuid FROM users WHERE email = ?", [ADMIN_EMAIL])
    assert {
        key: data["attributes"][key]
        for key in ("email", "first_name", "last_name", "admin", "revoked")
    } == {
        "email": ADMIN_EMAIL,
        "first_name": "Kwai",
        "last_name": "Admin",
        "admin": True,
        "revoked": False,
    }
    expiration = db.fetchvalue("SELECT max(expired_at) FROM tokens WHERE kind = 'access'")
    assert body["expiration"] == expiration.strftime("%Y-%m-%d %H:%M:%S")
    assert db.fetchvalue("SELECT last_login FROM users WHERE email = ?", [ADMIN_EMAIL]) is not None


def test_login_ignores_the_case_of_the_address(client: TestClient) -> None:
    assert login(client, email=ADMIN_EMAIL.upper()).status_code == 200


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(client: TestClient) -> None:
    wrong = login(client, password="not the password")
    unknown = login(client, email="nobody@kwai.example", password="not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_a_blocked_user_cannot_log_in(client: TestClient, db: Database) -> None:
    db.execute("UPDATE users SET revoked = true WHERE email = ?", [ADMIN_EMAIL])
    response = login(client)
    assert response.status_code == 401
    assert response.json() == login(client, password="not the password").json()


def test_login_upgrades_an_old_password_hash(client: TestClient, db: Database) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(ADMIN_PASSWORD)
    db.execute("UPDATE users SET password_hash = ? WHERE email = ?", [weak, ADMIN_EMAIL])
    assert login(client).status_code == 200
    stored = db.fetchvalue("SELECT password_hash FROM users WHERE email = ?", [ADMIN_EMAIL])
    assert stored != weak and not needs_rehash(stored)
    assert login(client).status_code == 200


def test_login_needs_both_fields_in_a_form(client: TestClient) -> None:
    missing = client.post(LOGIN, data={"username": ADMIN_EMAIL})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["source"] == {"pointer": "/password"}
    as_json = client.post(LOGIN, json={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert as_json.status_code == 415
    broken = client.post(
        LOGIN,
        content=b"--x\r\nnonsense",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert 400 <= broken.status_code < 500


def test_repeated_bad_logins_are_throttled(client: TestClient) -> None:
    clock = Clock()
    state_of(client).throttle = Throttle(clock)
    free = state_of(client).throttle.pairs.free
    for _ in range(free + 1):
        assert login(client, password="guess").status_code == 401
    throttled = login(client)  # even the right password waits its turn
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) >= 1
    assert throttled.json()["errors"][0]["status"] == "429"
    clock.now += int(throttled.headers["Retry-After"])
    assert login(client).status_code == 200


def test_one_address_trying_many_accounts_is_throttled(client: TestClient) -> None:
    throttle = Throttle(Clock())
    state_of(client).throttle = throttle
    for n in range(throttle.login_addresses.limit):
        assert login(client, email=f"guess{n}@kwai.example").status_code == 401
    response = login(client, email="another@kwai.example")
    assert response.status_code == 429
    assert "Retry-After" in response.headers


# --- tokens on requests


def test_requests_without_a_valid_token_are_refused(
    client: TestClient, db: Database, settings: Settings
) -> None:
    token = tokens(client)["access_token"]
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    admin_id = db.fetchvalue("SELECT id FROM users WHERE email = ?", [ADMIN_EMAIL])
    past = system_clock() - timedelta(minutes=settings.security.access_token_minutes + 1)
    expired = db.write(lambda tx: new_login(tx, settings, admin_id, past)).access_token
    for headers in (
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": f"Basic {token}"},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Bearer a.b.c.d"},
        {"Authorization": f"Bearer {tampered}"},
        {"Authorization": f"Bearer {expired}"},
        {"Authorization": f"Bearer {tokens(client)['refresh_token']}"},
        {"Authorization": "Bearer " + "x" * 4000},
    ):
        response = client.get(USER, headers=headers)
        assert response.status_code == 401, headers
        assert response.json()["errors"][0]["status"] == "401"
    assert client.get(USER, headers=bearer(token)).status_code == 200


# --- logout and refresh


def test_logout_ends_the_session_at_once(client: TestClient) -> None:
    pair = tokens(client)
    other = tokens(client)
    response = client.post(
        LOGOUT, headers=bearer(pair["access_token"]), data={"refresh_token": pair["refresh_token"]}
    )
    assert response.status_code == 204
    assert client.get(USER, headers=bearer(pair["access_token"])).status_code == 401
    assert client.post(REFRESH, data={"refresh_token": pair["refresh_token"]}).status_code == 401
    assert client.get(USER, headers=bearer(other["access_token"])).status_code == 200


def test_logout_needs_a_token_and_a_valid_refresh_token(client: TestClient, db: Database) -> None:
    pair = tokens(client)
    headers = bearer(pair["access_token"])
    refresh = {"refresh_token": pair["refresh_token"]}
    assert client.post(LOGOUT, data=refresh).status_code == 401
    assert client.post(LOGOUT, headers=headers, data={"x": "1"}).status_code == 422
    assert client.post(LOGOUT, headers=headers, data={"refresh_token": "junk"}).status_code == 401
    create_user(db, "judoka@kwai.example", "Jo", "Ka", "judoka-password")
    someone = login(client, "judoka@kwai.example", "judoka-password").json()
    foreign = client.post(LOGOUT, headers=headers, data={"refresh_token": someone["refresh_token"]})
    assert foreign.status_code == 401
    assert client.get(USER, headers=bearer(someone["access_token"])).status_code == 200
    assert client.get(USER, headers=headers).status_code == 200  # nothing was revoked


def test_refresh_rotates_the_pair(client: TestClient) -> None:
    old = tokens(client)
    response = client.post(REFRESH, data={"refresh_token": old["refresh_token"]})
    assert response.status_code == 200
    new = response.json()
    assert set(new) == {"access_token", "refresh_token", "expiration"}
    assert new["refresh_token"] != old["refresh_token"]
    assert client.get(USER, headers=bearer(new["access_token"])).status_code == 200
    assert client.get(USER, headers=bearer(old["access_token"])).status_code == 401


def test_reusing_an_old_refresh_token_revokes_the_newer_pair(client: TestClient) -> None:
    old = tokens(client)
    new = client.post(REFRESH, data={"refresh_token": old["refresh_token"]}).json()
    reuse = client.post(REFRESH, data={"refresh_token": old["refresh_token"]})
    assert reuse.status_code == 401
    assert client.get(USER, headers=bearer(new["access_token"])).status_code == 401
    assert client.post(REFRESH, data={"refresh_token": new["refresh_token"]}).status_code == 401


def test_refresh_refuses_bad_input(client: TestClient) -> None:
    access = tokens(client)["access_token"]
    assert client.post(REFRESH, data={"x": "1"}).status_code == 422
    assert client.post(REFRESH, data={"refresh_token": "junk"}).status_code == 401
    assert client.post(REFRESH, data={"refresh_token": access}).status_code == 401
    assert client.post(REFRESH, json={"refresh_token": "x"}).status_code == 415


# --- recovery


def recover(client: TestClient, email: str) -> Any:
    return client.post(RECOVER, data={"email": email})


def recovery_uuid(client: TestClient, db: Database) -> str:
    assert recover(client, ADMIN_EMAIL).status_code == 200
    result: str = db.fetchvalue("SELECT uuid FROM user_recoveries ORDER BY id DESC LIMIT 1")
    return result


def test_recovery_answers_the_same_for_known_and_unknown_addresses(
    client: TestClient, db: Database
) -> None:
    known = recover(client, ADMIN_EMAIL)
    unknown = recover(client, "nobody@kwai.example")
    malformed = recover(client, "not an address")
    assert known.status_code == unknown.status_code == malformed.status_code == 200
    assert known.json() == unknown.json() == malformed.json()
    assert db.fetchvalue("SELECT count(*) FROM user_recoveries") == 1
    assert db.fetchvalue("SELECT count(*) FROM mails") == 1


def test_recovery_records_the_link_and_queues_its_mail(
    client: TestClient, db: Database, settings: Settings
) -> None:
    assert recover(client, ADMIN_EMAIL.upper()).status_code == 200
    row = db.fetchone("SELECT * FROM user_recoveries")
    assert row is not None
    hours = settings.security.recovery_hours
    assert row["expired_at"] - row["created_at"] == timedelta(hours=hours)
    assert row["mailed_at"] is None  # set when the mail server takes the mail
    assert row["confirmed_at"] is None
    mail = db.fetchone("SELECT * FROM mails")
    assert mail is not None
    assert mail["recipient"] == ADMIN_EMAIL
    assert mail["status"] == "queued"
    link = f"{settings.site.url}/auth/reset/?uuid={row['uuid']}"
    assert link in mail["text_body"]
    assert "Kwai" in mail["text_body"]


def test_a_blocked_user_gets_no_recovery_mail(client: TestClient, db: Database) -> None:
    db.execute("UPDATE users SET revoked = true WHERE email = ?", [ADMIN_EMAIL])
    assert recover(client, ADMIN_EMAIL).json() == recover(client, "nobody@kwai.example").json()
    assert db.fetchvalue("SELECT count(*) FROM user_recoveries") == 0
    assert db.fetchvalue("SELECT count(*) FROM mails") == 0


def test_recovery_requests_are_throttled(client: TestClient) -> None:
    throttle = Throttle(Clock())
    state_of(client).throttle = throttle
    for _ in range(throttle.recover_addresses.limit):
        assert recover(client, "nobody@kwai.example").status_code == 200
    response = recover(client, ADMIN_EMAIL)
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_recovery_needs_an_email_field(client: TestClient) -> None:
    assert client.post(RECOVER, data={"x": "1"}).status_code == 422
    assert client.post(RECOVER, json={"email": ADMIN_EMAIL}).status_code == 415


def test_reset_sets_the_password_once_and_ends_every_session(
    client: TestClient, db: Database
) -> None:
    session = tokens(client)
    uuid = recovery_uuid(client, db)
    response = client.post(RESET, data={"uuid": uuid, "password": "a new password"})
    assert response.status_code == 204
    assert login(client).status_code == 401
    assert login(client, password="a new password").status_code == 200
    assert client.get(USER, headers=bearer(session["access_token"])).status_code == 401
    assert client.post(REFRESH, data={"refresh_token": session["refresh_token"]}).status_code == 401
    confirmed = db.fetchvalue("SELECT confirmed_at FROM user_recoveries WHERE uuid = ?", [uuid])
    assert confirmed is not None
    again = client.post(RESET, data={"uuid": uuid, "password": "yet another one"})
    assert again.status_code == 410
    assert login(client, password="a new password").status_code == 200


def test_an_expired_recovery_is_gone(client: TestClient, db: Database) -> None:
    uuid = recovery_uuid(client, db)
    db.execute(
        "UPDATE user_recoveries SET expired_at = ? WHERE uuid = ?",
        [system_clock() - timedelta(seconds=1), uuid],
    )
    response = client.post(RESET, data={"uuid": uuid, "password": "a new password"})
    assert response.status_code == 410
    assert "expired" in response.json()["detail"]
    assert login(client).status_code == 200


def test_reset_refuses_unknown_links_blocked_users_and_short_passwords(
    client: TestClient, db: Database
) -> None:
    uuid = recovery_uuid(client, db)
    unknown = {"uuid": "8a4f6f8e-3a7b-4a9e-9f7e-0d1c2b3a4f5e", "password": "a new password"}
    assert client.post(RESET, data=unknown).status_code == 404
    malformed = {"uuid": "../../etc/passwd", "password": "a new password"}
    assert client.post(RESET, data=malformed).status_code == 404
    short = client.post(RESET, data={"uuid": uuid, "password": "short"})
    assert short.status_code == 422
    assert short.json()["errors"][0]["source"] == {"pointer": "/password"}
    assert client.post(RESET, data={"uuid": uuid}).status_code == 422
    assert client.post(RESET, json={"uuid": uuid, "password": "x" * 10}).status_code == 415
    db.execute("UPDATE users SET revoked = true WHERE email = ?", [ADMIN_EMAIL])
    blocked = client.post(RESET, data={"uuid": uuid, "password": "a new password"})
    assert blocked.status_code == 403
    # None of the refusals spent the link.
    db.execute("UPDATE users SET revoked = false WHERE email = ?", [ADMIN_EMAIL])
    assert client.post(RESET, data={"uuid": uuid, "password": "a new password"}).status_code == 204
