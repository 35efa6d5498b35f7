"""A bulk cancellation through a real `kwai serve`: one build shows it on the agenda week pages
and in the calendar feeds of `site/current`, with its reason; uncancelling takes it away."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from icalendar import Calendar

from kwai_api.core.settings import Settings
from kwai_api.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from kwai_gen.build import site_info
from kwai_gen.model import Team
from kwai_gen.plan.urls import output_file, team_calendar_path, week_path
from tests.support.server import kwai_env, running_server

pytestmark = pytest.mark.timeout(300)

T = TypeVar("T")
REASON = "Zaal gesloten voor onderhoud"
CANCELLED_ITEM = re.compile(r'<li class="training is-cancelled"[^>]*>(.*?)</li>', re.DOTALL)


def wait_until(what: str, check: Callable[[], T | None], seconds: float = 30) -> T:
    """Poll `check` until it gives a value; fail naming `what` when it never does."""
    deadline = time.monotonic() + seconds
    while not (found := check()):
        if time.monotonic() > deadline:
            pytest.fail(f"never saw {what} (waited {seconds} s)")
        time.sleep(0.05)
    return found


def latest_build(api: httpx.Client) -> dict[str, Any] | None:
    """The newest build once it finished, else None."""
    response = api.get("/site/builds/latest")
    if response.status_code != 200:
        return None
    data = response.json()["data"]
    build = {"id": int(data["id"]), **data["attributes"]}
    return build if build["status"] != "running" else None


def reasons_on(page: Path) -> list[str]:
    """The bodies of the cancelled trainings on a live agenda page that show REASON."""
    text = page.read_text(encoding="utf-8") if page.exists() else ""
    return [body for body in CANCELLED_ITEM.findall(text) if REASON in body]


def shows_reason_twice(page: Path) -> bool:
    return len(reasons_on(page)) == 2


def shows_no_reason(page: Path) -> bool:
    return page.exists() and not reasons_on(page) and REASON not in page.read_text(encoding="utf-8")


def cancelled_events(feed: Path, uids: set[str]) -> dict[str, Any] | None:
    """The events of `uids` in `feed`, once there are some and all of them are cancelled."""
    found = events(feed, uids)
    if found and all(str(v["STATUS"]) == "CANCELLED" for v in found.values()):
        return found
    return None


def events(feed: Path, uids: set[str]) -> dict[str, Any]:
    """The VEVENTs of a live calendar feed among `uids`, by UID."""
    if not feed.exists():
        return {}
    found = Calendar.from_ical(feed.read_bytes()).walk("VEVENT")
    return {str(e["UID"]): e for e in found if str(e["UID"]) in uids}


def test_a_cancelled_period_reaches_the_agenda_and_the_calendars(
    tmp_path: Path, club_file: Path
) -> None:
    shutil.copyfile(club_file, tmp_path / "kwai.duckdb")
    env = kwai_env(tmp_path, KWAI_BUILD_QUIET_SECONDS="0.2")
    with (
        running_server(tmp_path, env) as url,
        httpx.Client(base_url=f"{url}/api/v1", timeout=30) as api,
    ):
        login = api.post("/auth/login", data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        api.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        site = site_info(Settings.load(env=env))
        first = wait_until("the first build", lambda: latest_build(api))
        today = datetime.now(UTC).astimezone(site.zone).date()
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=2)
        period = {"start": monday.isoformat(), "end": (monday + timedelta(days=6)).isoformat()}
        team = {"type": "teams", "id": "3"}
        document = {
            "data": {
                "type": "training_cancellations",
                "attributes": {**period, "reason": REASON},
                "relationships": {"teams": {"data": [team]}},
            }
        }

        response = api.post("/trainings/cancellations", json=document)

        assert response.status_code == 200, response.text
        ids = {item["id"] for item in response.json()["data"]}
        assert len(ids) == response.json()["meta"]["count"] == 2
        host = site.url.split("//")[1].split(":")[0]
        uids = {f"training-{i}@{host}" for i in ids}
        current = tmp_path / "site" / "current"
        feeds = ["trainings.ics", team_calendar_path(Team(3, "Volwassenen"))]
        for lang in site.languages:
            week = current / output_file(site, lang, week_path(monday))
            wait_until(f"the reason twice on {week}", partial(shows_reason_twice, week))
            for feed in feeds:
                path = current / output_file(site, lang, feed)
                found = wait_until(
                    f"the cancelled events in {path}", partial(cancelled_events, path, uids)
                )
                assert set(found) == uids
                assert all(REASON in str(v["DESCRIPTION"]) for v in found.values())
        built = wait_until("the build of the batch", lambda: latest_build(api))
        assert built["id"] == first["id"] + 1  # one build for the whole batch

        back = {
            "data": {
                "type": "training_cancellations",
                "attributes": {**period, "cancelled": False},
                "relationships": {"teams": {"data": [team]}},
            }
        }
        assert api.post("/trainings/cancellations", json=back).json()["meta"]["count"] == 2
        for lang in site.languages:
            week = current / output_file(site, lang, week_path(monday))
            wait_until(f"no reason on {week}", partial(shows_no_reason, week))
