"""/pages: an application's pages (anonymous callers see enabled ones only), and their edits."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from kwai_api.core.database import Database, Row
from kwai_api.core.slugs import slugify
from tests.conftest import NOW, Builds, app_id, ids

URL = "/api/v1/pages"
ATTRIBUTES = "/data/attributes"
APPLICATION = "/data/relationships/application"


pytestmark = pytest.mark.usefixtures("builds")  # every request at NOW, rebuilds counted


def pages(db: Database, keep: Any = lambda row: True) -> list[str]:
    """The ids of the pages `keep` selects, by application weight then priority (highest first)."""
    weights = {r["id"]: r["weight"] for r in db.fetchall("SELECT id, weight FROM applications")}
    rows = [r for r in db.fetchall("SELECT * FROM pages") if keep(r)]
    rows.sort(key=lambda r: (weights[r["application_id"]], -r["priority"], r["id"]))
    return [str(r["id"]) for r in rows]


def page_texts(db: Database, page_id: int) -> dict[str, Row]:
    rows = db.fetchall("SELECT * FROM page_texts WHERE page_id = ?", [page_id])
    return {r["locale"]: r for r in rows}


@pytest.fixture
def disabled(db: Database) -> str:
    """A page switched off; the public must not see it."""
    page = pages(db)[1]
    db.execute("UPDATE pages SET enabled = false WHERE id = ?", [int(page)])
    return page


# -- reading -------------------------------------------------------------------------------


def test_lists_enabled_pages_by_application_then_priority(
    client: TestClient, db: Database, disabled: str
) -> None:
    expected = pages(db, lambda r: r["enabled"])
    assert disabled not in expected

    response = client.get(URL)

    assert ids(response) == expected
    assert response.json()["meta"] == {"count": len(expected), "offset": 0, "limit": None}


def test_priority_orders_the_pages_of_an_application(client: TestClient, db: Database) -> None:
    club = app_id(db, "club")
    low = db.fetchvalue(
        "SELECT id FROM pages WHERE application_id = ? ORDER BY priority LIMIT 1", [club]
    )
    db.execute("UPDATE pages SET priority = 50 WHERE id = ?", [low])

    assert ids(client.get(URL))[0] == str(low)


def test_an_authenticated_user_gets_every_page(
    client: TestClient, db: Database, admin: dict[str, str], disabled: str
) -> None:
    assert ids(client.get(URL, headers=admin)) == pages(db)


def test_pages_through_with_offset_and_limit(client: TestClient, db: Database) -> None:
    body = client.get(URL, params={"page[offset]": "2", "page[limit]": "3"}).json()

    assert [item["id"] for item in body["data"]] == pages(db)[2:5]
    assert body["meta"] == {"count": len(pages(db)), "offset": 2, "limit": 3}


@pytest.mark.parametrize("key", ["name", "id"])
def test_filter_application(client: TestClient, db: Database, key: str) -> None:
    judo = db.fetchone("SELECT id, name FROM applications WHERE name = 'judo'")
    assert judo is not None
    expected = pages(db, lambda r: r["application_id"] == judo["id"])
    assert len(expected) == 2

    response = client.get(URL, params={"filter[application]": str(judo[key])})

    assert ids(response) == expected
    included = response.json()["included"]
    assert included == [
        {
            "type": "applications",
            "id": str(judo["id"]),
            "attributes": {"name": "judo", "title": "Judo"},
        }
    ]


def test_filter_enabled(
    client: TestClient, db: Database, admin: dict[str, str], disabled: str
) -> None:
    assert ids(client.get(URL, params={"filter[enabled]": "false"}, headers=admin)) == [disabled]
    assert ids(client.get(URL, params={"filter[enabled]": "false"})) == []


@pytest.mark.parametrize(
    ("params", "status", "name"),
    [
        ({"filter[application]": "nope"}, 404, "filter[application]"),
        ({"filter[enabled]": "perhaps"}, 400, "filter[enabled]"),
        ({"page[limit]": "-1"}, 400, "page[limit]"),
    ],
)
def test_a_bad_query_parameter_is_a_4xx_naming_it(
    client: TestClient, params: dict[str, str], status: int, name: str
) -> None:
    response = client.get(URL, params=params)

    assert response.status_code == status
    assert response.json()["errors"][0]["source"] == {"parameter": name}


def test_get_one_page_with_texts_and_application(client: TestClient, db: Database) -> None:
    page = int(pages(db)[0])
    row = db.fetchone("SELECT * FROM pages WHERE id = ?", [page])
    assert row is not None
    texts = page_texts(db, page)

    response = client.get(f"{URL}/{page}")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["type"] == "pages"
    assert data["attributes"]["priority"] == row["priority"]
    assert [t["locale"] for t in data["attributes"]["texts"]] == ["nl", "en"]
    assert data["attributes"]["texts"][1]["html_content"] == texts["en"]["html_content"]
    assert data["relationships"]["application"]["data"] == {
        "type": "applications",
        "id": str(row["application_id"]),
    }


def test_a_disabled_page_is_404_for_anonymous_callers_only(
    client: TestClient, admin: dict[str, str], disabled: str
) -> None:
    assert client.get(f"{URL}/{disabled}").status_code == 404
    assert client.get(f"{URL}/{disabled}", headers=admin).status_code == 200


@pytest.mark.parametrize("key", ["999", "x", "0x1"])
def test_an_unknown_page_is_a_404(client: TestClient, key: str) -> None:
    assert client.get(f"{URL}/{key}").status_code == 404


# -- writing -------------------------------------------------------------------------------


def new_page(db: Database, **attributes: Any) -> dict[str, Any]:
    """A valid pages document for the judo application, with attributes overridden."""
    return {
        "data": {
            "type": "pages",
            "attributes": {
                "enabled": True,
                "priority": 7,
                "remark": "new",
                "texts": [
                    {
                        "locale": "nl",
                        "format": "md",
                        "title": "Scheidsrechters",
                        "summary": "Wie leidt de *kamp*?",
                        "content": "Uitleg.",
                    }
                ],
                **attributes,
            },
            "relationships": {
                "application": {"data": {"type": "applications", "id": str(app_id(db, "judo"))}}
            },
        }
    }


def test_post_creates_a_page(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    response = client.post(URL, json=new_page(db), headers=admin)

    assert response.status_code == 201, response.text
    page = int(response.json()["data"]["id"])
    row = db.fetchone("SELECT * FROM pages WHERE id = ?", [page])
    assert row is not None
    assert (
        row["application_id"],
        row["enabled"],
        row["priority"],
        row["remark"],
        row["created_at"],
    ) == (app_id(db, "judo"), True, 7, "new", NOW)
    assert page_texts(db, page)["nl"]["html_summary"] == "<p>Wie leidt de <em>kamp</em>?</p>"
    assert response.json()["included"][0]["attributes"]["name"] == "judo"
    assert builds.changes == 1
    assert ids(client.get(URL, params={"filter[application]": "judo"}))[0] == str(page)


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"priority": "high"}, f"{ATTRIBUTES}/priority"),
        ({"priority": 2**31}, f"{ATTRIBUTES}/priority"),
        ({"enabled": None}, f"{ATTRIBUTES}/enabled"),
        ({"texts": []}, f"{ATTRIBUTES}/texts"),
        ({"texts": [{"locale": "de", "title": "Seite"}]}, f"{ATTRIBUTES}/texts/0/locale"),
        (
            {"texts": [{"locale": "en", "title": "Page", "format": "txt"}]},
            f"{ATTRIBUTES}/texts/0/format",
        ),
        ({"texts": [{"locale": "en", "title": " "}]}, f"{ATTRIBUTES}/texts/0/title"),
    ],
)
def test_post_with_a_bad_attribute_is_a_422_naming_it(
    client: TestClient,
    db: Database,
    admin: dict[str, str],
    builds: Builds,
    change: dict[str, Any],
    pointer: str,
) -> None:
    count = db.fetchvalue("SELECT count(*) FROM pages")

    response = client.post(URL, json=new_page(db, **change), headers=admin)

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["source"] == {"pointer": pointer}
    assert db.fetchvalue("SELECT count(*) FROM pages") == count
    assert builds.changes == 0


@pytest.mark.parametrize("application", [None, "999", "missing"])
def test_post_without_a_known_application_is_a_422(
    client: TestClient, db: Database, admin: dict[str, str], application: str | None
) -> None:
    doc = new_page(db)
    if application is None:
        del doc["data"]["relationships"]
    else:
        doc["data"]["relationships"]["application"]["data"]["id"] = application

    response = client.post(URL, json=doc, headers=admin)

    assert response.status_code == 422
    assert response.json()["errors"][0]["source"] == {"pointer": APPLICATION}


def test_post_to_an_application_without_pages_is_a_422(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    db.execute("UPDATE applications SET pages = false WHERE name = 'judo'")

    response = client.post(URL, json=new_page(db), headers=admin)

    assert response.status_code == 422
    assert response.json()["errors"][0]["source"] == {"pointer": APPLICATION}


def test_post_without_a_token_is_a_401(client: TestClient, db: Database) -> None:
    assert client.post(URL, json=new_page(db)).status_code == 401


def test_patch_changes_what_is_sent(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    page = int(pages(db)[0])
    before = db.fetchone("SELECT * FROM pages WHERE id = ?", [page])
    assert before is not None
    title = db.fetchvalue(
        "SELECT title FROM page_texts WHERE page_id = ? AND locale = 'nl'", [page]
    )

    response = client.patch(
        f"{URL}/{page}",
        json={
            "data": {
                "type": "pages",
                "id": str(page),
                "attributes": {"priority": -2, "texts": [{"locale": "en", "title": "Board only"}]},
                "relationships": {
                    "application": {"data": {"type": "applications", "id": "events"}}
                },
            }
        },
        headers=admin,
    )

    assert response.status_code == 200, response.text
    row = db.fetchone("SELECT * FROM pages WHERE id = ?", [page])
    assert row == {
        **before,
        "priority": -2,
        "application_id": app_id(db, "events"),
        "updated_at": NOW,
        "slug": slugify(title),
    }  # the address it had is kept
    assert list(page_texts(db, page)) == ["en"]
    assert response.json()["data"]["attributes"]["texts"][0]["title"] == "Board only"
    assert builds.changes == 1


@pytest.mark.parametrize(
    ("doc", "status"),
    [
        ({"data": {"attributes": {"priority": None}}}, 422),
        ({"data": {"type": "news_items", "attributes": {}}}, 409),
        ({"data": {"id": "1", "attributes": {}}}, 409),
        ({"data": {"relationships": {"application": {"data": None}}}}, 422),
    ],
)
def test_patch_with_a_bad_document_is_a_4xx(
    client: TestClient, db: Database, admin: dict[str, str], doc: dict[str, Any], status: int
) -> None:
    page = int(pages(db)[-1])
    before = db.fetchone("SELECT * FROM pages WHERE id = ?", [page])

    response = client.patch(f"{URL}/{page}", json=doc, headers=admin)

    assert response.status_code == status
    assert db.fetchone("SELECT * FROM pages WHERE id = ?", [page]) == before


def test_patch_of_an_unknown_page_is_a_404(client: TestClient, admin: dict[str, str]) -> None:
    response = client.patch(f"{URL}/999", json={"data": {"attributes": {}}}, headers=admin)

    assert response.status_code == 404


def test_delete_removes_the_page_and_its_texts(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    page = int(pages(db)[0])

    response = client.delete(f"{URL}/{page}", headers=admin)

    assert response.status_code == 204
    assert db.fetchvalue("SELECT count(*) FROM pages WHERE id = ?", [page]) == 0
    assert page_texts(db, page) == {}
    assert builds.changes == 1
    assert client.delete(f"{URL}/{page}", headers=admin).status_code == 404


def test_delete_without_a_token_is_a_401(client: TestClient, db: Database) -> None:
    page = int(pages(db)[0])

    assert client.delete(f"{URL}/{page}").status_code == 401
    assert db.fetchvalue("SELECT count(*) FROM pages WHERE id = ?", [page]) == 1
