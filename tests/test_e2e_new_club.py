"""A new club in the browser, from an empty database: the webmaster made with `kwai user create`
signs in to the workspace, is led from News to the sections, makes one with a described photo,
a coach, a weekly training and this week's training from it, writes a story with a photo of its
own, and all of it reaches the public site in both languages."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.support.axe import violations
from tests.support.browser import Browser, browser, chromium
from tests.support.images import photo
from tests.support.server import eventually, kwai, kwai_user, running_server

__all__ = ["browser", "chromium"]  # the fixtures this module uses

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "webmaster@club.example", "a long password for the webmaster"
ZONE = ZoneInfo("Europe/Brussels")  # the club's, as the built-in settings say


def test_a_new_club_starts_in_the_workspace(browser: Browser, tmp_path: Path) -> None:
    assert kwai(tmp_path, "db", "migrate").returncode == 0
    made = kwai_user(tmp_path, EMAIL, ("Wim", "Web"), PASSWORD, admin=True)
    assert made.returncode == 0, made.stderr
    with running_server(tmp_path) as url:

        def public(path: str) -> str:
            return httpx.get(f"{url}{path}", timeout=30).text

        eventually("the first build", lambda: httpx.get(f"{url}/staff/").status_code == 200)
        assert "Ontdek de club" not in public("/")  # no heading over sections there are not

        page = browser.open(f"{url}/en/staff/news/", 390)
        page.wait_for_url("**/auth/login/?next=*")
        page.get_by_label("Email address").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{url}/en/staff/news/")
        page.get_by_text("no section holds news yet").wait_for()  # not a form it cannot save
        assert page.get_by_role("button", name="New story").count() == 0
        assert violations(page) == []
        page.get_by_role("link", name="To the sections").click()

        page.wait_for_url(f"{url}/en/staff/club/")
        page.get_by_role("button", name="New section").click()
        page.get_by_label("Name in the address (e.g. judo)").fill("judo")
        page.get_by_role("group", name="Dutch").get_by_label("Title").fill("Judo bij ons")
        page.get_by_role("group", name="English").get_by_label("Title").fill("Judo with us")
        hero = page.get_by_role("group", name="Picture at the top of the section")
        hero.get_by_label("What does the photo show? (Dutch)").fill("Judoka's groeten elkaar")
        hero.get_by_label("What does the photo show? (English)").fill("Judoka bow to each other")
        hero.get_by_label("Choose a photo").set_input_files(
            files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": photo(1600, 600)}]
        )
        hero.locator("img.image-thumb").wait_for()
        page.get_by_role("button", name="Save", exact=True).click()
        page.get_by_role("button", name="Edit: Judo bij ons").wait_for()

        page.get_by_role("button", name="New coach").click()
        page.get_by_label("Name").fill("Noor Sensei")
        page.get_by_role("button", name="Save", exact=True).click()
        page.get_by_role("button", name="Edit: Noor Sensei").wait_for()
        today = datetime.now(ZONE)
        page.get_by_role("button", name="New weekly training").click()
        page.get_by_label("Name").fill("Youth judo")
        page.get_by_label("Day").select_option(str(today.isoweekday()))
        page.get_by_label("Start").fill("23:00")
        page.get_by_label("End").fill("23:45")
        page.get_by_label("Location").fill("Sports hall")
        page.get_by_label("Noor Sensei").check()
        page.get_by_label("Noor Sensei: head coach").check()
        page.get_by_role("button", name="Save", exact=True).click()
        weekly = page.locator("li.card", has_text="Youth judo")
        weekly.get_by_text(f"{today:%A}".capitalize()).wait_for()  # its day, in English
        assert "23:00–23:45" in weekly.inner_text()
        made = httpx.get(f"{url}/api/v1/training_definitions", timeout=30).json()["data"]
        assert [d["attributes"]["coaches"] for d in made] == [
            [{"id": made[0]["attributes"]["coaches"][0]["id"], "head": True}]
        ]

        page.get_by_role("link", name="Trainings").click()
        page.get_by_role("button", name="Youth judo").click()  # this week's, in two taps
        page.get_by_role("button", name="Save", exact=True).click()
        page.locator("li", has_text="Youth judo").get_by_text("Noor Sensei").first.wait_for()
        eventually("the training on the agenda", lambda: "Youth judo" in public("/en/trainings/"))

        page.get_by_role("link", name="News").click()
        page.get_by_role("button", name="New story").click()
        page.get_by_role("group", name="Dutch").get_by_label("Title").fill("Welkom op de mat")
        page.get_by_role("group", name="English").get_by_label("Title").fill("Welcome on the mat")
        page.locator("#md-content-nl").fill("Onze eerste les is zaterdag.")
        page.locator("#md-content-en").fill("Our first class is on Saturday.")
        lead = page.get_by_role("group", name="Photo with the story")
        lead.get_by_label("What does the photo show? (English)").fill("The empty dojo at dawn")
        lead.get_by_label("Choose a photo").set_input_files(
            files=[{"name": "dojo.jpg", "mimeType": "image/jpeg", "buffer": photo(1200, 800)}]
        )
        lead.locator("img.image-thumb").wait_for()
        page.get_by_role("button", name="Publish now").click()
        page.locator("li.card", has_text="Welcome on the mat").get_by_text("Live").wait_for()

        eventually("the story on the site", lambda: "Welcome on the mat" in public("/en/news/"))
        home = public("/en/")
        assert "Judo with us" in home and "Welcome on the mat" in home
        section = public("/en/judo/")
        assert re.search(
            r'<figure class="hero-image"><img [^>]*alt="Judoka bow to each other"', section
        )
        assert re.search(
            r'<figure class="hero-image"><img [^>]*alt="Judoka&#x27;s groeten', public("/judo/")
        )
        story = re.search(r'href="(/en/news/\d+-welcome-on-the-mat\.html)"', public("/en/news/"))
        assert story is not None
        assert re.search(
            r'<figure class="lead-image"><img [^>]*alt="The empty dojo at dawn"',
            public(story.group(1)),
        )
        # no Dutch words for the story's photo: the Dutch page says the English ones, as English
        dutch = re.search(r'href="(/news/\d+-welkom-op-de-mat\.html)"', public("/news/"))
        assert dutch is not None
        lead_nl = re.search(r'<figure class="lead-image">(<img [^>]*>)', public(dutch.group(1)))
        assert lead_nl is not None
        assert 'alt="The empty dojo at dawn"' in lead_nl.group(1) and 'lang="en"' in lead_nl.group(
            1
        )
