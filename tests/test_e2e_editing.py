"""Editing end to end: a real `kwai serve` rebuilds the public site by itself after every edit.

Staff log in through the API and create, cancel and delete a training, schedule, publish and
disable a news story and edit a page; each time the live release (`site/current`, also served
at the server's `/`) follows without anyone asking for a build. The server builds with the real
clock, so every date here is computed from the current time in the club's zone.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
import pytest
from icalendar import Calendar, Component

from kwai_api.core.settings import Settings
from kwai_api.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from kwai_gen.build import site_info
from kwai_gen.model import Page, Text
from kwai_gen.plan.outputs import SiteInfo
from kwai_gen.plan.urls import language_prefix, output_file, page_path, week_path
from tests.support.server import kwai_env, running_server

pytestmark = pytest.mark.timeout(300)

WAIT = 30.0  # seconds: the longest any change may take to reach the live site
POLL = 0.05
STAMP = "%Y-%m-%d %H:%M:%S"
CANCELLED = {"nl": "Geannuleerd", "en": "Cancelled"}
TRAINING = re.compile(
    r'<li class="training(?P<cancelled> is-cancelled)?"[^>]*>(?P<body>.*?)</li>', re.DOTALL
)

T = TypeVar("T")


@dataclass
class Server:
    """The running server, its live release, and an API client logged in as the demo admin."""

    url: str
    current: Path  # site/current: the live release
    site: SiteInfo
    api: httpx.Client

    def file(self, lang: str, path: str) -> Path:
        """The live file serving the language-neutral `path` in `lang`."""
        return self.current / output_file(self.site, lang, path)

    def fetch(self, lang: str, path: str) -> httpx.Response:
        """The live file serving `path` in `lang`, as the server's `/` serves it."""
        return httpx.get(f"{self.url}/{output_file(self.site, lang, path)}", timeout=30)

    def settled_build(self, after: int = 0, since: str = "") -> dict[str, Any]:
        """The newest build, once finished, newer than build `after` and started since `since`."""
        return wait_until(
            f"a finished build after build {after}, started since {since!r}",
            _finished_build,
            self,
            after,
            since,
        )


def _finished_build(server: Server, after: int, since: str) -> dict[str, Any] | None:
    response = server.api.get("/site/builds/latest")
    if response.status_code == 404:  # the first build has not started yet
        return None
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    build = {"id": int(data["id"]), **data["attributes"]}
    settled = build["id"] > after and build["status"] != "running"
    return build if settled and build["started_at"] >= since else None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, club_file: Path) -> Iterator[Server]:
    """A `kwai serve` on a copy of the seeded club, rebuilding 0.2 s after the last edit."""
    tmp = tmp_path_factory.mktemp("editing")
    shutil.copyfile(club_file, tmp / "kwai.duckdb")
    env = kwai_env(tmp, KWAI_BUILD_QUIET_SECONDS="0.2")
    with (
        running_server(tmp, env) as url,
        httpx.Client(base_url=f"{url}/api/v1", timeout=30) as api,
    ):
        login = api.post("/auth/login", data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        assert login.status_code == 200, login.text
        api.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        served = Server(url, tmp / "site" / "current", site_info(Settings.load(env=env)), api)
        served.settled_build()  # the build the server makes when it starts
        yield served


# --- waiting for and reading the live site ---------------------------------------------------


def wait_until(what: str, check: Callable[..., T | None], *args: Any) -> T:
    """Poll `check(*args)` until it gives a value; fail naming `what` when it never does."""
    deadline = time.monotonic() + WAIT
    while True:
        found = check(*args)
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"the live site never showed {what} (waited {WAIT} s)")
        time.sleep(POLL)


def read(path: Path) -> str | None:
    """A live file's text, None while it does not exist."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def containing(path: Path, text: str) -> str | None:
    """The live file's text once it holds `text`."""
    live = read(path)
    return live if live is not None and text in live else None


def agenda_item(path: Path, title: str, cancelled: bool) -> re.Match[str] | None:
    """The item (<li class="training">) showing `title` on an agenda page, once (un)cancelled."""
    for item in TRAINING.finditer(read(path) or ""):
        if f">{title}</span>" in item["body"] and bool(item["cancelled"]) == cancelled:
            return item
    return None


def not_on_agenda(path: Path, title: str) -> bool:
    """Whether the agenda page exists without an item showing `title`."""
    live = read(path)
    return live is not None and not any(
        f">{title}</span>" in item["body"] for item in TRAINING.finditer(live)
    )


