"""Invitations: admins invite by mail; the invited make an account with the link, once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from kwai_api.core.accounts import EmailInUse, InvalidEmail, UserError, WeakPassword, create_user
from kwai_api.core.clock import system_clock
from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_api.demo import ADMIN_EMAIL

INVITATIONS = "/api/v1/auth/users/invitations"
ACCOUNTS = "/api/v1/auth/users"
UNKNOWN = "8a4f6f8e-3a7b-4a9e-9f7e-0d1c2b3a4f5e"


def invitation_document(email: Any = "Jane@Example.org", **attributes: Any) -> dict[str, Any]:
    values = {"email": email, "first_name": "Jane", "last_name": "Doe", "remark": "new coach"}
    values.update(attributes)
    return {"data": {"type": "user_invitations", "attributes": values}}


def invite(client: TestClient, admin: dict[str, str], **attributes: Any) -> Any:
    return client.post(INVITATIONS, headers=admin, json=invitation_document(**attributes))


def account_document(invitation: str, password: str = "jane's password") -> dict[str, Any]:
    return {
        "data": {
            "type": "user_accounts",
            "attributes": {"first_name": "Jane", "last_name": "Doe", "password": password},
            "relationships": {
                "user_invitation": {"data": {"type": "user_invitations", "id": invitation}}
            },
        }
    }


def invited(client: TestClient, admin: dict[str, str]) -> str:
    """The uuid of a fresh invitation of Jane."""
    response = invite(client, admin)
    assert response.status_code == 201, response.text
    result: str = response.json()["data"]["id"]
    return result


def errors(response: Any) -> dict[str, Any]:
    result: dict[str, Any] = response.json()["errors"][0]
    return result


def assert_refused(response: Any, reason: str) -> None:
    """The response is a 422 whose detail says `reason`."""
    assert response.status_code == 422, response.text
    assert reason in errors(response)["detail"]


# --- creating and reading


def test_an_admin_invites_and_the_mail_is_queued(
    client: TestClient, admin: dict[str, str], db: Database, settings: Settings
) -> None:
    response = invite(client, admin)
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["type"] == "user_invitations"
    attributes = data["attributes"]
    assert set(attributes) == {
        "email",
        "first_name",
        "last_name",
        "remark",
        "expired_at",
        "confirmed_at",
        "mailed_at",
        "created_at",
        "updated_at",
    }
    assert attributes["email"] == "jane@example.org"
    assert attributes["confirmed_at"] is None
    assert attributes["mailed_at"] is None  # set when the mail server takes the mail
    row = db.fetchone("SELECT * FROM user_invitations WHERE uuid = ?", [data["id"]])
    assert row is not None
    assert row["expired_at"] - row["created_at"] == timedelta(
        days=settings.security.invitation_days
    )
    assert row["invited_by"] == db.fetchvalue("SELECT id FROM users WHERE email = ?", [ADMIN_EMAIL])
    mail = db.fetchone("SELECT * FROM mails")
    assert mail is not None
    assert mail["recipient"] == "jane@example.org"
    assert mail["recipient_name"] == "Jane Doe"
    assert f"{settings.site.url}/auth/invite/?uuid={data['id']}" in mail["text_body"]
    assert "Jane" in mail["text_body"]
    fetched = client.get(f"{INVITATIONS}/{data['id']}", headers=admin)
    assert fetched.status_code == 200
    assert fetched.json()["data"] == data


def test_the_mail_follows_the_invitations_language(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    nl = invite(client, admin, email="an@example.org")
    en = invite(client, admin, email="bo@example.org", language="en")
    assert nl.status_code == en.status_code == 201
    subjects = db.fetchall("SELECT recipient, subject FROM mails ORDER BY recipient")
    assert subjects[0]["subject"] != subjects[1]["subject"]


def test_no_invitation_for_an_existing_user_or_a_pending_address(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    existing = invite(client, admin, email=ADMIN_EMAIL.upper())
    assert existing.status_code == 422
    assert errors(existing)["source"] == {"pointer": "/data/attributes/email"}
    assert invite(client, admin).status_code == 201
    pending = invite(client, admin, email="JANE@example.org")
    assert_refused(pending, "pending")
    db.execute("UPDATE user_invitations SET expired_at = ?", [system_clock() - timedelta(days=1)])
    assert invite(client, admin).status_code == 201  # the old one expired
    assert db.fetchvalue("SELECT count(*) FROM mails") == 2


INVALID_INVITATIONS = [
    (invitation_document(email=None), 422, "/data/attributes/email"),
    (invitation_document(email="not an address"), 422, "/data/attributes/email"),
    (invitation_document(email=42), 422, "/data/attributes/email"),
    (invitation_document(first_name="  "), 422, "/data/attributes/first_name"),
    (invitation_document(last_name=None), 422, "/data/attributes/last_name"),
    (invitation_document(language="xx"), 422, "/data/attributes/language"),
    ({"data": {"type": "news_items", "attributes": {}}}, 409, "/data/type"),
    ({"data": []}, 422, "/data"),
    ([1, 2], 422, "/data"),
    ({"data": {"attributes": "email"}}, 422, "/data/attributes"),
]


def test_invalid_invitations_are_refused(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    for document, status, pointer in INVALID_INVITATIONS:
        response = client.post(INVITATIONS, headers=admin, json=document)
        assert response.status_code == status, document
        assert errors(response)["source"] == {"pointer": pointer}, document
    assert db.fetchvalue("SELECT count(*) FROM user_invitations") == 0


def test_bodies_that_are_no_documents_are_refused(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    not_json = client.post(
        INVITATIONS, headers={**admin, "Content-Type": "application/json"}, content=b"{nope"
    )
    assert not_json.status_code == 400
    as_form = client.post(INVITATIONS, headers=admin, data={"email": "jane@example.org"})
    assert as_form.status_code == 415
    assert db.fetchvalue("SELECT count(*) FROM user_invitations") == 0


def test_the_list_pages_and_leaves_out_withdrawn_invitations(
    client: TestClient, admin: dict[str, str]
) -> None:
    first = invited(client, admin)
    second = invite(client, admin, email="bo@example.org").json()["data"]["id"]
    withdrawn = invite(client, admin, email="cy@example.org").json()["data"]["id"]
    assert client.delete(f"{INVITATIONS}/{withdrawn}", headers=admin).status_code == 204
    everything = client.get(INVITATIONS, headers=admin).json()
    assert everything["meta"] == {"count": 2, "offset": 0, "limit": None}
    assert {item["id"] for item in everything["data"]} == {first, second}
    one = client.get(INVITATIONS, headers=admin, params={"page[limit]": "1", "page[offset]": "1"})
    assert one.json()["meta"] == {"count": 2, "offset": 1, "limit": 1}
    assert len(one.json()["data"]) == 1
    bad = client.get(INVITATIONS, headers=admin, params={"page[limit]": "-1"})
    assert bad.status_code == 400
    assert errors(bad)["source"] == {"parameter": "page[limit]"}


def test_unknown_and_malformed_uuids_are_not_found(
    client: TestClient, admin: dict[str, str]
) -> None:
    for uuid in (UNKNOWN, "42", "not-a-uuid", "%00"):
        for method in ("GET", "DELETE", "POST"):
            response = client.request(method, f"{INVITATIONS}/{uuid}", headers=admin)
            assert response.status_code == 404, (method, uuid)


# --- who may


def test_only_admins_manage_invitations(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    uuid = invited(client, admin)
    create_user(db, "coach@kwai.example", "Co", "Ach", "coach-password")
    login = client.post(
        "/api/v1/auth/login", data={"username": "coach@kwai.example", "password": "coach-password"}
    )
    coach = {"Authorization": f"Bearer {login.json()['access_token']}"}
    calls = [
        ("GET", INVITATIONS, None),
        ("POST", INVITATIONS, invitation_document("x@y.org")),
        ("GET", f"{INVITATIONS}/{uuid}", None),
        ("DELETE", f"{INVITATIONS}/{uuid}", None),
        ("POST", f"{INVITATIONS}/{uuid}", None),
    ]
    for method, path, body in calls:
        assert client.request(method, path, headers=coach, json=body).status_code == 403
        assert client.request(method, path, json=body).status_code == 401
    assert db.fetchvalue("SELECT count(*) FROM user_invitations WHERE NOT revoked") == 1


# --- withdrawing and re-sending


def test_a_withdrawn_invitation_cannot_be_used(client: TestClient, admin: dict[str, str]) -> None:
    uuid = invited(client, admin)
    assert client.delete(f"{INVITATIONS}/{uuid}", headers=admin).status_code == 204
    assert client.get(f"{INVITATIONS}/{uuid}", headers=admin).status_code == 404
    assert client.delete(f"{INVITATIONS}/{uuid}", headers=admin).status_code == 404
    response = client.post(ACCOUNTS, json=account_document(uuid))
    assert_refused(response, "withdrawn")
    assert invite(client, admin).status_code == 201  # the address is free again


def test_resending_gives_a_new_link_and_expiry(
    client: TestClient, admin: dict[str, str], db: Database, settings: Settings
) -> None:
    old = invited(client, admin)
    db.execute("UPDATE user_invitations SET expired_at = ?", [system_clock() - timedelta(days=1)])
    response = client.post(f"{INVITATIONS}/{old}", headers=admin)
    assert response.status_code == 200
    new = response.json()["data"]
    assert new["id"] != old
    row = db.fetchone("SELECT * FROM user_invitations")
    assert row is not None
    assert row["expired_at"] - row["updated_at"] == timedelta(
        days=settings.security.invitation_days
    )
    assert row["mailed_at"] is None  # the new link is not mailed yet
    mails = db.fetchall("SELECT text_body FROM mails ORDER BY id")
    assert len(mails) == 2
    assert f"uuid={new['id']}" in mails[1]["text_body"]
    assert client.get(f"{INVITATIONS}/{old}", headers=admin).status_code == 404
    assert client.post(ACCOUNTS, json=account_document(old)).status_code == 404
    assert client.post(ACCOUNTS, json=account_document(new["id"])).status_code == 201
    again = client.post(f"{INVITATIONS}/{new['id']}", headers=admin)
    assert again.status_code == 422  # accepted invitations are not sent again


# --- accepting


def test_accepting_makes_an_account_that_logs_in(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    uuid = invited(client, admin)
    response = client.post(ACCOUNTS, json=account_document(uuid))
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["type"] == "user_accounts"
    user = db.fetchone("SELECT * FROM users WHERE email = 'jane@example.org'")
    assert user is not None
    assert data["id"] == user["uuid"]
    assert data["attributes"]["email"] == "jane@example.org"
    assert (user["first_name"], user["last_name"], user["admin"]) == ("Jane", "Doe", False)
    confirmed = db.fetchvalue("SELECT confirmed_at FROM user_invitations WHERE uuid = ?", [uuid])
    assert confirmed is not None
    login = client.post(
        "/api/v1/auth/login", data={"username": "jane@example.org", "password": "jane's password"}
    )
    assert login.status_code == 200
    again = client.post(ACCOUNTS, json=account_document(uuid, password="another password"))
    assert_refused(again, "used")
    assert db.fetchvalue("SELECT count(*) FROM users WHERE email = 'jane@example.org'") == 1


def test_an_expired_invitation_cannot_be_accepted(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    uuid = invited(client, admin)
    past = system_clock() - timedelta(seconds=1)
    db.execute("UPDATE user_invitations SET expired_at = ?", [past])
    response = client.post(ACCOUNTS, json=account_document(uuid))
    assert_refused(response, "expired")
    assert db.fetchvalue("SELECT count(*) FROM users WHERE email = 'jane@example.org'") == 0


def test_a_weak_password_is_refused_without_spending_the_invitation(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    uuid = invited(client, admin)
    weak = client.post(ACCOUNTS, json=account_document(uuid, password="short"))
    assert weak.status_code == 422
    assert errors(weak)["source"] == {"pointer": "/data/attributes/password"}
    assert db.fetchvalue("SELECT confirmed_at FROM user_invitations") is None
    assert client.post(ACCOUNTS, json=account_document(uuid)).status_code == 201


def test_accepting_refuses_bad_documents(client: TestClient, admin: dict[str, str]) -> None:
    uuid = invited(client, admin)
    unknown = client.post(ACCOUNTS, json=account_document(UNKNOWN))
    assert unknown.status_code == 404
    assert client.post(ACCOUNTS, json=account_document("not-a-uuid")).status_code == 404
    no_link = account_document(uuid)
    del no_link["data"]["relationships"]
    assert errors(client.post(ACCOUNTS, json=no_link))["source"] == {
        "pointer": "/data/relationships/user_invitation"
    }
    links: list[Any] = [
        {"data": None},
        {"data": {"type": "user_invitations"}},
        {"data": "x"},
        {"data": {"type": "news_items", "id": uuid}},
        [1],
        "x",
        None,
    ]
    for link in links:
        document = account_document(uuid)
        document["data"]["relationships"]["user_invitation"] = link
        response = client.post(ACCOUNTS, json=document)
        assert response.status_code == 422, link
    bodies: list[Any] = [[1], "x", {"data": None}, {"data": {"attributes": []}}]
    for body in bodies:
        assert client.post(ACCOUNTS, json=body).status_code == 422, body
    missing_name = account_document(uuid)
    del missing_name["data"]["attributes"]["first_name"]
    response = client.post(ACCOUNTS, json=missing_name)
    assert errors(response)["source"] == {"pointer": "/data/attributes/first_name"}
    wrong_type = account_document(uuid)
    wrong_type["data"]["type"] = "users"
    assert client.post(ACCOUNTS, json=wrong_type).status_code == 409
    numeric_password = account_document(uuid)
    numeric_password["data"]["attributes"]["password"] = 12345678
    assert client.post(ACCOUNTS, json=numeric_password).status_code == 422
    assert client.post(ACCOUNTS, json=account_document(uuid)).status_code == 201


# --- the command line's create_user


def test_create_user_stores_a_user_that_can_log_in(client: TestClient, db: Database) -> None:
    user = create_user(db, " Coach@Kwai.Example ", "Co", "Ach", "coach-password", admin=True)
    assert (user["email"], user["admin"]) == ("coach@kwai.example", True)
    login = client.post(
        "/api/v1/auth/login", data={"username": "coach@kwai.example", "password": "coach-password"}
    )
    assert login.status_code == 200


@pytest.mark.parametrize(
    ("email", "password", "error"),
    [
        (ADMIN_EMAIL.upper(), "long enough", EmailInUse),
        ("coach@kwai.example", "short", WeakPassword),
        ("not an address", "long enough", InvalidEmail),
    ],
)
def test_create_user_says_why_it_cannot(
    db: Database, email: str, password: str, error: type[UserError]
) -> None:
    with pytest.raises(error) as raised:
        create_user(db, email, "Co", "Ach", password)
    assert isinstance(raised.value, ValueError) and str(raised.value)
    assert db.fetchvalue("SELECT count(*) FROM users") == 1
