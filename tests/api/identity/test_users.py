"""/users: admins list users, block one, promote one; the club keeps an admin."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from kwai_api.core.accounts import create_user
from kwai_api.core.database import Database
from kwai_api.demo import ADMIN_EMAIL
from tests.support.state import state_of

URL = "/api/v1/users"
PASSWORD = "long enough password"

pytestmark = pytest.mark.usefixtures("builds")


def login(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", data={"username": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def user(attributes: dict[str, Any], **data: Any) -> dict[str, Any]:
    return {"data": {"type": "users", "attributes": attributes, **data}}


@pytest.fixture
def coach(client: TestClient, db: Database) -> dict[str, Any]:
    """A user who is not an admin."""
    return create_user(db, "coach@example.org", "Cor", "Coach", PASSWORD)


def uuid_of(db: Database, email: str) -> str:
    return str(db.fetchvalue("SELECT uuid FROM users WHERE email = ?", [email]))


def test_lists_users_with_filters(
    client: TestClient, admin: dict[str, str], coach: dict[str, Any]
) -> None:
    everyone = client.get(URL, headers=admin)

    assert everyone.status_code == 200
    body = everyone.json()
    assert body["meta"]["count"] == 2
    emails = {u["attributes"]["email"] for u in body["data"]}
    assert emails == {ADMIN_EMAIL, "coach@example.org"}
    listed = next(u for u in body["data"] if u["id"] == coach["uuid"])
    assert listed["type"] == "users"
    assert listed["attributes"] | {"created_at": None} == {
        "email": "coach@example.org",
        "first_name": "Cor",
        "last_name": "Coach",
        "admin": False,
        "revoked": False,
        "language": None,
        "remark": None,
        "last_login": None,
        "created_at": None,
        "updated_at": None,
    }
    admins = client.get(URL, headers=admin, params={"filter[admin]": "true"}).json()
    assert [u["attributes"]["email"] for u in admins["data"]] == [ADMIN_EMAIL]
    assert client.get(URL, headers=admin, params={"filter[revoked]": "true"}).json()["data"] == []
    bad = client.get(URL, headers=admin, params={"filter[admin]": "maybe"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["source"] == {"parameter": "filter[admin]"}


def test_only_admins_see_users(client: TestClient, coach: dict[str, Any]) -> None:
    assert client.get(URL).status_code == 401
    assert client.get(URL, headers=login(client, "coach@example.org")).status_code == 403
    assert client.get(URL, headers={"X-Kwai-Job-Secret": "wrong"}).status_code == 401


def test_revoking_ends_every_session_at_once(
    client: TestClient, admin: dict[str, str], coach: dict[str, Any], db: Database
) -> None:
    theirs = login(client, "coach@example.org")
    assert client.get("/api/v1/auth/user", headers=theirs).status_code == 200

    response = client.patch(
        f"{URL}/{coach['uuid']}",
        headers=admin,
        json=user({"revoked": True, "remark": "left the club"}),
    )

    assert response.status_code == 200, response.text
    assert response.json()["data"]["attributes"]["revoked"] is True
    assert client.get("/api/v1/auth/user", headers=theirs).status_code == 401
    assert (
        db.fetchvalue(
            "SELECT count(*) FROM tokens WHERE user_id = ? AND NOT revoked", [coach["id"]]
        )
        == 0
    )
    again = client.post(
        "/api/v1/auth/login", data={"username": "coach@example.org", "password": PASSWORD}
    )
    assert again.status_code == 401


def test_promotes_an_editor_and_the_last_admin_stays(
    client: TestClient, admin: dict[str, str], coach: dict[str, Any], db: Database
) -> None:
    me = uuid_of(db, ADMIN_EMAIL)
    last = client.patch(f"{URL}/{me}", headers=admin, json=user({"admin": False}))
    assert last.status_code == 409
    assert last.json()["errors"][0]["source"] == {"pointer": "/data/attributes/admin"}
    myself = client.patch(f"{URL}/{me}", headers=admin, json=user({"revoked": True}))
    assert myself.status_code == 409

    promoted = client.patch(
        f"{URL}/{coach['uuid']}", headers=admin, json=user({"admin": True, "language": "en"})
    )
    assert promoted.json()["data"]["attributes"]["admin"] is True
    assert client.get(URL, headers=login(client, "coach@example.org")).status_code == 200
    # now there are two admins: one may step down, and still cannot revoke themselves
    assert (
        client.patch(f"{URL}/{me}", headers=admin, json=user({"revoked": True})).status_code == 409
    )
    stepped_down = client.patch(f"{URL}/{me}", headers=admin, json=user({"admin": False}))
    assert stepped_down.status_code == 200
    assert client.get(URL, headers=admin).status_code == 403


@pytest.mark.parametrize(
    ("attributes", "pointer"),
    [
        ({"admin": "yes"}, "/data/attributes/admin"),
        ({"revoked": None}, "/data/attributes/revoked"),
        ({"first_name": ""}, "/data/attributes/first_name"),
        ({"language": "fr"}, "/data/attributes/language"),
        ({"remark": 5}, "/data/attributes/remark"),
    ],
)
def test_bad_documents_are_422(
    client: TestClient,
    admin: dict[str, str],
    coach: dict[str, Any],
    attributes: dict[str, Any],
    pointer: str,
) -> None:
    response = client.patch(f"{URL}/{coach['uuid']}", headers=admin, json=user(attributes))

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["source"] == {"pointer": pointer}


def test_unknown_users_are_404(client: TestClient, admin: dict[str, str]) -> None:
    assert client.get(f"{URL}/not-a-uuid", headers=admin).status_code == 404
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"{URL}/{missing}", headers=admin).status_code == 404
    assert client.patch(f"{URL}/{missing}", headers=admin, json=user({})).status_code == 404


def test_only_the_job_secret_creates_accounts(client: TestClient, admin: dict[str, str]) -> None:
    doc = user(
        {
            "email": "new@example.org",
            "first_name": "N",
            "last_name": "W",
            "password": PASSWORD,
            "admin": True,
        }
    )
    assert client.post(URL, headers=admin, json=doc).status_code == 403

    job = {"X-Kwai-Job-Secret": state_of(client).settings.security.job_secret}
    created = client.post(URL, headers=job, json=doc)

    assert created.status_code == 201, created.text
    assert created.json()["data"]["attributes"]["admin"] is True
    assert client.post(URL, headers=job, json=doc).status_code == 409
    weak = user(
        {"email": "w@example.org", "first_name": "N", "last_name": "W", "password": "short"}
    )
    assert client.post(URL, headers=job, json=weak).status_code == 422
