"""/news_items: lists, filters and reads (anonymous callers see live stories only), and edits."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from kwai_api.core.database import Database, Row
from kwai_api.core.slugs import title_slug
from tests.conftest import NOW, Builds, app_id, ids

URL = "/api/v1/news_items"


pytestmark = pytest.mark.usefixtures("builds")  # every request at NOW, rebuilds counted


def is_live(row: Row, now: datetime = NOW) -> bool:
    return bool(
        row["enabled"]
        and row["publish_date"] <= now
        and (row["end_date"] is None or row["end_date"] > now)
    )


def stories(db: Database, keep: Any = lambda row: True) -> list[str]:
    """The ids of the stories that `keep` selects, newest first, computed from the raw rows."""
    rows = [r for r in db.fetchall("SELECT * FROM news_stories") if keep(r)]
    rows.sort(key=lambda r: (r["publish_date"], r["id"]), reverse=True)
    return [str(r["id"]) for r in rows]


def every(client: TestClient, headers: dict[str, str] | None = None, **params: str) -> Any:
    return client.get(URL, params={"page[limit]": "1000", **params}, headers=headers or {})


# -- reading -------------------------------------------------------------------------------


def test_anonymous_callers_get_only_live_stories_newest_first(
    client: TestClient, db: Database
) -> None:
    live = stories(db, is_live)
    assert 0 < len(live) < len(stories(db))  # the seeded club has hidden stories too

    assert ids(every(client)) == live


def test_the_default_page_is_ten_with_meta(client: TestClient, db: Database) -> None:
    live = stories(db, is_live)

    body = client.get(URL).json()

    assert [item["id"] for item in body["data"]] == live[:10]
    assert body["meta"] == {"count": len(live), "offset": 0, "limit": 10}


def test_pages_through_with_offset_and_limit(client: TestClient, db: Database) -> None:
    live = stories(db, is_live)

    body = client.get(URL, params={"page[offset]": "10", "page[limit]": "5"}).json()

    assert [item["id"] for item in body["data"]] == live[10:15]
    assert body["meta"] == {"count": len(live), "offset": 10, "limit": 5}


def test_an_authenticated_user_gets_every_story(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    assert ids(every(client, admin)) == stories(db)


def test_a_news_item_carries_its_texts_dates_and_application(
    client: TestClient, db: Database
) -> None:
    body = client.get(URL).json()
    item = body["data"][0]
    row = db.fetchone("SELECT * FROM news_stories WHERE id = ?", [int(item["id"])])
    assert row is not None
    text = db.fetchone(
        "SELECT * FROM news_story_texts WHERE story_id = ? ORDER BY locale DESC", [row["id"]]
    )
    assert text is not None

    assert item["type"] == "news_items"
    attributes = item["attributes"]
    assert attributes["enabled"] is True
    assert attributes["publish_date"] == row["publish_date"].strftime("%Y-%m-%d %H:%M:%S")
    assert attributes["promotion"] == row["promotion"]
    assert attributes["texts"][0] == {
        key: text[key]
        for key in (
            "locale",
            "format",
            "title",
            "summary",
            "content",
            "html_summary",
            "html_content",
        )
    }
    relation = item["relationships"]["application"]["data"]
    assert relation == {"type": "applications", "id": str(row["application_id"])}
    included = {(i["type"], i["id"]): i["attributes"] for i in body["included"]}
    assert set(included[("applications", relation["id"])]) == {"name", "title"}
    assert len(included) == len(body["included"])


@pytest.mark.parametrize(("value", "wanted"), [("true", True), ("false", False), ("0", False)])
def test_filter_enabled(
    client: TestClient, db: Database, admin: dict[str, str], value: str, wanted: bool
) -> None:
    expected = stories(db, lambda r: r["enabled"] is wanted)
    assert expected

    assert ids(every(client, admin, **{"filter[enabled]": value})) == expected


def test_filter_enabled_false_shows_anonymous_callers_nothing(client: TestClient) -> None:
    assert ids(every(client, None, **{"filter[enabled]": "false"})) == []


def test_filter_publish_year(client: TestClient, db: Database, admin: dict[str, str]) -> None:
    db.execute(
        "UPDATE news_stories SET publish_date = publish_date - INTERVAL 1 YEAR WHERE id % 4 = 0"
    )
    expected = stories(db, lambda r: r["publish_date"].year == 2026)
    assert 0 < len(expected) < len(stories(db))

    assert ids(every(client, admin, **{"filter[publish_year]": "2026"})) == expected


def test_filter_publish_month_uses_the_club_time_zone(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    # 23:30 UTC on the last of October is already November in Brussels
    first, second = stories(db)[-2:]
    db.execute(
        "UPDATE news_stories SET publish_date = '2026-10-31 23:30:00' WHERE id = ?", [int(first)]
    )
    db.execute(
        "UPDATE news_stories SET publish_date = '2026-10-31 22:30:00' WHERE id = ?", [int(second)]
    )
    november = ids(
        every(client, admin, **{"filter[publish_year]": "2026", "filter[publish_month]": "11"})
    )
    october = ids(
        every(client, admin, **{"filter[publish_year]": "2026", "filter[publish_month]": "10"})
    )

    assert first in november and first not in october
    assert second in october and second not in november
    assert set(november) | set(october) == set(
        stories(
            db,
            lambda r: datetime(2026, 9, 30, 22) <= r["publish_date"] < datetime(2026, 11, 30, 23),
        )
    )


def test_filter_publish_month_in_december(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    story = stories(db)[0]
    db.execute(
        "UPDATE news_stories SET publish_date = '2026-12-31 22:00:00' WHERE id = ?", [int(story)]
    )

    december = ids(
        every(client, admin, **{"filter[publish_year]": "2026", "filter[publish_month]": "12"})
    )

    assert story in december


@pytest.mark.parametrize("key", ["name", "id"])
def test_filter_application_by_name_or_id(client: TestClient, db: Database, key: str) -> None:
    judo = db.fetchone("SELECT id, name FROM applications WHERE name = 'judo'")
    assert judo is not None
    expected = stories(db, lambda r: is_live(r) and r["application_id"] == judo["id"])
    assert 0 < len(expected) < len(stories(db, is_live))

    assert ids(every(client, None, **{"filter[application]": str(judo[key])})) == expected


@pytest.mark.parametrize("value", ["nope", "999"])
def test_filter_on_an_unknown_application_is_a_404_naming_it(
    client: TestClient, value: str
) -> None:
    response = client.get(URL, params={"filter[application]": value})

    assert response.status_code == 404
    assert response.json()["errors"][0]["source"] == {"parameter": "filter[application]"}


def test_filter_promoted(client: TestClient, db: Database, admin: dict[str, str]) -> None:
    first = stories(db, lambda r: r["promotion"] > 0)[0]
    db.execute(
        "UPDATE news_stories SET promotion_end_date = ? WHERE id = ?",
        [NOW - timedelta(days=1), int(first)],
    )

    def promoted(r: Row) -> bool:
        return r["promotion"] > 0 and (
            r["promotion_end_date"] is None or r["promotion_end_date"] > NOW
        )

    yes = ids(every(client, admin, **{"filter[promoted]": "true"}))
    no = ids(every(client, admin, **{"filter[promoted]": "false"}))

    assert yes == stories(db, promoted)
    assert first not in yes
    assert no == stories(db, lambda r: not promoted(r))


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"filter[enabled]": "maybe"}, "filter[enabled]"),
        ({"filter[promoted]": "2"}, "filter[promoted]"),
        ({"filter[publish_year]": "twenty"}, "filter[publish_year]"),
        ({"filter[publish_year]": "0"}, "filter[publish_year]"),
        ({"filter[publish_year]": "1"}, "filter[publish_year]"),
        ({"filter[publish_year]": "99999"}, "filter[publish_year]"),
        ({"filter[publish_month]": "3"}, "filter[publish_month]"),
        ({"filter[publish_year]": "2026", "filter[publish_month]": "13"}, "filter[publish_month]"),
        ({"filter[publish_year]": "2026", "filter[publish_month]": "0"}, "filter[publish_month]"),
        ({"page[limit]": "-5"}, "page[limit]"),
        ({"page[offset]": "x"}, "page[offset]"),
        ({"page[limit]": "²"}, "page[limit]"),
    ],
)
def test_a_bad_query_parameter_is_a_400_naming_it(
    client: TestClient, params: dict[str, str], name: str
) -> None:
    response = client.get(URL, params=params)

    assert response.status_code == 400
    assert response.json()["errors"][0]["source"] == {"parameter": name}


def test_get_one_live_story(client: TestClient, db: Database) -> None:
    story = stories(db, is_live)[3]

    response = client.get(f"{URL}/{story}")

    assert response.status_code == 200
    body = response.json()
    assert body["data"]["id"] == story
    assert body["included"][0]["type"] == "applications"


@pytest.mark.parametrize(
    "hidden",
    [
        lambda r: not r["enabled"],
        lambda r: r["publish_date"] > NOW,
        lambda r: r["end_date"] is not None and r["end_date"] <= NOW,
    ],
)
def test_hidden_stories_are_404_for_anonymous_callers_only(
    client: TestClient, db: Database, admin: dict[str, str], hidden: Any
) -> None:
    story = stories(db, hidden)[0]

    assert client.get(f"{URL}/{story}").status_code == 404
    assert client.get(f"{URL}/{story}", headers=admin).status_code == 200


@pytest.mark.parametrize("key", ["9999", "abc", "0", "1e3", "12345678901234567890", "²"])
def test_an_unknown_story_is_a_404(client: TestClient, key: str) -> None:
    assert client.get(f"{URL}/{key}").status_code == 404


def test_a_bad_token_reads_like_no_token(client: TestClient) -> None:
    response = client.get(URL, headers={"Authorization": "Bearer nonsense"})

    assert response.status_code == 200
    assert response.json() == client.get(URL).json()


# -- writing -------------------------------------------------------------------------------


def new_story(db: Database, **attributes: Any) -> dict[str, Any]:
    """A valid news_items document for the judo application, with attributes overridden."""
    return {
        "data": {
            "type": "news_items",
            "attributes": {
                "enabled": True,
                "publish_date": "2026-11-20 10:00:00",
                "end_date": "2026-12-20 10:00:00",
                "promotion": 2,
                "promotion_end_date": "2026-12-01 00:00:00",
                "remark": "from the board",
                "texts": [
                    {
                        "locale": "nl",
                        "format": "md",
                        "title": "Kampioen!",
                        "summary": "Een **gouden** medaille.",
                        "content": "Proficiat.",
                    },
                    {
                        "locale": "en",
                        "format": "html",
                        "title": "Champion!",
                        "summary": "A <b>gold</b> medal<script>x()</script>.",
                        "content": "",
                    },
                ],
                **attributes,
            },
            "relationships": {
                "application": {"data": {"type": "applications", "id": str(app_id(db, "judo"))}}
            },
        }
    }


def story_texts(db: Database, story_id: int) -> dict[str, Row]:
    rows = db.fetchall("SELECT * FROM news_story_texts WHERE story_id = ?", [story_id])
    return {r["locale"]: r for r in rows}


def test_post_creates_a_story_with_its_texts(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    response = client.post(URL, json=new_story(db), headers=admin)

    assert response.status_code == 201, response.text
    data = response.json()["data"]
    story_id = int(data["id"])
    row = db.fetchone("SELECT * FROM news_stories WHERE id = ?", [story_id])
    assert row is not None
    assert row["application_id"] == app_id(db, "judo")
    assert (
        row["enabled"],
        row["publish_date"],
        row["end_date"],
        row["promotion"],
        row["promotion_end_date"],
        row["remark"],
        row["created_at"],
    ) == (
        True,
        datetime(2026, 11, 20, 10),
        datetime(2026, 12, 20, 10),
        2,
        datetime(2026, 12, 1),
        "from the board",
        NOW,
    )
    texts = story_texts(db, story_id)
    assert texts["nl"]["html_summary"] == "<p>Een <strong>gouden</strong> medaille.</p>"
    assert texts["en"]["format"] == "html"
    assert "script" not in texts["en"]["html_summary"]
    assert texts["nl"]["author_id"] == db.fetchvalue("SELECT id FROM users WHERE admin")
    assert data["attributes"]["texts"][0]["html_summary"] == texts["nl"]["html_summary"]
    assert data["attributes"]["publish_date"] == "2026-11-20 10:00:00"
    assert response.json()["included"][0]["attributes"]["name"] == "judo"
    assert builds.changes == 1
    assert story_id in [int(i) for i in ids(client.get(URL))]  # live, so the public sees it


def test_post_names_the_application_by_name_and_defaults_the_optional_attributes(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    doc = {
        "data": {
            "attributes": {
                "publish_date": "2026-11-20T10:00:00+01:00",
                "texts": [{"locale": "en", "title": "Short"}],
            },
            "relationships": {"application": {"data": {"type": "applications", "id": "club"}}},
        }
    }

    response = client.post(URL, content=json.dumps(doc), headers=admin)  # no Content-Type

    assert response.status_code == 201, response.text
    row = db.fetchone(
        "SELECT * FROM news_stories WHERE id = ?", [int(response.json()["data"]["id"])]
    )
    assert row is not None
    assert (
        row["enabled"],
        row["publish_date"],
        row["end_date"],
        row["promotion"],
        row["remark"],
    ) == (False, datetime(2026, 11, 20, 9), None, 0, None)
    assert row["application_id"] == app_id(db, "club")


def test_post_accepts_the_old_api_names(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    doc = new_story(
        db,
        priority=3,
        texts=[
            {
                "locale": "nl",
                "format": "md",
                "title": "Oud",
                "summary": "<p>rendered</p>",
                "original_summary": "*bron*",
                "content": None,
                "original_content": "inhoud",
            }
        ],
    )
    del doc["data"]["attributes"]["promotion"]

    response = client.post(
        URL, json=doc, headers={**admin, "Content-Type": "application/vnd.api+json"}
    )

    assert response.status_code == 201, response.text
    story_id = int(response.json()["data"]["id"])
    assert db.fetchvalue("SELECT promotion FROM news_stories WHERE id = ?", [story_id]) == 3
    text = story_texts(db, story_id)["nl"]
    assert (text["summary"], text["content"]) == ("*bron*", "inhoud")


ATTRIBUTES = "/data/attributes"
APPLICATION = "/data/relationships/application"


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"publish_date": None}, f"{ATTRIBUTES}/publish_date"),
        ({"publish_date": "next tuesday"}, f"{ATTRIBUTES}/publish_date"),
        ({"publish_date": "2026-02-30 10:00:00"}, f"{ATTRIBUTES}/publish_date"),
        ({"publish_date": "9999-12-31T23:00:00-05:00"}, f"{ATTRIBUTES}/publish_date"),
        ({"end_date": "2026-11-19 10:00:00"}, f"{ATTRIBUTES}/end_date"),
        ({"end_date": "2026-11-20 10:00:00"}, f"{ATTRIBUTES}/end_date"),
        ({"promotion_end_date": 5}, f"{ATTRIBUTES}/promotion_end_date"),
        ({"promotion": -1}, f"{ATTRIBUTES}/promotion"),
        ({"promotion": 2**31}, f"{ATTRIBUTES}/promotion"),
        ({"promotion": 1.5}, f"{ATTRIBUTES}/promotion"),
        ({"promotion": "--5"}, f"{ATTRIBUTES}/promotion"),
        ({"promotion": "9" * 5000}, f"{ATTRIBUTES}/promotion"),
        ({"enabled": "yes please"}, f"{ATTRIBUTES}/enabled"),
        ({"remark": {"a": 1}}, f"{ATTRIBUTES}/remark"),
        ({"texts": None}, f"{ATTRIBUTES}/texts"),
        ({"texts": "hello"}, f"{ATTRIBUTES}/texts"),
        ({"texts": []}, f"{ATTRIBUTES}/texts"),
        ({"texts": [5]}, f"{ATTRIBUTES}/texts/0"),
        ({"texts": [{"locale": "fr", "title": "Bonjour"}]}, f"{ATTRIBUTES}/texts/0/locale"),
        ({"texts": [{"title": "Geen taal"}]}, f"{ATTRIBUTES}/texts/0/locale"),
        (
            {"texts": [{"locale": "nl", "title": "A"}, {"locale": "nl", "title": "B"}]},
            f"{ATTRIBUTES}/texts/1/locale",
        ),
        (
            {"texts": [{"locale": "nl", "title": "A", "format": "rst"}]},
            f"{ATTRIBUTES}/texts/0/format",
        ),
        ({"texts": [{"locale": "nl", "title": ""}]}, f"{ATTRIBUTES}/texts/0/title"),
        ({"texts": [{"locale": "nl"}]}, f"{ATTRIBUTES}/texts/0/title"),
        (
            {"texts": [{"locale": "nl", "title": "A", "content": 7}]},
            f"{ATTRIBUTES}/texts/0/content",
        ),
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
    count = db.fetchvalue("SELECT count(*) FROM news_stories")

    response = client.post(URL, json=new_story(db, **change), headers=admin)

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["source"] == {"pointer": pointer}
    assert db.fetchvalue("SELECT count(*) FROM news_stories") == count
    assert builds.changes == 0


@pytest.mark.parametrize(
    "relationships",
    [
        {},
        {"application": {"data": None}},
        {"application": {"data": {"type": "applications", "id": "999"}}},
        {"application": {"data": {"type": "applications", "id": "nope"}}},
        {"application": {"data": {"type": "pages", "id": "1"}}},
        {"application": {"data": {"id": True}}},
        {"application": "judo"},
    ],
)
def test_post_without_a_known_application_is_a_422(
    client: TestClient, db: Database, admin: dict[str, str], relationships: dict[str, Any]
) -> None:
    doc = new_story(db)
    doc["data"]["relationships"] = relationships
    count = db.fetchvalue("SELECT count(*) FROM news_stories")

    response = client.post(URL, json=doc, headers=admin)

    assert response.status_code == 422
    assert response.json()["errors"][0]["source"] == {"pointer": APPLICATION}
    assert db.fetchvalue("SELECT count(*) FROM news_stories") == count


def test_post_to_an_application_without_news_is_a_422(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    db.execute("UPDATE applications SET news = false WHERE name = 'judo'")

    response = client.post(URL, json=new_story(db), headers=admin)

    assert response.status_code == 422
    assert response.json()["errors"][0]["source"] == {"pointer": APPLICATION}


def test_post_of_another_type_is_a_409(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    doc = new_story(db)
    doc["data"]["type"] = "pages"

    assert client.post(URL, json=doc, headers=admin).status_code == 409


def test_post_without_a_token_is_a_401(client: TestClient, db: Database) -> None:
    count = db.fetchvalue("SELECT count(*) FROM news_stories")

    response = client.post(URL, json=new_story(db))

    assert response.status_code == 401
    assert db.fetchvalue("SELECT count(*) FROM news_stories") == count


@pytest.mark.parametrize(
    ("content", "headers", "status"),
    [
        ("a=b", {"Content-Type": "application/x-www-form-urlencoded"}, 415),
        ("{", {}, 400),
        ("null", {}, 422),
        ('{"data": {"attributes": {"remark": "\\udc00"}}}', {}, 400),
    ],
)
def test_post_with_a_malformed_body_is_a_4xx(
    client: TestClient,
    admin: dict[str, str],
    content: str,
    headers: dict[str, str],
    status: int,
) -> None:
    response = client.post(URL, content=content, headers={**admin, **headers})

    assert response.status_code == status


def test_patch_changes_only_what_is_sent(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    story = int(stories(db, is_live)[0])
    before = db.fetchone("SELECT * FROM news_stories WHERE id = ?", [story])
    assert before is not None
    texts = story_texts(db, story)

    response = client.patch(
        f"{URL}/{story}",
        json={
            "data": {"type": "news_items", "id": str(story), "attributes": {"remark": "checked"}}
        },
        headers=admin,
    )

    assert response.status_code == 200, response.text
    after = db.fetchone("SELECT * FROM news_stories WHERE id = ?", [story])
    # a story saved before slugs were kept keeps the address its title gave it
    slug = title_slug({locale: row["title"] for locale, row in texts.items()}, ("nl", "en"))
    assert after == {**before, "remark": "checked", "updated_at": NOW, "slug": slug}
    assert story_texts(db, story) == texts
    assert response.json()["data"]["attributes"]["remark"] == "checked"
    assert builds.changes == 1


def test_patch_replaces_the_texts_and_moves_the_story(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    story = int(stories(db, is_live)[0])

    response = client.patch(
        f"{URL}/{story}",
        json={
            "data": {
                "attributes": {
                    "enabled": False,
                    "promotion": 0,
                    "end_date": None,
                    "texts": [{"locale": "en", "title": "Only English", "content": "## Hi"}],
                },
                "relationships": {
                    "application": {"data": {"type": "applications", "id": "events"}}
                },
            }
        },
        headers=admin,
    )

    assert response.status_code == 200, response.text
    row = db.fetchone("SELECT * FROM news_stories WHERE id = ?", [story])
    assert row is not None
    assert (row["enabled"], row["promotion"], row["end_date"]) == (False, 0, None)
    assert row["application_id"] == app_id(db, "events")
    texts = story_texts(db, story)
    assert list(texts) == ["en"]
    assert texts["en"]["html_content"] == "<h2>Hi</h2>"
    assert str(story) not in ids(every(client))  # disabled: gone from the public list


def test_patch_checks_the_end_against_the_stored_publish_date(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    story = int(stories(db, is_live)[0])
    publish = db.fetchvalue("SELECT publish_date FROM news_stories WHERE id = ?", [story])
    end = (publish - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")

    response = client.patch(
        f"{URL}/{story}", json={"data": {"attributes": {"end_date": end}}}, headers=admin
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["source"] == {"pointer": f"{ATTRIBUTES}/end_date"}


@pytest.mark.parametrize(
    ("attributes", "pointer"),
    [
        ({"publish_date": None}, f"{ATTRIBUTES}/publish_date"),
        ({"enabled": None}, f"{ATTRIBUTES}/enabled"),
        ({"texts": []}, f"{ATTRIBUTES}/texts"),
        ({"promotion": -3}, f"{ATTRIBUTES}/promotion"),
    ],
)
def test_patch_with_a_bad_attribute_is_a_422(
    client: TestClient,
    db: Database,
    admin: dict[str, str],
    attributes: dict[str, Any],
    pointer: str,
) -> None:
    story = int(stories(db)[0])
    before = db.fetchone("SELECT * FROM news_stories WHERE id = ?", [story])

    response = client.patch(
        f"{URL}/{story}", json={"data": {"attributes": attributes}}, headers=admin
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["source"] == {"pointer": pointer}
    assert db.fetchone("SELECT * FROM news_stories WHERE id = ?", [story]) == before


def test_patch_of_an_unknown_story_is_a_404(client: TestClient, admin: dict[str, str]) -> None:
    response = client.patch(
        f"{URL}/9999", json={"data": {"attributes": {"remark": "x"}}}, headers=admin
    )

    assert response.status_code == 404


def test_patch_naming_another_id_is_a_409(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    story = stories(db)[0]

    response = client.patch(
        f"{URL}/{story}",
        json={"data": {"type": "news_items", "id": "1", "attributes": {}}},
        headers=admin,
    )

    assert response.status_code == 409


def test_patch_without_a_token_is_a_401(client: TestClient, db: Database) -> None:
    story = stories(db)[0]

    response = client.patch(f"{URL}/{story}", json={"data": {"attributes": {"remark": "x"}}})

    assert response.status_code == 401


def test_delete_removes_the_story_and_its_texts(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    story = int(stories(db)[0])

    response = client.delete(f"{URL}/{story}", headers=admin)

    assert response.status_code == 204
    assert response.content == b""
    assert db.fetchvalue("SELECT count(*) FROM news_stories WHERE id = ?", [story]) == 0
    assert story_texts(db, story) == {}
    assert builds.changes == 1
    assert client.delete(f"{URL}/{story}", headers=admin).status_code == 404
    assert client.get(f"{URL}/{story}", headers=admin).status_code == 404


def test_delete_without_a_token_is_a_401(client: TestClient, db: Database) -> None:
    story = int(stories(db)[0])

    assert client.delete(f"{URL}/{story}").status_code == 401
    assert db.fetchvalue("SELECT count(*) FROM news_stories WHERE id = ?", [story]) == 1
