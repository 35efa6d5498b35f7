"""/auth/user: everyone reads and changes their own names and language, and their password."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from kwai_api.core.accounts import create_user
from kwai_api.core.database import Database

URL = "/api/v1/auth/user"
EMAIL, PASSWORD = "coach@example.org", "long enough password"


def login(client: TestClient, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", data={"username": EMAIL, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def coach(client: TestClient, db: Database) -> dict[str, str]:
    """The headers of a logged-in user who is not an admin."""
    create_user(db, EMAIL, "Cor", "Coach", PASSWORD)
    return login(client)


def test_reads_and_changes_own_names_and_language(
    client: TestClient, coach: dict[str, str]
) -> None:
    response = client.patch(
        URL,
        headers=coach,
        json={
            "data": {"type": "users", "attributes": {"first_name": " Corinne ", "language": "en"}}
        },
    )

    assert response.status_code == 200, response.text
    attributes = client.get(URL, headers=coach).json()["data"]["attributes"]
    assert (attributes["first_name"], attributes["last_name"]) == ("Corinne", "Coach")
    assert attributes["language"] == "en" and attributes["admin"] is False


def test_a_body_without_content_type_is_read_as_json(
    client: TestClient, coach: dict[str, str]
) -> None:
    body = b'{"data": {"type": "users", "attributes": {"last_name": "Plain"}}}'

    response = client.patch(URL, headers=coach, content=body)

    assert response.status_code == 200, response.text
    assert response.json()["data"]["attributes"]["last_name"] == "Plain"


@pytest.mark.parametrize(
    ("attributes", "status", "pointer"),
    [
        ({"admin": True}, 403, "/data/attributes/admin"),
        ({"revoked": False}, 403, "/data/attributes/revoked"),
        ({"language": "fr"}, 422, "/data/attributes/language"),
        ({"last_name": "  "}, 422, "/data/attributes/last_name"),
    ],
)
def test_refuses_what_one_may_not_change(
    client: TestClient,
    coach: dict[str, str],
    attributes: dict[str, object],
    status: int,
    pointer: str,
) -> None:
    response = client.patch(
        URL, headers=coach, json={"data": {"type": "users", "attributes": attributes}}
    )

    assert response.status_code == status
    assert response.json()["errors"][0]["source"] == {"pointer": pointer}


def test_changing_the_password_ends_the_other_sessions(
    client: TestClient, coach: dict[str, str]
) -> None:
    other = login(client)

    response = client.post(
        f"{URL}/password",
        headers=coach,
        data={"current_password": PASSWORD, "password": "a new passphrase"},
    )

    assert response.status_code == 204, response.text
    assert client.get(URL, headers=coach).status_code == 200  # this session stays
    assert client.get(URL, headers=other).status_code == 401
    login(client, "a new passphrase")
    old = client.post("/api/v1/auth/login", data={"username": EMAIL, "password": PASSWORD})
    assert old.status_code == 401


@pytest.mark.parametrize(
    ("form", "pointer"),
    [
        (
            {"current_password": "wrong password", "password": "a new passphrase"},
            "/current_password",
        ),
        ({"current_password": PASSWORD, "password": "short"}, "/password"),
        ({"password": "a new passphrase"}, "/current_password"),
    ],
)
def test_password_errors_point_at_the_field(
    client: TestClient, coach: dict[str, str], form: dict[str, str], pointer: str
) -> None:
    response = client.post(f"{URL}/password", headers=coach, data=form)

    assert response.status_code == 422
    assert response.json()["errors"][0]["source"] == {"pointer": pointer}
    assert client.post(f"{URL}/password", data=form).status_code == 401
