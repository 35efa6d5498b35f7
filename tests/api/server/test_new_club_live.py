"""A new club on a running server, from an empty database: the `kwai user` commands go through
it; an application, a team, two coaches, a definition and its trainings, and a story with a
phone photo made through the API all reach the static site, the photo without its metadata."""

from __future__ import annotations

import io
import json
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from tests.support.images import has_metadata, photo
from tests.support.server import kwai, kwai_user, running_server

ADMIN, EDITOR, PASSWORD = "board@club.example", "editor@club.example", "a long password"


def page_showing(path: Path, text: str, timeout: float = 60) -> str:
    """The file's content once it shows `text` (the server rebuilds after each edit)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in (content := path.read_text(encoding="utf-8")):
            return content
        time.sleep(0.2)
    raise AssertionError(f"{path} never showed {text!r}")


def test_a_new_club_through_a_running_server(tmp_path: Path) -> None:
    assert kwai(tmp_path, "db", "migrate").returncode == 0
    created = kwai_user(tmp_path, ADMIN, ("Bea", "Board"), PASSWORD, admin=True)
    assert created.returncode == 0, created.stderr
    site = tmp_path / "site" / "current"
    with running_server(tmp_path) as url:
        editor = kwai_user(tmp_path, EDITOR, ("Ed", "Itor"), PASSWORD)
        assert editor.returncode == 0, editor.stderr
        assert kwai(tmp_path, "user", "grant-admin", EDITOR).returncode == 0
        assert kwai(tmp_path, "user", "revoke", EDITOR).returncode == 0
        listed = kwai(tmp_path, "user", "list").stdout.splitlines()
        assert listed == [f"{ADMIN}\tBea Board\tadmin", f"{EDITOR}\tEd Itor\tadmin, revoked"]
        last = kwai(tmp_path, "user", "revoke", ADMIN)
        assert last.returncode == 1 and "last administrator" in last.stderr

        api = f"{url}/api/v1"
        login = httpx.post(f"{api}/auth/login", data={"username": ADMIN, "password": PASSWORD})
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}

        def send(method: str, path: str, data: dict[str, Any]) -> dict[str, Any]:
            # no Content-Type: the API reads the body as JSON
            response = httpx.request(
                method,
                f"{api}{path}",
                headers=auth,
                content=json.dumps({"data": data}).encode(),
                timeout=30,
            )
            assert response.status_code in (200, 201), response.text
            assert "content-type" not in response.request.headers
            return dict(response.json()["data"])

        application = send(
            "POST",
            "/portal/applications",
            {
                "type": "applications",
                "attributes": {
                    "name": "judo",
                    "title": "Judo bij ons",
                    "description": "Judo is **vet**.",
                },
            },
        )
        coach = send(
            "POST",
            "/trainings/coaches",
            {
                "type": "coaches",
                "attributes": {
                    "name": "Ann Peeters",
                    "bio": "Trainer sinds 1990.",
                    "texts": [{"locale": "en", "bio": "Coach since 1990."}],
                },
            },
        )

        page_showing(site / "index.html", "Judo bij ons")
        judo = page_showing(site / "judo" / "index.html", "<strong>vet</strong>")
        assert "**vet**" not in judo
        page_showing(site / "coaches" / "index.html", "Trainer sinds 1990.")
        page_showing(site / "en" / "coaches" / "index.html", "Coach since 1990.")
        send(
            "PATCH",
            f"/trainings/coaches/{coach['id']}",
            {"type": "coaches", "id": coach["id"], "attributes": {"bio": "Hoofdtrainer."}},
        )
        page_showing(site / "coaches" / "index.html", "Hoofdtrainer.")
        wrong = httpx.put(f"{api}/trainings/coaches/{coach['id']}", headers=auth)
        assert wrong.status_code == 405 and "PATCH" in wrong.headers["allow"]

        # The week: a team, a second coach, a definition that trains the team, its trainings.
        team = send(
            "POST", "/trainings/teams", {"type": "teams", "attributes": {"name": "Volwassenen"}}
        )
        other = send(
            "POST", "/trainings/coaches", {"type": "coaches", "attributes": {"name": "Bart Claes"}}
        )
        definition = send(
            "POST",
            "/training_definitions",
            {
                "type": "training_definitions",
                "attributes": {
                    "name": "Dinsdagtraining",
                    "weekday": 2,
                    "start_time": "19:30",
                    "end_time": "21:00",
                    "location": "Sporthal De Kemp",
                    "coaches": [{"id": coach["id"], "head": True}, {"id": other["id"]}],
                },
                "relationships": {"team": {"data": {"type": "teams", "id": team["id"]}}},
            },
        )
        today = date.today()
        generated = httpx.post(
            f"{api}/training_definitions/{definition['id']}/trainings",
            headers=auth,
            params={"start": today.isoformat(), "end": (today + timedelta(days=13)).isoformat()},
            timeout=30,
        )
        assert generated.status_code in (200, 201), generated.text
        assert len(generated.json()["data"]) == 2
        first = date.fromisoformat(
            generated.json()["data"][0]["attributes"]["event"]["start_date"][:10]
        )
        year, week, _ = first.isocalendar()
        agenda = page_showing(
            site / "trainings" / f"{year}-w{week:02d}" / "index.html", "Dinsdagtraining"
        )
        for name in ("Volwassenen", "Ann Peeters", "Bart Claes", "Sporthal De Kemp"):
            assert name in agenda, name

        # A story with a phone photo (EXIF with a GPS position), published now.
        upload = photo(2400, 1600)
        assert "GPS" in has_metadata(upload)
        image = httpx.post(
            f"{api}/images",
            headers=auth,
            timeout=60,
            files={"file": ("IMG_0001.jpg", upload, "image/jpeg")},
            data={"alt": "De eerste training"},
        )
        assert image.status_code == 201, image.text
        urls = image.json()["data"]["attributes"]["urls"]
        published = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")
        story = send(
            "POST",
            "/news_items",
            {
                "type": "news_items",
                "attributes": {
                    "enabled": True,
                    "publish_date": published,
                    "texts": [
                        {"locale": "nl", "title": "Onze eerste training", "content": "Welkom!"},
                        {"locale": "en", "title": "Our first training", "content": "Welcome!"},
                    ],
                },
                "relationships": {
                    "application": {"data": {"type": "applications", "id": application["id"]}},
                    "image": {"data": {"type": "images", "id": image.json()["data"]["id"]}},
                },
            },
        )
        page_showing(site / "index.html", "Onze eerste training")
        page_showing(site / "en" / "index.html", "Our first training")
        (story_page,) = (site / "news").glob(f"{story['id']}-*.html")
        html = page_showing(story_page, "srcset=")
        assert 'alt="De eerste training"' in html
        assert urls, "the image has published sizes"
        for width, address in urls.items():
            path = site / address.split("://", 1)[-1].split("/", 1)[-1]
            assert path.name in html, f"{path.name} is not on the story page"
            with Image.open(io.BytesIO(path.read_bytes())) as picture:
                assert picture.width == int(width) and not picture.getexif()
            assert has_metadata(path) == []
