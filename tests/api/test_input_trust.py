"""What the API accepts, the site can publish: no control characters, no application name that
lands on the site's own addresses, dates within a sane window, timestamps always YYYY-MM-DD."""

from __future__ import annotations

import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from kwai_api.core.database import Database
from kwai_api.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from kwai_api.jsonapi.documents import timestamp
from tests.api.content.test_news import new_story
from tests.api.trainings.test_trainings import body as new_training
from tests.conftest import Builds, app_id
from tests.support.server import running_server

API = "/api/v1"


def _refused(response: Any, pointer: str) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["source"]["pointer"] == pointer


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\uffff"])
def test_control_characters_are_refused_where_they_are_written(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds, character: str
) -> None:
    stories = db.fetchvalue("SELECT count(*) FROM news_stories")
    for part in ("title", "summary"):
        doc = new_story(db)
        doc["data"]["attributes"]["texts"][0][part] = f"Kampioen{character}!"
        answer = client.post(f"{API}/news_items", json=doc, headers=admin)
        _refused(answer, f"/data/attributes/texts/0/{part}")
    assert db.fetchvalue("SELECT count(*) FROM news_stories") == stories
    judo = app_id(db, "judo")
    titled = {
        "data": {
            "type": "applications",
            "id": str(judo),
            "attributes": {"title": f"Judo{character}"},
        }
    }
    answer = client.patch(f"{API}/portal/applications/{judo}", json=titled, headers=admin)
    _refused(answer, "/data/attributes/title")
    assert builds.changes == 0


def test_tabs_and_newlines_are_text(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    doc = new_story(db)
    doc["data"]["attributes"]["texts"][0]["content"] = "Een\tlijn\r\nen nog een\n"
    assert client.post(f"{API}/news_items", json=doc, headers=admin).status_code == 201


@pytest.mark.parametrize("name", ["about", "contact", "privacy", "news", "auth", "en", "nl"])
def test_an_application_may_not_take_an_address_of_the_site(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds, name: str
) -> None:
    judo = app_id(db, "judo")
    doc = {"data": {"type": "applications", "id": str(judo), "attributes": {"name": name}}}
    answer = client.patch(f"{API}/portal/applications/{judo}", json=doc, headers=admin)
    _refused(answer, "/data/attributes/name")
    assert f"/{name}/" in answer.json()["errors"][0]["detail"]
    assert db.fetchvalue("SELECT name FROM applications WHERE id = ?", [judo]) == "judo"


def test_a_free_name_is_still_accepted(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    judo = app_id(db, "judo")
    doc = {"data": {"type": "applications", "id": str(judo), "attributes": {"name": "judo-club"}}}
    answer = client.patch(f"{API}/portal/applications/{judo}", json=doc, headers=admin)
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("year", ["9999", "2031", "2022", "0001"])
def test_a_training_far_from_today_is_refused(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds, year: str
) -> None:
    trainings = db.fetchvalue("SELECT count(*) FROM trainings")
    event = {"start_date": f"{year}-12-02 17:00:00", "end_date": f"{year}-12-02 18:30:00"}
    answer = client.post(f"{API}/trainings", json=new_training(event=event), headers=admin)
    _refused(answer, "/data/attributes/event/start_date")
    assert db.fetchvalue("SELECT count(*) FROM trainings") == trainings
    generate = client.post(
        f"{API}/training_definitions/2/trainings",
        params={"start": f"{year}-01-01", "end": f"{year}-02-01"},
        headers=admin,
    )
    assert generate.status_code in (400, 422)
    assert db.fetchvalue("SELECT count(*) FROM trainings") == trainings


def test_a_training_within_the_window_is_accepted(
    client: TestClient, admin: dict[str, str], builds: Builds
) -> None:  # NOW is 2026-11-26; three years either side by default
    event = {"start_date": "2029-06-02 17:00:00", "end_date": "2029-06-02 18:30:00"}
    answer = client.post(f"{API}/trainings", json=new_training(event=event), headers=admin)
    assert answer.status_code == 201, answer.text


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("publish_date", "9999-01-01 00:00:00"),
        ("publish_date", "1899-12-31 00:00:00"),
        ("end_date", "2080-01-01 00:00:00"),
        ("promotion_end_date", "3000-01-01 00:00:00"),
    ],
)
def test_a_story_date_outside_the_window_is_refused(
    client: TestClient,
    db: Database,
    admin: dict[str, str],
    builds: Builds,
    name: str,
    value: str,
) -> None:
    answer = client.post(f"{API}/news_items", json=new_story(db, **{name: value}), headers=admin)
    _refused(answer, f"/data/attributes/{name}")
    story = db.fetchvalue("SELECT min(id) FROM news_stories")
    patch = {"data": {"type": "news_items", "id": str(story), "attributes": {name: value}}}
    answer = client.patch(f"{API}/news_items/{story}", json=patch, headers=admin)
    _refused(answer, f"/data/attributes/{name}")


