"""Images end to end: a real `kwai serve` publishes a story with an uploaded phone photo, and a
backup taken while it runs restores into an empty directory that builds the same site.

The photo carries EXIF with a GPS position; the live site must show it in every published size
without any of that metadata, with srcset, width and height on the story page and its card, and
as the story's Open Graph image.
"""

from __future__ import annotations

import io
import re
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from PIL import Image

from kwai_api.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.support.images import has_metadata, photo
from tests.support.server import kwai, kwai_env, running_server

pytestmark = pytest.mark.timeout(300)

WAIT = 30.0
T = TypeVar("T")


def wait_until(what: str, check: Callable[[], T | None]) -> T:
    """Poll `check` until it gives a value; fail naming `what` when it never does."""
    deadline = time.monotonic() + WAIT
    while not (found := check()):
        if time.monotonic() > deadline:
            pytest.fail(f"the live site never showed {what} (waited {WAIT} s)")
        time.sleep(0.05)
    return found


def files(root: Path) -> dict[str, bytes]:
    """Every file of a release and its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_a_story_with_a_phone_photo_goes_live_without_metadata_and_survives_a_backup(
    tmp_path: Path, club_file: Path
) -> None:
    club = tmp_path / "club"
    club.mkdir()
    shutil.copyfile(club_file, club / "kwai.duckdb")
    env = kwai_env(club, KWAI_BUILD_QUIET_SECONDS="0.2")
    upload = photo(2400, 1600)
    assert "GPS" in has_metadata(upload)
    with (
        running_server(club, env) as url,
        httpx.Client(base_url=f"{url}/api/v1", timeout=30) as api,
    ):
        login = api.post("/auth/login", data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        api.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        image = api.post(
            "/images",
            files={"file": ("IMG_0001.jpg", upload, "image/jpeg")},
            data={"alt": "Judoka's groeten elkaar"},
        ).json()["data"]
        just_now = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")
        judo = next(
            a["id"]
            for a in api.get("/portal/applications").json()["data"]
            if a["attributes"]["name"] == "judo"
        )
        story = api.post(
            "/news_items",
            json={
                "data": {
                    "type": "news_items",
                    "attributes": {
                        "publish_date": just_now,
                        "enabled": True,
                        "texts": [
                            {
                                "locale": "nl",
                                "title": "Clubkampioenschap met foto",
                                "content": "Wat een dag!",
                            }
                        ],
                    },
                    "relationships": {
                        "application": {"data": {"type": "applications", "id": judo}},
                        "image": {"data": {"type": "images", "id": image["id"]}},
                    },
                }
            },
        )
        assert story.status_code == 201, story.text
        story_id = story.json()["data"]["id"]
        current = club / "site" / "current"

        def story_page() -> str:
            found = list((current / "news").glob(f"{story_id}-*.html"))
            return found[0].read_text() if found else ""

        page = wait_until("the story", story_page)
        sizes = [(int(w), u) for w, u in image["attributes"]["urls"].items()]
        assert [w for w, _ in sizes] == [480, 960, 1600]
        srcset = ", ".join(f"{u.removeprefix(url)} {w}w" for w, u in sizes)
        lead = re.search(r'<figure class="lead-image"><img ([^>]*)>', page)
        assert lead is not None
        assert f'srcset="{srcset}"' in lead[1]
        assert 'width="1600" height="1067"' in lead[1] and "sizes=" in lead[1]
        assert f'<meta property="og:image" content="{sizes[-1][1]}">' in page
        news = httpx.get(f"{url}/news/", timeout=10).text  # the newest story's card
        card = re.search(r'<img ([^>]*class="card-image"[^>]*)>', news)
        assert card is not None and f'srcset="{srcset}"' in card[1]
        assert 'width="1600" height="1067"' in card[1] and 'loading="lazy"' in card[1]
        for width, address in sizes:
            served = httpx.get(address, timeout=10)
            assert served.status_code == 200
            assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert has_metadata(served.content) == []
            with Image.open(io.BytesIO(served.content)) as picture:
                assert picture.width == width and not picture.getexif()

        renamed = {"data": {"type": "images", "attributes": {"alt": "De groet voor de kamp"}}}
        assert api.patch(f"/images/{image['id']}", json=renamed).status_code == 200
        wait_until("the new alt text", lambda: 'alt="De groet voor de kamp"' in story_page())

        backup = kwai(club, "db", "backup", str(tmp_path / "backup" / "club.duckdb"), env=env)
        assert backup.returncode == 0, backup.stderr
        assert len(list((tmp_path / "backup" / "club.images" / "sizes").iterdir())) == 3
        again = kwai(club, "db", "backup", str(tmp_path / "backup" / "club.duckdb"), env=env)
        assert again.returncode == 1 and "exists" in again.stderr
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")  # both builds see the story
        built = kwai(club, "build", "--now", now, env=env)
        assert built.returncode == 0, built.stderr
        served_site = files(current.resolve())

        refused = api.delete(f"/images/{image['id']}")
        assert refused.status_code == 409 and f"news_items {story_id}" in refused.text
        no_image = {"data": {"type": "news_items", "relationships": {"image": {"data": None}}}}
        assert api.patch(f"/news_items/{story_id}", json=no_image).status_code == 200
        wait_until("the story without its image", lambda: "lead-image" not in story_page())
        assert "<h1>Clubkampioenschap met foto</h1>" in story_page()
        assert not (current / "images" / "u").exists()
        assert api.delete(f"/images/{image['id']}").status_code == 204
        assert not list((club / "images" / "sizes").iterdir())

    restored = tmp_path / "restored"  # the restore the README describes, into an empty directory
    restored.mkdir()
    shutil.copyfile(tmp_path / "backup" / "club.duckdb", restored / "kwai.duckdb")
    shutil.copytree(tmp_path / "backup" / "club.images", restored / "images")
    restored_env = kwai_env(restored, KWAI_SITE_URL=env["KWAI_SITE_URL"])
    rebuilt = kwai(restored, "build", "--now", now, env=restored_env)
    assert rebuilt.returncode == 0, rebuilt.stderr
    restored_site = files((restored / "site" / "current").resolve())
    assert any(path.startswith("images/u/") for path in restored_site)
    assert sorted(restored_site) == sorted(served_site)
    assert restored_site == served_site
