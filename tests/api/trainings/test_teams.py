"""/trainings/teams: list and read teams, and add, change and remove them with a token."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from kwai_api.core.database import Database
from tests.conftest import Builds

URL = "/api/v1/trainings/teams"

pytestmark = pytest.mark.usefixtures("builds")


def team(
    attributes: dict[str, Any], definitions: list[Any] | None = None, **data: Any
) -> dict[str, Any]:
    doc: dict[str, Any] = {"type": "teams", "attributes": attributes, **data}
    if definitions is not None:
        doc["relationships"] = {
            "definitions": {
                "data": [{"type": "training_definitions", "id": str(d)} for d in definitions]
            }
        }
    return {"data": doc}


def definitions_of(db: Database, team_id: int | str) -> list[int]:
    rows = db.fetchall(
        "SELECT id FROM training_definitions WHERE team_id = ? ORDER BY id", [int(team_id)]
    )
    return [row["id"] for row in rows]


def test_lists_teams_with_their_definitions(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    response = client.get(URL, params={"page[limit]": 2}, headers=admin)

    assert response.status_code == 200
    body = response.json()
    assert body["meta"] == {"count": 5, "offset": 0, "limit": 2}
    assert [t["attributes"]["name"] for t in body["data"]] == ["Competitie", "Jeugd"]
    youth = body["data"][1]
    assert youth["attributes"]["remark"] == "7 tot 14 jaar"
    assert [d["id"] for d in youth["relationships"]["definitions"]["data"]] == [
        str(d) for d in definitions_of(db, youth["id"])
    ]
    assert len(youth["relationships"]["definitions"]["data"]) == 2
    public = client.get(f"{URL}/{youth['id']}").json()["data"]
    assert public["attributes"]["remark"] is None


def test_creates_a_team_trained_by_definitions(
    client: TestClient, admin: dict[str, str], db: Database, builds: Builds
) -> None:
    response = client.post(URL, headers=admin, json=team({"name": "Ouders", "remark": "r"}, [1]))

    assert response.status_code == 201, response.text
    created = response.json()["data"]
    assert created["attributes"]["name"] == "Ouders"
    assert created["relationships"]["definitions"]["data"] == [
        {"type": "training_definitions", "id": "1"}
    ]
    assert definitions_of(db, created["id"]) == [1]
    assert builds.changes == 1


def test_patch_replaces_the_definitions_when_sent(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    youth = int(db.fetchvalue("SELECT id FROM teams WHERE name = 'Jeugd'"))
    before = definitions_of(db, youth)

    renamed = client.patch(f"{URL}/{youth}", headers=admin, json=team({"name": "Jongeren"}))
    assert renamed.status_code == 200
    assert definitions_of(db, youth) == before
    moved = client.patch(f"{URL}/{youth}", headers=admin, json=team({}, [before[0], 7]))

    assert moved.status_code == 200, moved.text
    assert definitions_of(db, youth) == [before[0], 7]
    assert (
        db.fetchvalue("SELECT team_id FROM training_definitions WHERE id = ?", [before[1]]) is None
    )


@pytest.mark.parametrize(
    ("doc", "pointer"),
    [
        (team({}), "/data/attributes/name"),
        (team({"name": ""}), "/data/attributes/name"),
        (team({"name": "X", "remark": 1}), "/data/attributes/remark"),
        (team({"name": "X"}, [999]), "/data/relationships/definitions/0"),
        (team({"name": "X"}, ["abc"]), "/data/relationships/definitions/0"),
        (
            {
                "data": {
                    "type": "teams",
                    "attributes": {"name": "X"},
                    "relationships": {"definitions": {"data": {"id": "1"}}},
                }
            },
            "/data/relationships/definitions",
        ),
    ],
)
def test_bad_documents_are_422_naming_the_field(
    client: TestClient, admin: dict[str, str], doc: dict[str, Any], pointer: str
) -> None:
    response = client.post(URL, headers=admin, json=doc)

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["source"] == {"pointer": pointer}


def test_a_team_in_use_cannot_be_deleted(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    youth = db.fetchvalue("SELECT id FROM teams WHERE name = 'Jeugd'")

    response = client.delete(f"{URL}/{youth}", headers=admin)

    assert response.status_code == 409
    assert "2 training definitions" in response.json()["detail"]
    assert client.delete(URL + "/999", headers=admin).status_code == 404
    assert client.delete(f"{URL}/{youth}").status_code == 401


def test_deletes_an_unused_team(client: TestClient, admin: dict[str, str]) -> None:
    created = client.post(URL, headers=admin, json=team({"name": "Leeg"})).json()["data"]

    assert client.delete(f"{URL}/{created['id']}", headers=admin).status_code == 204
    assert client.get(f"{URL}/{created['id']}").status_code == 404


def test_a_team_has_a_name_per_language(client: TestClient, admin: dict[str, str]) -> None:
    created = client.post(
        URL,
        headers=admin,
        json=team(
            {"texts": [{"locale": "en", "name": "Parents"}, {"locale": "nl", "name": "Ouders"}]}
        ),
    )
    assert created.status_code == 201, created.text
    attributes = created.json()["data"]["attributes"]
    assert attributes["name"] == "Ouders"  # the default language's
    assert attributes["texts"] == [
        {"locale": "nl", "name": "Ouders"},
        {"locale": "en", "name": "Parents"},
    ]
    url = f"{URL}/{created.json()['data']['id']}"

    renamed = client.patch(url, headers=admin, json=team({"name": "Ouder(s)"}))
    assert renamed.status_code == 200
    public = client.get(url).json()["data"]["attributes"]
    assert public["name"] == "Ouder(s)"
    assert public["texts"] == [
        {"locale": "nl", "name": "Ouder(s)"},
        {"locale": "en", "name": "Parents"},
    ]


def test_the_demo_teams_have_english_names(client: TestClient) -> None:
    body = client.get(URL).json()
    english = {
        t["attributes"]["name"]: {x["locale"]: x["name"] for x in t["attributes"]["texts"]}["en"]
        for t in body["data"]
    }
    assert english["Volwassenen"] == "Adults"
    assert english["Kleuters"] == "Toddlers"


@pytest.mark.parametrize(
    ("attributes", "pointer"),
    [
        ({"texts": [{"locale": "en", "name": "Parents"}]}, "/data/attributes/name"),
        (
            {"name": "Ouders", "texts": [{"locale": "fr", "name": "Parents"}]},
            "/data/attributes/texts/0/locale",
        ),
        (
            {"name": "Ouders", "texts": [{"locale": "en", "name": " "}]},
            "/data/attributes/texts/0/name",
        ),
        ({"name": "Ouders", "texts": ["Parents"]}, "/data/attributes/texts/0"),
        (
            {
                "name": "Ouders",
                "texts": [{"locale": "en", "name": "A"}, {"locale": "en", "name": "B"}],
            },
            "/data/attributes/texts/1/locale",
        ),
    ],
)
def test_bad_names_point_at_the_field(
    client: TestClient, admin: dict[str, str], attributes: dict[str, Any], pointer: str
) -> None:
    response = client.post(URL, headers=admin, json=team(attributes))

    assert response.status_code == 422
    assert response.json()["errors"][0]["source"]["pointer"] == pointer


def test_deleting_a_team_removes_its_names(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    texts = [{"locale": "en", "name": "Parents"}]
    created = client.post(URL, headers=admin, json=team({"name": "Ouders", "texts": texts}))
    team_id = int(created.json()["data"]["id"])
    assert db.fetchvalue("SELECT count(*) FROM team_texts WHERE team_id = ?", [team_id]) == 2

    assert client.delete(f"{URL}/{team_id}", headers=admin).status_code == 204
    assert db.fetchvalue("SELECT count(*) FROM team_texts WHERE team_id = ?", [team_id]) == 0
