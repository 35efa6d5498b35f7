"""The identity routes read the app's clock: a fixed clock decides logins, tokens and expiry."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.testclient import TestClient

from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_api.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.support.state import state_of

THEN = datetime(2031, 5, 4, 9, 30, 0)


def test_a_login_happens_at_the_apps_clock(
    client: TestClient, db: Database, settings: Settings
) -> None:
    state = state_of(client)
    state.clock = lambda: THEN
    login = client.post(
        "/api/v1/auth/login", data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    assert login.status_code == 200, login.text
    assert db.fetchvalue("SELECT last_login FROM users WHERE email = ?", [ADMIN_EMAIL]) == THEN
    lifetime = timedelta(minutes=settings.security.access_token_minutes)
    assert db.fetchvalue("SELECT max(expired_at) FROM tokens WHERE kind = 'access'") == (
        THEN + lifetime
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert client.get("/api/v1/auth/user", headers=headers).status_code == 200
    state.clock = lambda: THEN + lifetime + timedelta(seconds=1)  # the token has expired since
    assert client.get("/api/v1/auth/user", headers=headers).status_code == 401
