"""POST /mails/dispatch and GET /mails: who may run the dispatcher and see the outbox."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from starlette.testclient import TestClient

from kwai_api.core.accounts import create_user
from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_api.mail.outbox import queue_mail
from tests.support.smtp import Mailbox, SmtpServer

# Queued long ago, so due whatever the clock says (the route runs the dispatcher at real time).
QUEUED = datetime(2020, 1, 6, 9, 0, 0)
MEMBER_PASSWORD = "a long member password 42"


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    """A real SMTP server on a free local port, stopped after the test."""
    with SmtpServer() as smtp:
        yield smtp


@pytest.fixture
def mailbox(server: SmtpServer) -> Mailbox:
    """What the test server received."""
    return server.mailbox


@pytest.fixture
def settings(settings: Settings, server: SmtpServer) -> Settings:
    """The app's settings, sending to the test server."""
    return replace(settings, email=replace(settings.email, port=server.port, timeout=5.0))


@pytest.fixture
def job(settings: Settings) -> dict[str, str]:
    """Headers of cron holding the local job secret."""
    return {"X-Kwai-Job-Secret": settings.security.job_secret}


@pytest.fixture
def member(client: TestClient, db: Database) -> dict[str, str]:
    """Headers of a logged-in member who is not an admin."""
    create_user(db, "member@kwai.example", "Lotte", "De Smet", MEMBER_PASSWORD)
    response = client.post(
        "/api/v1/auth/login", data={"username": "member@kwai.example", "password": MEMBER_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def queue(db: Database, settings: Settings, recipient: str, at: datetime = QUEUED) -> str:
    """Queue an invitation queued at `at`; return its uuid."""
    context = {
        "first_name": "Jan",
        "last_name": "Peeters",
        "valid_days": 7,
        "link": "http://127.0.0.1:8000/auth/invite/?uuid=1",
        "expires_at": at,
    }
    return db.write(
        lambda tx: queue_mail(
            tx, settings, "invitation", recipient, "Jan Peeters", "en", context, at
        )
    )


def test_job_secret_runs_the_dispatcher(
    client: TestClient, db: Database, settings: Settings, mailbox: Mailbox, job: dict[str, str]
) -> None:
    uuid = queue(db, settings, "jan@example.com")
    response = client.post("/api/v1/mails/dispatch", headers=job)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.api+json"
    assert response.json() == {"meta": {"sent": 1, "retry": 0, "dead": 0, "cancelled": 0}}
    assert [m["Message-ID"] for m in mailbox.messages] == [f"<{uuid}@example.org>"]
    assert db.fetchvalue("SELECT status FROM mails WHERE uuid = ?", [uuid]) == "sent"
    again = client.post("/api/v1/mails/dispatch", headers=job)
    assert again.json()["meta"] == {"sent": 0, "retry": 0, "dead": 0, "cancelled": 0}
    assert len(mailbox.messages) == 1


def test_admin_runs_the_dispatcher(
    client: TestClient,
    db: Database,
    settings: Settings,
    mailbox: Mailbox,
    admin: dict[str, str],
) -> None:
    queue(db, settings, "jan@example.com")
    mailbox.refuse.add("nobody@example.com")
    queue(db, settings, "nobody@example.com")
    response = client.post("/api/v1/mails/dispatch", headers=admin)
    assert response.status_code == 200, response.text
    assert response.json()["meta"] == {"sent": 1, "retry": 0, "dead": 1, "cancelled": 0}


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"X-Kwai-Job-Secret": "guessed"}, 401),
        ({"Authorization": "Bearer not-a-token"}, 401),
    ],
)
def test_dispatch_refuses_strangers(
    client: TestClient,
    db: Database,
    settings: Settings,
    mailbox: Mailbox,
    headers: dict[str, str],
    status: int,
) -> None:
    queue(db, settings, "jan@example.com")
    response = client.post("/api/v1/mails/dispatch", headers=headers)
    assert response.status_code == status
    assert response.json()["errors"][0]["status"] == str(status)
    assert mailbox.messages == []


def test_dispatch_refuses_members_who_are_not_admins(
    client: TestClient,
    db: Database,
    settings: Settings,
    mailbox: Mailbox,
    member: dict[str, str],
) -> None:
    queue(db, settings, "jan@example.com")
    assert client.post("/api/v1/mails/dispatch", headers=member).status_code == 403
    assert client.get("/api/v1/mails", headers=member).status_code == 403
    assert mailbox.messages == []


