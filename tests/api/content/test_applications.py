"""/portal/applications: list and read the club's sections, edit one with a token."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from kwai_api.core.database import Database
from kwai_api.demo import APPLICATIONS
from kwai_api.server.app import create_app
from tests.conftest import Builds, app_id, make_settings

URL = "/api/v1/portal/applications"


pytestmark = pytest.mark.usefixtures("builds")  # every request at NOW, rebuilds counted


def texts(db: Database, application_id: int) -> dict[str, dict[str, Any]]:
    rows = db.fetchall("SELECT * FROM application_texts WHERE application_id = ?", [application_id])
    return {r["locale"]: r for r in rows}


def test_lists_every_application_by_weight_in_the_default_locale(
    client: TestClient, db: Database
) -> None:
    response = client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["meta"] == {"count": len(APPLICATIONS), "offset": 0, "limit": None}
    assert [a["attributes"]["name"] for a in body["data"]] == [a[0] for a in APPLICATIONS]
    first = body["data"][0]
    row = db.fetchone("SELECT * FROM applications WHERE name = 'club'")
    assert row is not None
    assert first["type"] == "applications"
    assert first["id"] == str(row["id"])
    assert first["attributes"] == {
        "name": "club",
        "title": "De club",
        "short_description": "Wie we zijn en waar je ons vindt",
        "description": texts(db, row["id"])["nl"]["description"],
        "remark": None,  # the staff's note is not for the public
        "news": True,
        "pages": True,
        "events": False,
        "weight": 1,
        "texts": [
            {
                "locale": "nl",
                "format": "md",
                "title": "De club",
                "summary": "Wie we zijn en waar je ons vindt",
                "content": "**De club**: Wie we zijn en waar je ons vindt.",
                "html_summary": "<p>Wie we zijn en waar je ons vindt</p>",
                "html_content": (
                    "<p><strong>De club</strong>: Wie we zijn en waar je ons vindt.</p>"
                ),
            },
            {
                "locale": "en",
                "format": "md",
                "title": "The club",
                "summary": "Who we are and where to find us",
                "content": "**The club**: Who we are and where to find us.",
                "html_summary": "<p>Who we are and where to find us</p>",
                "html_content": (
                    "<p><strong>The club</strong>: Who we are and where to find us.</p>"
                ),
            },
        ],
        "created_at": row["created_at"].strftime("%Y-%m-%d %H:%M:%S"),
        "updated_at": None,
    }


def test_the_order_follows_the_weight(client: TestClient, db: Database) -> None:
    db.execute("UPDATE applications SET weight = 0 WHERE name = 'events'")

    names = [a["attributes"]["name"] for a in client.get(URL).json()["data"]]

    assert names[0] == "events"


def test_falls_back_to_another_locale_when_the_default_one_is_missing(
    client: TestClient, db: Database
) -> None:
    judo = app_id(db, "judo")
    db.execute("DELETE FROM application_texts WHERE application_id = ? AND locale = 'nl'", [judo])

    attributes = client.get(f"{URL}/{judo}").json()["data"]["attributes"]

    assert attributes["short_description"] == "The sport, the grades and the rules"


@pytest.fixture
def english_client(tmp_path: Path, db: Database) -> Iterator[TestClient]:
    """The same club with English as its default language."""
    settings = make_settings(tmp_path, KWAI_SITE_LANGUAGES="en,nl")
    with TestClient(create_app(settings, db=db, scheduler=False)) as english:
        yield english


def test_the_default_locale_is_the_first_of_the_club_languages(
    english_client: TestClient,
) -> None:
    titles = [a["attributes"]["title"] for a in english_client.get(URL).json()["data"]]

    assert titles[0] == "The club"


def test_gets_one_application(client: TestClient, db: Database) -> None:
    events = app_id(db, "events")

    response = client.get(f"{URL}/{events}")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["id"] == str(events)
    assert data["attributes"]["title"] == "Activiteiten"
    assert data["attributes"]["events"] is True


@pytest.mark.parametrize("key", ["999", "abc", "-1", "1.0", "99999999999999999999"])
def test_an_unknown_application_is_a_404(client: TestClient, key: str) -> None:
    response = client.get(f"{URL}/{key}")

    assert response.status_code == 404
    assert response.json()["errors"][0]["status"] == "404"


def patch(
    client: TestClient,
    application_id: int,
    attributes: dict[str, Any],
    headers: dict[str, str],
    **data: Any,
) -> Any:
    doc = {
        "data": {
            "type": "applications",
            "id": str(application_id),
            "attributes": attributes,
            **data,
        }
    }
    return client.patch(f"{URL}/{application_id}", json=doc, headers=headers)


def test_patch_edits_the_default_locale_and_the_application(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    judo = app_id(db, "judo")
    english = texts(db, judo)["en"]

    response = patch(
        client,
        judo,
        {
            "title": "Judo in Kemzeke",
            "short_description": "Kort",
            "description": "<p>Lang</p>",
            "remark": "edited",
            "news": False,
            "events": True,
            "weight": 9,
        },
        admin,
    )

    assert response.status_code == 200, response.text
    attributes = response.json()["data"]["attributes"]
    assert attributes["title"] == "Judo in Kemzeke"
    assert attributes["weight"] == 9
    assert attributes["updated_at"] == "2026-11-26 12:00:00"
    stored = texts(db, judo)
    assert (
        stored["nl"]["title"],
        stored["nl"]["short_description"],
        stored["nl"]["description"],
    ) == ("Judo in Kemzeke", "Kort", "<p>Lang</p>")
    assert stored["en"] == english
    row = db.fetchone("SELECT * FROM applications WHERE id = ?", [judo])
    assert row is not None
    assert (row["remark"], row["news"], row["pages"], row["events"], row["weight"]) == (
        "edited",
        False,
        True,
        True,
        9,
    )
    assert builds.changes == 1


def test_patch_changes_only_what_is_sent(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    club = app_id(db, "club")
    before = texts(db, club)["nl"]

    response = patch(client, club, {"short_description": "Nieuw"}, admin)

    assert response.status_code == 200
    after = texts(db, club)["nl"]
    assert after == {**before, "short_description": "Nieuw"}
    assert db.fetchvalue("SELECT weight FROM applications WHERE id = ?", [club]) == 1


def test_patch_creates_the_default_locale_text_from_the_fallback(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    judo = app_id(db, "judo")
    db.execute("DELETE FROM application_texts WHERE application_id = ? AND locale = 'nl'", [judo])

    response = patch(client, judo, {"description": "Beschrijving"}, admin)

    assert response.status_code == 200
    assert texts(db, judo)["nl"]["title"] == "Judo"
    assert texts(db, judo)["nl"]["short_description"] == "The sport, the grades and the rules"
    assert texts(db, judo)["nl"]["description"] == "Beschrijving"


def test_patch_renames_the_application(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    judo = app_id(db, "judo")

    response = patch(client, judo, {"name": "judo-sport"}, admin)

    assert response.status_code == 200
    assert db.fetchvalue("SELECT name FROM applications WHERE id = ?", [judo]) == "judo-sport"


def test_patch_to_a_taken_name_is_a_409(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    response = patch(client, app_id(db, "judo"), {"name": "club"}, admin)

    assert response.status_code == 409
    assert response.json()["errors"][0]["source"] == {"pointer": "/data/attributes/name"}


@pytest.mark.parametrize(
    ("attributes", "field"),
    [
        ({"name": "Not A Slug"}, "name"),
        ({"name": ""}, "name"),
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"title": 5}, "title"),
        ({"weight": "heavy"}, "weight"),
        ({"weight": 2**40}, "weight"),
        ({"weight": "²"}, "weight"),
        ({"weight": None}, "weight"),
        ({"news": "maybe"}, "news"),
        ({"remark": ["a"]}, "remark"),
    ],
)
def test_patch_with_a_bad_attribute_is_a_422_naming_it(
    client: TestClient,
    db: Database,
    admin: dict[str, str],
    builds: Builds,
    attributes: dict[str, Any],
    field: str,
) -> None:
    club = app_id(db, "club")
    before = db.fetchall("SELECT * FROM application_texts ORDER BY ALL")

    response = patch(client, club, attributes, admin)

    assert response.status_code == 422
    assert response.json()["errors"][0]["source"] == {"pointer": f"/data/attributes/{field}"}
    assert db.fetchall("SELECT * FROM application_texts ORDER BY ALL") == before
    assert builds.changes == 0


def test_patch_without_a_token_is_a_401(client: TestClient, db: Database) -> None:
    response = patch(client, app_id(db, "club"), {"title": "X"}, {})

    assert response.status_code == 401
    assert texts(db, app_id(db, "club"))["nl"]["title"] == "De club"


def test_patch_with_a_bad_token_is_a_401(client: TestClient, db: Database) -> None:
    response = patch(
        client, app_id(db, "club"), {"title": "X"}, {"Authorization": "Bearer not-a-token"}
    )

    assert response.status_code == 401


def test_patch_of_an_unknown_application_is_a_404(
    client: TestClient, admin: dict[str, str]
) -> None:
    response = client.patch(
        f"{URL}/999", json={"data": {"attributes": {"title": "X"}}}, headers=admin
    )

    assert response.status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"type": "pages", "attributes": {"title": "X"}},
        {"type": "applications", "id": "2", "attributes": {"title": "X"}},
    ],
)
def test_patch_of_another_type_or_id_is_a_409(
    client: TestClient, db: Database, admin: dict[str, str], data: dict[str, Any]
) -> None:
    response = client.patch(f"{URL}/{app_id(db, 'club')}", json={"data": data}, headers=admin)

    assert response.status_code == 409


def test_patch_accepts_a_document_without_content_type(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    club = app_id(db, "club")
    body = json.dumps({"data": {"attributes": {"title": "Onze club"}}})

    response = client.patch(f"{URL}/{club}", content=body, headers=admin)

    assert response.status_code == 200
    assert texts(db, club)["nl"]["title"] == "Onze club"


@pytest.mark.parametrize(
    ("content", "headers", "status"),
    [
        ("title=X", {"Content-Type": "application/x-www-form-urlencoded"}, 415),
        ("{not json", {}, 400),
        ('{"data": [1]}', {}, 422),
        ('{"data": {"attributes": "title"}}', {}, 422),
        ('{"data": {"attributes": {"title": "\\ud800"}}}', {}, 400),
        ("[" * 100_000 + "]" * 100_000, {}, 400),
    ],
)
def test_patch_with_a_malformed_body_is_a_4xx(
    client: TestClient,
    db: Database,
    admin: dict[str, str],
    content: str,
    headers: dict[str, str],
    status: int,
) -> None:
    response = client.patch(
        f"{URL}/{app_id(db, 'club')}", content=content, headers={**admin, **headers}
    )

    assert response.status_code == status
    assert response.json()["errors"][0]["status"] == str(status)