def calendar_event(path: Path, uid: str, status: str | None = None) -> Component | None:
    """The VEVENT with `uid` in a live iCalendar feed (once it has `status`, when given)."""
    try:
        calendar = Calendar.from_ical(path.read_bytes())
    except FileNotFoundError:
        return None
    for event in calendar.walk("VEVENT"):
        if str(event["UID"]) == uid and status in (None, str(event["STATUS"])):
            return event
    return None


def not_in_calendar(path: Path, uid: str) -> bool:
    """Whether the feed exists without the event `uid`."""
    return path.exists() and calendar_event(path, uid) is None


def story_pages(server: Server, story_id: int) -> dict[str, Path]:
    """The live page of a story (news/<id>-<slug>.html) in each language that has one."""
    found = {}
    for lang in server.site.languages:
        news = server.current / language_prefix(server.site, lang) / "news"
        for page in news.glob(f"{story_id}-*.html"):
            found[lang] = page
    return found


def all_story_pages(server: Server, story_id: int) -> dict[str, Path] | None:
    """The live pages of a story once there is one in every language."""
    found = story_pages(server, story_id)
    return found if len(found) == len(server.site.languages) else None


def no_story_pages(server: Server, story_id: int) -> bool:
    """Whether no language has a live page of the story."""
    return not story_pages(server, story_id)


# --- documents -------------------------------------------------------------------------------


def texts(items: dict[str, tuple[str, str]], key: str = "texts") -> dict[str, Any]:
    """A `texts` (or `contents`) attribute: per locale a title and markdown content."""
    return {
        key: [
            {"locale": locale, "format": "md", "title": title, "summary": "", "content": content}
            for locale, (title, content) in items.items()
        ]
    }


def answer(response: httpx.Response, status: int) -> dict[str, Any]:
    """The document of an answer with the expected status."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def utc_stamp(moment: datetime) -> str:
    """An aware moment as the API's UTC timestamp."""
    return moment.astimezone(UTC).strftime(STAMP)


# --- the tests -------------------------------------------------------------------------------


def test_training_follows_create_cancel_and_delete(server: Server) -> None:
    zone = server.site.zone
    day = datetime.now(UTC).astimezone(zone).date() + timedelta(weeks=1)
    start = datetime(day.year, day.month, day.day, 20, 0, tzinfo=zone)
    end = start + timedelta(minutes=90)
    titles = {"nl": "Randori-avond voor gasten", "en": "Randori evening for guests"}
    attributes = {
        **texts({lang: (title, "Vrij oefenen.") for lang, title in titles.items()}, "contents"),
        "event": {
            "start_date": utc_stamp(start),
            "end_date": utc_stamp(end),
            "location": "Sporthal Kemzeke",
            "cancelled": False,
            "active": True,
        },
        "coaches": [],
    }
    training = {
        "type": "trainings",
        "attributes": attributes,
        "relationships": {"teams": {"data": []}},
    }
    created = answer(server.api.post("/trainings", json={"data": training}), 201)
    training_id = created["data"]["id"]
    uid = f"training-{training_id}@{urlsplit(server.site.url).hostname}"
    weeks = {lang: server.file(lang, week_path(day)) for lang in server.site.languages}
    feeds = {lang: server.file(lang, "trainings.ics") for lang in server.site.languages}

    # 1. created: on its week's agenda page and in the calendar feed, in every language
    sequences = {}
    for lang, title in titles.items():
        item = wait_until(f"{title!r} on {weeks[lang]}", agenda_item, weeks[lang], title, False)
        assert CANCELLED[lang] not in item["body"] and "Sporthal Kemzeke" in item["body"]
        event = wait_until(f"{uid} in {feeds[lang]}", calendar_event, feeds[lang], uid)
        assert str(event["SUMMARY"]) == title
        assert str(event["STATUS"]) == "CONFIRMED"
        assert str(event["LOCATION"]) == "Sporthal Kemzeke"
        assert event.decoded("DTSTART") == start and event.decoded("DTEND") == end
        sequences[lang] = int(event.decoded("SEQUENCE"))
    served = server.fetch("en", "trainings.ics")
    assert served.status_code == 200
    assert uid in {str(e["UID"]) for e in Calendar.from_ical(served.content).walk("VEVENT")}

    # 2. cancelled: marked on the agenda; the feed says CANCELLED with a higher SEQUENCE
    cancel = {
        "data": {
            "type": "trainings",
            "id": training_id,
            "attributes": {"event": {"cancelled": True}},
        }
    }
    patched = answer(server.api.patch(f"/trainings/{training_id}", json=cancel), 200)
    assert patched["data"]["attributes"]["event"]["cancelled"] is True
    for lang, title in titles.items():
        item = wait_until(
            f"{title!r} cancelled on {weeks[lang]}", agenda_item, weeks[lang], title, True
        )
        assert CANCELLED[lang] in item["body"]
        event = wait_until(
            f"{uid} cancelled in {feeds[lang]}", calendar_event, feeds[lang], uid, "CANCELLED"
        )
        assert int(event.decoded("SEQUENCE")) > sequences[lang]
        assert str(event["SUMMARY"]) == f"{CANCELLED[lang]}: {title}"
        assert event.decoded("DTSTART") == start

    # 6. deleted: gone from the agenda and from the feeds
    assert server.api.delete(f"/trainings/{training_id}").status_code == 204
    for lang, title in titles.items():
        wait_until(f"{title!r} gone from {weeks[lang]}", not_on_agenda, weeks[lang], title)
        wait_until(f"{uid} gone from {feeds[lang]}", not_in_calendar, feeds[lang], uid)


