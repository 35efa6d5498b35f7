"""Creating, editing in every language and deleting applications through /portal/applications."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from kwai_api.core.accounts import create_user
from kwai_api.core.database import Database
from tests.conftest import Builds, app_id

URL = "/api/v1/portal/applications"

pytestmark = pytest.mark.usefixtures("builds")


def application(attributes: dict[str, Any], **data: Any) -> dict[str, Any]:
    return {"data": {"type": "applications", "attributes": attributes, **data}}


NEW = {
    "name": "jeugdwerking",
    "title": "Jeugdwerking",
    "short_description": "Voor **jonge** judoka's",
    "description": "Elke *woensdag*.<script>alert(1)</script>",
    "texts": [
        {
            "locale": "en",
            "title": "Youth",
            "summary": "For young judoka",
            "content": "Every **Wednesday**.",
        }
    ],
    "news": True,
    "pages": False,
    "events": True,
    "weight": 9,
    "remark": "new",
}


def user_token(client: TestClient, db: Database) -> dict[str, str]:
    """Headers of a user who is not an admin."""
    create_user(db, "editor@example.org", "Eddy", "Tor", "long enough password")
    login = client.post(
        "/api/v1/auth/login",
        data={"username": "editor@example.org", "password": "long enough password"},
    )
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def test_an_admin_creates_an_application_in_every_language(
    client: TestClient, admin: dict[str, str], db: Database, builds: Builds
) -> None:
    response = client.post(URL, headers=admin, json=application(NEW))

    assert response.status_code == 201, response.text
    created = response.json()["data"]
    attributes = created["attributes"]
    assert attributes["name"] == "jeugdwerking"
    assert attributes["title"] == "Jeugdwerking"
    assert attributes["description"] == NEW["description"]  # the source, as stored
    assert (attributes["news"], attributes["pages"], attributes["events"]) == (True, False, True)
    assert attributes["weight"] == 9 and attributes["remark"] == "new"
    nl, en = attributes["texts"]
    assert nl["locale"] == "nl" and nl["summary"] == "Voor **jonge** judoka's"
    assert nl["html_summary"] == "<p>Voor <strong>jonge</strong> judoka's</p>"
    assert nl["html_content"] == "<p>Elke <em>woensdag</em>.</p>"  # the script is gone
    assert en == {
        "locale": "en",
        "format": "md",
        "title": "Youth",
        "summary": "For young judoka",
        "content": "Every **Wednesday**.",
        "html_summary": "<p>For young judoka</p>",
        "html_content": "<p>Every <strong>Wednesday</strong>.</p>",
    }
    stored = db.fetchall(
        "SELECT locale, title FROM application_texts WHERE application_id = ? ORDER BY locale",
        [int(created["id"])],
    )
    assert stored == [{"locale": "en", "title": "Youth"}, {"locale": "nl", "title": "Jeugdwerking"}]
    assert builds.changes == 1


def test_patch_edits_another_language(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    judo = app_id(db, "judo")

    response = client.patch(
        f"{URL}/{judo}",
        headers=admin,
        json=application(
            {"texts": [{"locale": "en", "title": "Judo!", "summary": "s", "content": "**c**"}]},
            id=str(judo),
        ),
    )

    assert response.status_code == 200, response.text
    attributes = response.json()["data"]["attributes"]
    assert attributes["title"] == "Judo"  # the default language's, untouched
    assert attributes["texts"][1]["title"] == "Judo!"
    assert attributes["texts"][1]["html_content"] == "<p><strong>c</strong></p>"
    row = db.fetchone(
        "SELECT title, description FROM application_texts"
        " WHERE application_id = ? AND locale = 'en'",
        [judo],
    )
    assert row == {"title": "Judo!", "description": "**c**"}


def test_only_an_admin_creates_or_deletes(client: TestClient, db: Database) -> None:
    editor = user_token(client, db)

    assert client.post(URL, headers=editor, json=application(NEW)).status_code == 403
    assert client.delete(f"{URL}/{app_id(db, 'judo')}", headers=editor).status_code == 403
    assert client.post(URL, json=application(NEW)).status_code == 401


@pytest.mark.parametrize(
    ("attributes", "status", "pointer"),
    [
        ({"title": "T"}, 422, "/data/attributes/name"),
        ({"name": "Not A Slug", "title": "T"}, 422, "/data/attributes/name"),
        ({"name": "judo", "title": "T"}, 409, "/data/attributes/name"),
        ({"name": "x"}, 422, "/data/attributes/title"),
        ({"name": "x", "title": "  "}, 422, "/data/attributes/title"),
        ({"name": "x", "title": "T", "weight": 2**40}, 422, "/data/attributes/weight"),
        ({"name": "x", "title": "T", "news": "yes"}, 422, "/data/attributes/news"),
        (
            {"name": "x", "texts": [{"locale": "fr", "title": "T"}]},
            422,
            "/data/attributes/texts/0/locale",
        ),
        ({"name": "x", "texts": [{"locale": "en"}]}, 422, "/data/attributes/texts/0/title"),
        (
            {"name": "x", "texts": [{"locale": "en", "title": "T", "format": "doc"}]},
            422,
            "/data/attributes/texts/0/format",
        ),
    ],
)
def test_bad_documents_point_at_the_field(
    client: TestClient,
    admin: dict[str, str],
    attributes: dict[str, Any],
    status: int,
    pointer: str,
) -> None:
    response = client.post(URL, headers=admin, json=application(attributes))

    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["source"] == {"pointer": pointer}


def test_delete_refuses_while_stories_or_pages_use_it(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    judo = app_id(db, "judo")
    stories = db.fetchvalue("SELECT count(*) FROM news_stories WHERE application_id = ?", [judo])

    response = client.delete(f"{URL}/{judo}", headers=admin)

    assert response.status_code == 409
    assert f"{stories} stories, 2 pages and 0 events" in response.json()["detail"]
    assert client.get(f"{URL}/{judo}").status_code == 200


def test_deletes_an_unused_application(
    client: TestClient, admin: dict[str, str], db: Database, builds: Builds
) -> None:
    created = client.post(URL, headers=admin, json=application(NEW)).json()["data"]

    assert client.delete(f"{URL}/{created['id']}", headers=admin).status_code == 204
    assert client.get(f"{URL}/{created['id']}").status_code == 404
    assert (
        db.fetchvalue(
            "SELECT count(*) FROM application_texts WHERE application_id = ?", [int(created["id"])]
        )
        == 0
    )
    assert client.delete(f"{URL}/{created['id']}", headers=admin).status_code == 404
    assert builds.changes == 2