def test_every_timestamp_has_four_digit_years() -> None:
    assert timestamp(datetime(1, 1, 1)) == "0001-01-01 00:00:00"
    assert timestamp(datetime(987, 6, 5, 4, 3, 2, 1000)) == "0987-06-05 04:03:02"
    assert timestamp(datetime(2026, 11, 26, 12)) == "2026-11-26 12:00:00"


def test_costly_markdown_is_refused_while_others_log_in(tmp_path: Path, club_file: Path) -> None:
    shutil.copyfile(club_file, tmp_path / "kwai.duckdb")
    with running_server(tmp_path) as url:

        def login() -> httpx.Response:
            return httpx.post(
                f"{url}{API}/auth/login",
                timeout=60,
                data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
            )

        staff = {"Authorization": f"Bearer {login().json()['access_token']}"}
        story = httpx.get(f"{url}{API}/news_items", headers=staff, timeout=30).json()["data"][0]
        texts = [{"locale": "nl", "title": "Traag", "content": "[a](" * 20_000}]
        doc = {"data": {"type": "news_items", "id": story["id"], "attributes": {"texts": texts}}}
        with ThreadPoolExecutor(1) as pool:
            edit = pool.submit(
                httpx.patch,
                f"{url}{API}/news_items/{story['id']}",
                json=doc,
                headers=staff,
                timeout=120,
            )
            time.sleep(0.5)  # let the edit reach its rendering
            assert login().status_code == 200
            assert not edit.done()  # the login did not wait for the edit
            answer = edit.result()
        _refused(answer, "/data/attributes/texts/0/content")
        after = httpx.get(f"{url}{API}/news_items/{story['id']}", headers=staff, timeout=30)
        assert after.json()["data"]["attributes"]["texts"] == story["attributes"]["texts"]


@pytest.mark.parametrize(
    ("attributes", "pointer"),
    [
        ({"contents": [{"locale": "nl", "title": "T", "text": "lost"}]}, "contents/0/text"),
        ({"event": {"start": "2026-12-02 17:00:00"}}, "event/start"),
        ({"coaches": [{"id": "2", "lead": True}]}, "coaches/0/lead"),
    ],
)
def test_a_member_a_nested_object_does_not_know_is_refused(
    client: TestClient,
    db: Database,
    admin: dict[str, str],
    builds: Builds,
    attributes: dict[str, Any],
    pointer: str,
) -> None:
    before = client.get(f"{API}/trainings/10", headers=admin).json()
    doc = {"data": {"type": "trainings", "id": "10", "attributes": attributes}}
    answer = client.patch(f"{API}/trainings/10", json=doc, headers=admin)
    _refused(answer, f"/data/attributes/{pointer}")
    assert client.get(f"{API}/trainings/10", headers=admin).json() == before


def test_a_text_read_may_be_sent_back_as_it_is(
    client: TestClient, admin: dict[str, str], builds: Builds
) -> None:
    read = client.get(f"{API}/trainings/10", headers=admin).json()["data"]["attributes"]
    doc = {"data": {"type": "trainings", "id": "10", "attributes": {"contents": read["contents"]}}}
    assert client.patch(f"{API}/trainings/10", json=doc, headers=admin).status_code == 200
