"""GET /portal/news: the promoted, live stories of the seeded club, newest first."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from kwai_api.core.database import Database
from tests.conftest import NOW
from tests.support.state import state_of

URL = "/api/v1/portal/news"


@pytest.fixture(autouse=True)
def fixed_clock(client: TestClient) -> None:
    """Every request of these tests happens at NOW."""
    state_of(client).clock = lambda: NOW


def expected_ids(db: Database, now: datetime) -> list[str]:
    """The promoted live stories, computed from the raw rows, newest first."""
    rows = db.fetchall("SELECT * FROM news_stories")
    chosen = [
        r
        for r in rows
        if r["enabled"]
        and r["publish_date"] <= now
        and (r["end_date"] is None or r["end_date"] > now)
        and r["promotion"] > 0
        and (r["promotion_end_date"] is None or r["promotion_end_date"] > now)
    ]
    chosen.sort(key=lambda r: (r["publish_date"], r["id"]), reverse=True)
    return [str(r["id"]) for r in chosen]


def ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body["data"]]


def test_lists_promoted_live_stories_newest_first(client: TestClient, db: Database) -> None:
    db.execute("UPDATE news_stories SET promotion = 2 WHERE publish_date > ?", [NOW])
    expected = expected_ids(db, NOW)
    promoted_total = db.fetchvalue("SELECT count(*) FROM news_stories WHERE promotion > 0")
    assert 0 < len(expected) < promoted_total  # the scheduled ones are promoted, not yet live

    response = client.get(URL)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.api+json"
    body = response.json()
    assert ids(body) == expected[:10]
    assert body["meta"] == {"count": len(expected), "offset": 0, "limit": 10}


def test_a_story_carries_rendered_texts_priority_date_and_its_application(
    client: TestClient, db: Database
) -> None:
    body = client.get(URL).json()
    story = body["data"][0]
    row = db.fetchone("SELECT * FROM news_stories WHERE id = ?", [int(story["id"])])
    assert row is not None
    texts = db.fetchall(
        "SELECT * FROM news_story_texts WHERE story_id = ? ORDER BY locale DESC", [row["id"]]
    )  # nl before en: the club's language order

    assert story["type"] == "stories"
    assert story["attributes"]["priority"] == row["promotion"]
    assert story["attributes"]["publish_date"] == row["publish_date"].strftime("%Y-%m-%d %H:%M:%S")
    assert story["attributes"]["content"] == [
        {
            "locale": t["locale"],
            "title": t["title"],
            "summary": t["html_summary"],
            "content": t["html_content"],
        }
        for t in texts
    ]
    assert story["attributes"]["content"][0]["content"].startswith("<p>")
    application = story["relationships"]["application"]["data"]
    assert application == {"type": "applications", "id": str(row["application_id"])}
    included = {(i["type"], i["id"]): i for i in body["included"]}
    title = db.fetchvalue(
        "SELECT title FROM application_texts WHERE application_id = ? AND locale = 'nl'",
        [row["application_id"]],
    )
    name = db.fetchvalue("SELECT name FROM applications WHERE id = ?", [row["application_id"]])
    assert included[("applications", application["id"])]["attributes"] == {
        "name": name,
        "title": title,
    }
    assert len(included) == len(body["included"])  # deduplicated


def test_pages_with_offset_and_limit(client: TestClient, db: Database) -> None:
    expected = expected_ids(db, NOW)

    body = client.get(URL, params={"page[offset]": "2", "page[limit]": "3"}).json()

    assert ids(body) == expected[2:5]
    assert body["meta"] == {"count": len(expected), "offset": 2, "limit": 3}


@pytest.mark.parametrize("name", ["page[limit]", "page[offset]"])
@pytest.mark.parametrize("value", ["-1", "ten", "1.5", "9999999999"])
def test_a_bad_page_parameter_is_a_400_naming_it(client: TestClient, name: str, value: str) -> None:
    response = client.get(URL, params={name: value})

    assert response.status_code == 400
    assert response.json()["errors"][0]["source"] == {"parameter": name}


def test_hides_ended_promotions_ended_stories_and_disabled_stories(
    client: TestClient, db: Database
) -> None:
    first, second, third, *rest = expected_ids(db, NOW)
    db.execute(
        "UPDATE news_stories SET promotion_end_date = ? WHERE id = ?",
        [NOW - timedelta(seconds=1), int(first)],
    )
    db.execute("UPDATE news_stories SET end_date = ? WHERE id = ?", [NOW, int(second)])
    db.execute("UPDATE news_stories SET enabled = false WHERE id = ?", [int(third)])

    body = client.get(URL).json()

    assert ids(body) == rest[:10]


def test_a_promoted_story_appears_when_its_publish_date_comes(
    client: TestClient, db: Database
) -> None:
    story_id = db.fetchvalue(
        "SELECT id FROM news_stories WHERE enabled AND publish_date > ? ORDER BY publish_date"
        " LIMIT 1",
        [NOW],
    )
    publish = db.fetchvalue("SELECT publish_date FROM news_stories WHERE id = ?", [story_id])
    db.execute(
        "UPDATE news_stories SET promotion = 3, promotion_end_date = NULL WHERE id = ?", [story_id]
    )

    before = client.get(URL).json()
    state_of(client).clock = lambda: publish
    after = client.get(URL).json()

    assert str(story_id) not in ids(before)
    assert ids(after)[0] == str(story_id)
    assert after["data"][0]["attributes"]["priority"] == 3
