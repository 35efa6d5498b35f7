"""What an attacker, a careless admin or an unlucky operator tried: every finding stays fixed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from kwai_api.core.accounts import InvalidEmail, check_email, create_user
from kwai_api.core.clock import system_clock
from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_api.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from kwai_api.identity.auth_routes import RECOVERIES_PER_WINDOW, request_recovery

RESET = "/api/v1/auth/reset"


def test_recovery_mails_to_one_person_are_limited_whoever_asks(
    db: Database, settings: Settings
) -> None:
    now = system_clock()
    made = [request_recovery(db, settings, ADMIN_EMAIL, now) for _ in range(15)]
    assert sum(uuid is not None for uuid in made) == RECOVERIES_PER_WINDOW
    assert db.fetchvalue("SELECT count(*) FROM mails") == RECOVERIES_PER_WINDOW
    later = now + timedelta(hours=1, minutes=1)
    assert request_recovery(db, settings, ADMIN_EMAIL, later) is not None


def test_a_reset_spends_every_other_recovery_link(
    client: TestClient, db: Database, settings: Settings
) -> None:
    now = system_clock()
    first, second = (request_recovery(db, settings, ADMIN_EMAIL, now) for _ in range(2))
    assert client.post(RESET, data={"uuid": first, "password": "a new password"}).status_code == 204
    again = client.post(RESET, data={"uuid": second, "password": "another password"})
    assert again.status_code == 410
    login = {"username": ADMIN_EMAIL, "password": "a new password"}
    assert client.post("/api/v1/auth/login", data=login).status_code == 200


def test_token_answers_are_never_cached(client: TestClient) -> None:
    login = {"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    answer = client.post("/api/v1/auth/login", data=login)
    assert answer.headers["cache-control"] == "no-store"
    refreshed = client.post(
        "/api/v1/auth/access_token", data={"refresh_token": answer.json()["refresh_token"]}
    )
    assert refreshed.status_code == 200
    assert refreshed.headers["cache-control"] == "no-store"


def test_pages_and_api_answers_carry_a_content_security_policy(client: TestClient) -> None:
    api = client.get("/api/v1/health")
    assert "default-src 'none'" in api.headers["content-security-policy"]
    page = client.get("/")  # the site (or the page saying it is not built yet)
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def _user_token(client: TestClient, db: Database) -> dict[str, str]:
    create_user(db, "coach@example.org", "Co", "Ach", "a coach password")
    login = {"username": "coach@example.org", "password": "a coach password"}
    token = client.post("/api/v1/auth/login", data=login).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_only_an_admin_may_build_at_another_time(
    client: TestClient, db: Database, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[Any] = []

    def build(state: Any, full: bool, now: Any) -> Any:
        asked.append(now)
        raise RuntimeError("no build in this test")

    monkeypatch.setattr("kwai_api.server.build_routes._build_directly", build)
    body = {"data": {"type": "site_builds", "attributes": {"now": "2030-01-01 00:00:00"}}}
    coach = client.post("/api/v1/site/builds", json=body, headers=_user_token(client, db))
    assert coach.status_code == 403
    assert coach.json()["errors"][0]["source"] == {"pointer": "/data/attributes/now"}
    assert asked == []
    with pytest.raises(RuntimeError):
        client.post("/api/v1/site/builds", json=body, headers=admin)
    assert [str(now) for now in asked] == ["2030-01-01 00:00:00"]


@pytest.mark.parametrize(
    "address",
    [
        "a,b@example.org",
        "a b@example.org",
        "élise@example.org",
        "ann@exa mple.org",
        "ann@@example.org",
        "ann@example",
    ],
)
def test_addresses_that_cannot_be_mailed_are_refused_up_front(address: str) -> None:
    with pytest.raises(InvalidEmail):
        check_email(address)


def test_a_domain_in_another_script_is_encoded_for_mail() -> None:
    assert check_email("Jo@Bücher.de") == "jo@xn--bcher-kva.de"


def test_an_invitation_to_an_unmailable_address_is_a_422(
    client: TestClient, admin: dict[str, str]
) -> None:
    body = {
        "data": {
            "type": "user_invitations",
            "attributes": {"email": "a,b@example.org", "first_name": "A", "last_name": "B"},
        }
    }
    answer = client.post("/api/v1/auth/users/invitations", json=body, headers=admin)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["source"] == {"pointer": "/data/attributes/email"}