def test_admin_lists_the_outbox_and_finds_the_dead(
    client: TestClient,
    db: Database,
    settings: Settings,
    mailbox: Mailbox,
    job: dict[str, str],
    admin: dict[str, str],
) -> None:
    mailbox.refuse.add("nobody@example.com")
    dead = queue(db, settings, "nobody@example.com", QUEUED)
    sent = queue(db, settings, "jan@example.com", QUEUED + timedelta(minutes=1))
    client.post("/api/v1/mails/dispatch", headers=job)
    # queued far in the future: not due, so it stays in the queue
    waiting = queue(db, settings, "an@example.com", datetime(2999, 1, 1))

    everything = client.get("/api/v1/mails", headers=admin)
    assert everything.status_code == 200, everything.text
    body = everything.json()
    assert body["meta"] == {"count": 3, "offset": 0, "limit": None, "mail_server": "unknown"}
    assert [item["id"] for item in body["data"]] == [waiting, sent, dead]  # newest first
    assert {item["type"] for item in body["data"]} == {"mails"}

    only_dead = client.get("/api/v1/mails", params={"filter[status]": "dead"}, headers=admin)
    [item] = only_dead.json()["data"]
    assert only_dead.json()["meta"]["count"] == 1
    assert item["id"] == dead
    attributes = item["attributes"]
    # the route ran the dispatcher at the real time: the next attempt follows it
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", attributes.pop("next_attempt_at"))
    assert attributes == {
        "recipient": "nobody@example.com",
        "subject": "Invitation to the website of Judokwai Kemzeke",
        "status": "dead",
        "attempts": 1,
        "last_error": "550 5.1.1 No such user here",
        "sent_at": None,
        "created_at": "2020-01-06 09:00:00",
    }
    queued = client.get("/api/v1/mails?filter[status]=queued", headers=admin).json()
    assert [i["id"] for i in queued["data"]] == [waiting]
    assert queued["data"][0]["attributes"]["next_attempt_at"] == "2999-01-01 00:00:00"


def test_outbox_pages(
    client: TestClient, db: Database, settings: Settings, admin: dict[str, str]
) -> None:
    uuids = [
        queue(db, settings, f"m{n}@example.com", QUEUED + timedelta(minutes=n)) for n in range(3)
    ]
    response = client.get("/api/v1/mails?page[offset]=1&page[limit]=1", headers=admin)
    assert response.status_code == 200
    meta = response.json()["meta"]
    assert meta == {"count": 3, "offset": 1, "limit": 1, "mail_server": "unknown"}
    assert [item["id"] for item in response.json()["data"]] == [uuids[1]]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("filter[status]=lost", "filter[status]"),
        ("page[limit]=-1", "page[limit]"),
        ("page[offset]=two", "page[offset]"),
    ],
)
def test_outbox_bad_parameters_are_400(
    client: TestClient, admin: dict[str, str], query: str, parameter: str
) -> None:
    response = client.get(f"/api/v1/mails?{query}", headers=admin)
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"] == {"parameter": parameter}


def test_outbox_needs_a_login(client: TestClient) -> None:
    assert client.get("/api/v1/mails").status_code == 401


def test_openapi_describes_the_mail_routes(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/mails/dispatch"]["post"]["responses"]) == {"200", "401", "403", "503"}
    assert set(paths["/mails"]["get"]["responses"]) == {"200", "400", "401", "403"}
    names = {p["name"] for p in paths["/mails"]["get"]["parameters"]}
    assert names == {"filter[status]", "page[offset]", "page[limit]"}


def test_an_admin_retries_a_dead_mail(
    client: TestClient, db: Database, settings: Settings, admin: dict[str, str], mailbox: Mailbox
) -> None:
    uuid = queue(db, settings, "jan@example.com")
    db.execute("UPDATE mails SET status = 'dead', attempts = 8 WHERE uuid = ?", [uuid])
    answer = client.post(f"/api/v1/mails/{uuid}/retry", headers=admin)
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["attributes"]["status"] == "queued"
    assert answer.json()["data"]["attributes"]["attempts"] == 0
    again = client.post(f"/api/v1/mails/{uuid}/retry", headers=admin)
    assert again.status_code == 409
    assert client.post(f"/api/v1/mails/{uuid}/retry").status_code == 401
    unknown = "00000000-0000-0000-0000-000000000000"
    assert client.post(f"/api/v1/mails/{unknown}/retry", headers=admin).status_code == 404
    assert client.post("/api/v1/mails/dispatch", headers=admin).json()["meta"]["sent"] == 1
    assert len(mailbox.messages) == 1


def test_dispatch_answers_503_when_the_mail_server_is_down(
    client: TestClient,
    db: Database,
    settings: Settings,
    admin: dict[str, str],
    server: SmtpServer,
) -> None:
    server.stop()
    queue(db, settings, "jan@example.com")
    answer = client.post("/api/v1/mails/dispatch", headers=admin)
    assert answer.status_code == 503
    assert "cannot reach the mail server" in answer.json()["errors"][0]["detail"]
    assert db.fetchvalue("SELECT attempts FROM mails") == 1