def test_scheduled_story_appears_by_itself_and_disabling_removes_it(server: Server) -> None:
    before = server.settled_build()["id"]
    publish = (datetime.now(UTC) + timedelta(seconds=5)).replace(microsecond=0)
    titles = {"nl": "Clubkampioenschap verplaatst", "en": "Club championship moved"}
    bodies = {
        "nl": "Het kampioenschap is een week later.",
        "en": "The championship is a week later.",
    }
    attributes = {
        "enabled": True,
        "publish_date": utc_stamp(publish),
        "end_date": None,
        "promotion": 0,
        **texts({lang: (titles[lang], bodies[lang]) for lang in titles}),
    }
    story = {
        "type": "news_items",
        "attributes": attributes,
        "relationships": {"application": {"data": {"type": "applications", "id": "club"}}},
    }
    created = answer(server.api.post("/news_items", json={"data": story}), 201)
    story_id = int(created["data"]["id"])

    # 3. not on the site after the build that follows the create: its time has not come ...
    build = server.settled_build(after=before, since=created["data"]["attributes"]["created_at"])
    assert build["status"] == "success", build
    assert datetime.strptime(build["now"], STAMP).replace(tzinfo=UTC) < publish, (
        f"precondition: build {build} should have run before the publish date {publish}"
    )
    assert story_pages(server, story_id) == {}

    # ... and there by itself once it has come: from here on, nothing asks the server anything
    pages = wait_until(f"story {story_id} at {publish}", all_story_pages, server, story_id)
    for lang, page in pages.items():
        live = page.read_text(encoding="utf-8")
        assert titles[lang] in live and bodies[lang] in live

    # 4. disabled: its pages are gone
    disable = {
        "data": {"type": "news_items", "id": str(story_id), "attributes": {"enabled": False}}
    }
    patched = answer(server.api.patch(f"/news_items/{story_id}", json=disable), 200)
    assert patched["data"]["attributes"]["enabled"] is False
    wait_until(f"story {story_id} removed", no_story_pages, server, story_id)
    for page in pages.values():
        gone = httpx.get(f"{server.url}/{page.relative_to(server.current).as_posix()}")
        assert gone.status_code == 404


def test_edited_page_shows_its_new_text(server: Server) -> None:
    found = answer(server.api.get("/pages/2"), 200)
    page = found["data"]
    (application,) = found["included"]
    current = {text["locale"]: text for text in page["attributes"]["texts"]}
    stored = Page(
        int(page["id"]),
        application["attributes"]["name"],
        0,
        {lang: Text(lang, text["title"]) for lang, text in current.items()},
        datetime.now(UTC),
    )
    paths = {lang: page_path(stored, server.site, lang) for lang in server.site.languages}
    new = {
        "nl": "Het bestuur vergadert elke **eerste maandag** van de maand.",
        "en": "The board meets on the **first Monday** of every month.",
    }
    shown = {"nl": "<strong>eerste maandag</strong>", "en": "<strong>first Monday</strong>"}
    for lang in server.site.languages:
        live = read(server.file(lang, paths[lang]))
        assert live is not None and current[lang]["title"] in live and shown[lang] not in live

    # 5. edited: the page shows the new text in every language, and the server serves it
    edit = {
        "data": {
            "type": "pages",
            "id": page["id"],
            "attributes": texts(
                {lang: (current[lang]["title"], new[lang]) for lang in server.site.languages}
            ),
        }
    }
    answer(server.api.patch(f"/pages/{page['id']}", json=edit), 200)
    for lang in server.site.languages:
        live = wait_until(
            f"the new text of {paths[lang]}",
            containing,
            server.file(lang, paths[lang]),
            shown[lang],
        )
        assert current[lang]["title"] in live
    served = server.fetch("en", paths["en"])
    assert served.status_code == 200 and shown["en"] in served.text
