"""Public reads give their kept answer again only while it is exact.

An edit through the API, or a write by any other path of the server, shows on the very next read;
the public's and the staff's answers never mix; a story shows when its publish date passes, with
no edit at all; and a kept answer is byte for byte the answer the read makes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from kwai_api.core.answers import Answer, Answers, Period
from kwai_api.core.database import Database, Transaction
from kwai_api.core.settings import Settings
from kwai_api.server.app import create_app
from tests.conftest import NOW, app_id
from tests.support.state import state_of

NEWS = "/api/v1/news_items"
TRAININGS = "/api/v1/trainings?page[limit]=10"

pytestmark = pytest.mark.usefixtures("builds")  # every request at NOW unless a test moves it


def _titles(client: TestClient, url: str, headers: dict[str, str] | None = None) -> list[str]:
    response = client.get(url, headers=headers or {})
    assert response.status_code == 200, response.text
    return [
        (item["attributes"].get("texts") or item["attributes"]["contents"])[0]["title"]
        for item in response.json()["data"]
    ]


def _newest_live_story(client: TestClient) -> str:
    return str(client.get(NEWS).json()["data"][0]["id"])


def _newest_training(client: TestClient) -> str:
    return str(client.get(TRAININGS).json()["data"][0]["id"])


def test_a_kept_answer_is_byte_for_byte_the_fresh_one(settings: Settings, db: Database) -> None:
    kept = create_app(settings, db=db, scheduler=False)
    with TestClient(kept, base_url="http://127.0.0.1") as client:
        state_of(client).clock = lambda: NOW
        first = [client.get(url) for url in (NEWS, TRAININGS)]
        again = [client.get(url) for url in (NEWS, TRAININGS)]
        assert len(state_of(client).answers._kept) == 2  # the second reads were kept answers
    fresh = create_app(settings, db=db, scheduler=False)  # nothing kept yet
    with TestClient(fresh, base_url="http://127.0.0.1") as client:
        state_of(client).clock = lambda: NOW
        made = [client.get(url) for url in (NEWS, TRAININGS)]

    for one, two, three in zip(first, again, made, strict=True):
        assert one.status_code == two.status_code == three.status_code == 200
        assert one.content == two.content == three.content
        assert one.headers == two.headers == three.headers


def test_an_edit_through_the_api_shows_on_the_next_read(
    client: TestClient, admin: dict[str, str]
) -> None:
    story, training = _newest_live_story(client), _newest_training(client)
    assert _titles(client, NEWS)[0] != "Edited story"
    assert _titles(client, TRAININGS)[0] != "Edited training"

    edited = client.patch(
        f"{NEWS}/{story}",
        json={
            "data": {
                "type": "news_items",
                "id": story,
                "attributes": {"texts": [{"locale": "en", "title": "Edited story"}]},
            }
        },
        headers=admin,
    )
    assert edited.status_code == 200, edited.text
    assert _titles(client, NEWS)[0] == "Edited story"
    assert client.get(f"{NEWS}/{story}").json()["data"]["attributes"]["texts"][0]["title"] == (
        "Edited story"
    )

    edited = client.patch(
        f"/api/v1/trainings/{training}",
        json={
            "data": {
                "type": "trainings",
                "id": training,
                "attributes": {"contents": [{"locale": "en", "title": "Edited training"}]},
            }
        },
        headers=admin,
    )
    assert edited.status_code == 200, edited.text
    assert _titles(client, TRAININGS)[0] == "Edited training"


def test_a_write_by_another_path_of_the_server_shows_on_the_next_read(
    client: TestClient, db: Database
) -> None:
    story, training = _newest_live_story(client), _newest_training(client)
    before_news, before_trainings = client.get(NEWS).json(), client.get(TRAININGS).json()

    def hide(tx: Transaction) -> None:  # as a job of the scheduler writes: through db.write
        tx.execute("UPDATE news_stories SET enabled = false WHERE id = ?", [int(story)])
        tx.execute("UPDATE trainings SET active = false WHERE id = ?", [int(training)])

    db.write(hide)

    news, trainings = client.get(NEWS).json(), client.get(TRAININGS).json()
    assert story not in [item["id"] for item in news["data"]]
    assert news["meta"]["count"] == before_news["meta"]["count"] - 1
    assert training not in [item["id"] for item in trainings["data"]]
    assert trainings["meta"]["count"] == before_trainings["meta"]["count"] - 1
    assert client.get(f"{NEWS}/{story}").status_code == 404


def test_the_public_and_the_staff_never_get_each_others_answer(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    story, training = _newest_live_story(client), _newest_training(client)
    db.execute("UPDATE news_stories SET remark = 'staff only' WHERE id = ?", [int(story)])
    db.execute("UPDATE trainings SET remark = 'key with Jan' WHERE id = ?", [int(training)])

    def remark(body: dict[str, Any], item: str) -> Any:
        data = body["data"] if isinstance(body["data"], list) else [body["data"]]
        return next(one["attributes"]["remark"] for one in data if one["id"] == item)

    reads = [
        (f"{NEWS}?page[limit]=1000", story, "staff only"),
        (f"{NEWS}/{story}", story, "staff only"),
        (f"{TRAININGS}&filter[active]=false", training, "key with Jan"),
        (f"/api/v1/trainings/{training}", training, "key with Jan"),
    ]
    for _ in range(2):  # the second round reads kept answers
        for url, item, staff_remark in reads:
            assert remark(client.get(url).json(), item) is None, url
            assert remark(client.get(url, headers=admin).json(), item) == staff_remark, url
            assert remark(client.get(url).json(), item) is None, url
    hidden = client.get(NEWS, params={"page[limit]": "1000"}, headers=admin).json()
    shown = client.get(NEWS, params={"page[limit]": "1000"}).json()
    assert hidden["meta"]["count"] > shown["meta"]["count"]  # the staff see the hidden ones too


def test_a_story_shows_when_its_publish_date_passes_without_an_edit(
    client: TestClient, db: Database
) -> None:
    publish = NOW + timedelta(hours=3)
    story = db.write(
        lambda tx: tx.insert(
            "INSERT INTO news_stories (application_id, enabled, publish_date, end_date)"
            " VALUES (?, true, ?, ?) RETURNING id",
            [app_id(db, "club"), publish, publish + timedelta(days=1)],
        )
    )
    db.execute(
        "INSERT INTO news_story_texts (story_id, locale, title) VALUES (?, 'en', 'Scheduled')",
        [story],
    )
    state = state_of(client)

    def ids() -> list[str]:
        return [item["id"] for item in client.get(NEWS).json()["data"]]

    assert str(story) not in ids()
    state.clock = lambda: publish - timedelta(seconds=1)
    assert str(story) not in ids()  # the kept answer, still exact
    state.clock = lambda: publish
    assert ids()[0] == str(story)
    assert client.get(f"{NEWS}/{story}").status_code == 200
    state.clock = lambda: publish + timedelta(days=1)  # its end date
    assert str(story) not in ids()
    assert client.get(f"{NEWS}/{story}").status_code == 404
    state.clock = lambda: NOW  # back in time: the answer of then, not the one kept last
    assert str(story) not in ids()


def test_answers_hold_for_their_version_and_period_within_their_budget() -> None:
    start = datetime(2026, 1, 1)
    period = Period(start, start + timedelta(hours=1))
    answers = Answers(budget=10)
    answers.keep("a", Answer(200, (), b"12345", 1, period))
    answers.keep("b", Answer(200, (), b"12345", 1, None))

    assert answers.find("a", 1, start) is not None
    assert answers.find("a", 1, start + timedelta(hours=1)) is None  # the period ended
    answers.keep("a", Answer(200, (), b"12345", 1, period))
    assert answers.find("a", 1, start - timedelta(seconds=1)) is None  # before it was made
    answers.keep("a", Answer(200, (), b"12345", 1, period))
    assert answers.find("a", 2, start) is None  # a write since
    assert answers.find("b", 1, start + timedelta(days=999)) is not None
    answers.keep("c", Answer(200, (), b"123456", 1, None))  # over budget: the oldest goes
    assert answers.find("b", 1, start) is None and answers.find("c", 1, start) is not None
    answers.keep("d", Answer(200, (), b"12345678901", 1, None))  # larger than the budget
    assert answers.find("d", 1, start) is None


def test_every_write_counts_and_a_failed_one_does_not(db: Database) -> None:
    before = db.version
    db.execute("UPDATE news_stories SET remark = 'x' WHERE id = 1")
    assert db.version == before + 1

    def fail(tx: Transaction) -> None:
        tx.execute("UPDATE news_stories SET remark = 'y' WHERE id = 1")
        raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        db.write(fail)
    assert db.version == before + 1
