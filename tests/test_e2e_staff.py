"""The workspace end to end: a real `kwai serve`, a real SMTP server and headless Chromium.

A coach on a phone makes a training from a weekly one, moves it and cancels it, and the public
agenda and the team's calendar follow each change; an editor schedules a bilingual story a few
seconds ahead and it appears on the site by itself; an admin invites someone who accepts. Every
workspace page is photographed at 390 and 1280 pixels and checked with axe-core, like the
public page types.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from kwai_api.core.database import open_database
from kwai_api.demo import ADMIN_EMAIL, ADMIN_PASSWORD, create_club
from kwai_gen.plan.staff import VIEWS
from tests.support.axe import violations
from tests.support.browser import Browser, browser, chromium
from tests.support.images import photo
from tests.support.server import eventually, kwai_env, running_server
from tests.support.smtp import SmtpServer

__all__ = ["browser", "chromium"]  # the fixtures this module uses

pytestmark = pytest.mark.browser

WAIT = 90.0  # seconds: a build after an edit, a mail, a story coming due
ZONE = ZoneInfo("Europe/Brussels")
PASSWORD = "judo-is-fijn"
LINK = re.compile(r"https?://\S+/auth/invite/\?uuid=[0-9a-f-]{36}")


@dataclass
class Club:
    """A running club: the server's URL and the SMTP server's mailbox."""

    url: str
    smtp: SmtpServer
    tokens: dict[str, str] = field(default_factory=dict)

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One call to the club's API."""
        return httpx.request(method, f"{self.url}/api/v1{path}", timeout=60, **kwargs)

    def admin(self) -> dict[str, str]:
        """Headers of the demo admin."""
        if "admin" not in self.tokens:
            answer = self.api(
                "POST", "/auth/login", data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
            )
            assert answer.status_code == 200, answer.text
            self.tokens["admin"] = answer.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens['admin']}"}

    def make_user(self, email: str, first_name: str, last_name: str) -> None:
        """An account made through an invitation, as the invitee would."""
        invitation = {
            "data": {
                "type": "user_invitations",
                "attributes": {"email": email, "first_name": first_name, "last_name": last_name},
            }
        }
        made = self.api("POST", "/auth/users/invitations", json=invitation, headers=self.admin())
        assert made.status_code == 201, made.text
        account = {
            "data": {
                "type": "user_accounts",
                "attributes": {
                    "first_name": first_name,
                    "last_name": last_name,
                    "password": PASSWORD,
                },
                "relationships": {
                    "user_invitation": {
                        "data": {"type": "user_invitations", "id": made.json()["data"]["id"]}
                    }
                },
            }
        }
        assert self.api("POST", "/auth/users", json=account).status_code == 201

    def public(self, path: str) -> str:
        """A page or file of the public site as it is served now."""
        return httpx.get(f"{self.url}{path}", timeout=30).text

    def invite_link(self, recipient: str) -> str:
        """The invitation link of the newest mail to `recipient` (waits for it)."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for message in reversed(self.smtp.mailbox.messages):
                if recipient in str(message["To"]):
                    body = message.get_body(preferencelist=("plain",))
                    assert body is not None
                    found = LINK.findall(body.get_content())
                    if found:
                        return str(found[0])
            time.sleep(0.1)
        raise AssertionError(f"no invitation for {recipient} within {WAIT} s")


@pytest.fixture(scope="module")
def club(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Club]:
    """The demo club around today, served by `kwai serve`, mailing to a local SMTP server."""
    tmp: Path = tmp_path_factory.mktemp("workspace")
    db = open_database(tmp / "kwai.duckdb")
    create_club(db, anchor=datetime.now(ZONE).date())
    db.close()
    with SmtpServer() as smtp:
        env = kwai_env(tmp, KWAI_EMAIL_HOST="127.0.0.1", KWAI_EMAIL_PORT=str(smtp.port))
        with running_server(tmp, env) as url:
            eventually("the first build", lambda: httpx.get(f"{url}/staff/").status_code == 200)
            yield Club(url, smtp)


def sign_in(browser: Browser, club: Club, path: str, email: str, password: str, width: int) -> Any:
    """Open a workspace page, get sent to the sign-in page, sign in, and land back on it."""
    page = browser.open(f"{club.url}{path}", width)
    page.wait_for_url("**/auth/login/?next=*")
    english = "/en/" in path
    page.get_by_label("Email address" if english else "E-mailadres").fill(email)
    page.get_by_label("Password" if english else "Wachtwoord").fill(password)
    page.get_by_role("button", name="Log in" if english else "Aanmelden").click()
    page.wait_for_url(f"{club.url}{path}")
    page.locator(".staff-bar").wait_for(state="visible")
    return page


def agenda_item(club: Club, title: str) -> str | None:
    """The public agenda's entry of the training called `title` (its HTML), if any.

    It is on this week's page, or on next week's when its time today has passed (the workspace
    then plans the weekly training's next occurrence).
    """
    monday = datetime.now(ZONE).date() - timedelta(days=datetime.now(ZONE).weekday())
    for week in (monday, monday + timedelta(weeks=1)):
        year, number, _ = week.isocalendar()
        html = club.public(f"/en/trainings/{year}-w{number:02d}/")
        found = re.search(
            rf'<li class="training[^"]*"[^>]*>(?:(?!</li>).)*?{re.escape(title)}.*?</li>',
            html,
            re.S,
        )
        if found:
            return found.group(0)
    return None


def calendar_event(club: Club, calendar: str, title: str) -> str | None:
    """The VEVENT of the team calendar called `title`, if any."""
    for event in club.public(calendar).split("BEGIN:VEVENT")[1:]:
        if title in event.replace("\r\n ", ""):
            return event
    return None


def test_a_coach_makes_moves_and_cancels_a_training_on_a_phone(
    browser: Browser, club: Club
) -> None:
    today = datetime.now(ZONE).date()
    title = f"Ochtendkata {today:%d%m}"
    teams = club.api("GET", "/trainings/teams").json()["data"]
    team = teams[0]
    definition = {
        "data": {
            "type": "training_definitions",
            "attributes": {
                "name": title,
                "weekday": today.isoweekday(),
                "start_time": "06:15",
                "end_time": "07:15",
                "location": "Dojo Kemzeke",
                "active": True,
            },
            "relationships": {"team": {"data": {"type": "teams", "id": team["id"]}}},
        }
    }
    made = club.api("POST", "/training_definitions", json=definition, headers=club.admin())
    assert made.status_code == 201, made.text
    club.make_user("coach@example.com", "Karin", "Coach")
    calendar = f"/trainings/{team['id']}-{team['attributes']['name'].lower()}.ics"

    page = sign_in(browser, club, "/en/staff/", "coach@example.com", PASSWORD, 390)
    assert page.get_by_role("link", name="People").is_hidden()  # a coach, not an admin
    page.get_by_role("button", name=title).click()  # one tap: the weekly training ...
    page.get_by_role("button", name="Save", exact=True).click()  # ... and one to save it
    card = page.locator("li.training-card", has_text=title)
    card.wait_for(state="visible")
    assert "06:15–07:15" in card.inner_text()
    page.get_by_text("On the site since").wait_for(timeout=WAIT * 1000)
    browser.screenshot(page, "staff-e2e-coach-created-390")
    eventually(
        "the agenda shows the new training",
        lambda: "06:15" in (agenda_item(club, title) or ""),
    )
    entry = agenda_item(club, title)
    assert entry is not None and "06:15" in entry and "is-cancelled" not in entry
    eventually(
        "the team's calendar has it", lambda: calendar_event(club, calendar, title) is not None
    )
    created = calendar_event(club, calendar, title)
    assert created is not None and "STATUS:CONFIRMED" in created

    card.get_by_role("button", name=f"Edit: {title} 06:15").click()  # move it an hour on
    page.get_by_label("Start").fill("07:30")
    end = page.get_by_label("End", exact=True)
    end.fill("07:00")  # before the start: the API's error lands beside the field it names
    browser.expect_error(r"status of 422 .*/api/v1/trainings/\d+")
    page.get_by_role("button", name="Save", exact=True).click()
    expect_invalid = page.locator("input[aria-invalid=true]")
    expect_invalid.wait_for()
    assert expect_invalid.get_attribute("name") == "end"
    error = page.locator(f"#{end.get_attribute('id')}-error")
    assert error.inner_text().startswith("This is not right:")
    browser.screenshot(page, "staff-e2e-coach-field-error-390")
    end.fill("08:30")
    page.get_by_role("button", name="Save", exact=True).click()
    card.get_by_text("07:30–08:30").wait_for()
    eventually("the agenda shows the move", lambda: "07:30" in (agenda_item(club, title) or ""))
    moved = calendar_event(club, calendar, title)
    assert moved is not None and moved != created

    card.get_by_role("button", name=f"Cancel: {title} 07:30").click()
    card.get_by_label("Reason").fill("Zaal bezet")
    card.get_by_role("button", name="Cancel the training").click()
    card.get_by_text("Cancelled").wait_for()
    assert "Reason: Zaal bezet" in card.inner_text()
    browser.screenshot(page, "staff-e2e-coach-cancelled-390")
    eventually(
        "the agenda marks it cancelled", lambda: "is-cancelled" in (agenda_item(club, title) or "")
    )
    assert "Zaal bezet" in (agenda_item(club, title) or "")  # the reason is shown
    cancelled = calendar_event(club, calendar, title)
    assert cancelled is not None and "STATUS:CANCELLED" in cancelled

    page.get_by_role("button", name="Make a series").click()  # the next weeks, previewed
    page.get_by_label("Weekly training").select_option(label=title)
    page.get_by_text("3 new trainings; 1 exist already.").wait_for()
    browser.screenshot(page, "staff-e2e-coach-series-390")
    page.get_by_role("button", name="Create 3 trainings").click()
    page.get_by_role("button", name="Next week").click()
    page.locator("li.training-card", has_text=title).get_by_text("06:15–07:15").wait_for()

    page.get_by_role("button", name="Cancel a period").click()  # next week is a holiday
    page.get_by_label("Reason").fill("Kerstvakantie")
    page.get_by_role("group", name="Only these teams").get_by_label(
        team["attributes"]["name"]
    ).check()
    page.get_by_role("button", name="Cancel a period").click()
    holiday = page.locator("li.training-card", has_text=title)
    holiday.get_by_text("Cancelled").wait_for()
    assert "Reason: Kerstvakantie" in holiday.inner_text()

    other = browser.context.new_page()  # a second tab of the same person
    other.goto(f"{club.url}/en/staff/news/")
    other.locator(".staff-bar").wait_for(state="visible")
    page.get_by_role("button", name="Sign out").click()
    other.wait_for_url("**/en/auth/login/**")  # signing out in one tab signs out every tab
    page.wait_for_url("**/en/auth/login/**")


def test_an_editor_schedules_a_bilingual_story_that_appears_by_itself(
    browser: Browser, club: Club
) -> None:
    club.make_user("editor@example.com", "Eva", "Editor")
    page = sign_in(browser, club, "/en/staff/news/", "editor@example.com", PASSWORD, 1280)
    page.get_by_role("button", name="New story").click()
    page.get_by_label("Section").select_option(label="Judo")
    page.locator("#md-content-nl")  # the languages side by side, each with its toolbar
    page.get_by_label("Title").nth(0).fill("Clubkampioenschap")
    page.get_by_label("Title").nth(1).fill("Club championship")
    page.get_by_label("Summary").nth(0).fill("Iedereen op de mat.")
    page.get_by_label("Summary").nth(1).fill("Everyone on the mat.")
    nl = page.locator("#md-content-nl")
    nl.fill("Zaterdag is het ")
    nl.press("End")
    page.get_by_role("toolbar", name="Formatting: Text").nth(0).get_by_role(
        "button", name="Bold"
    ).click()
    # the toolbar puts the markers in and the caret between them, after its re-render
    page.wait_for_function(
        "() => { const t = document.querySelector('#md-content-nl');"
        " return t.value.endsWith('****') && t.selectionStart === t.value.length - 2"
        " && document.activeElement === t; }"
    )
    nl.type("clubkampioenschap")
    assert nl.input_value() == "Zaterdag is het **clubkampioenschap**"
    english = page.locator("#md-content-en")
    english.fill("On Saturday: the **club championship**.\n\n")
    page.get_by_role("button", name="Preview", exact=True).click()  # the page the site will show
    preview = page.frame_locator("iframe[title='Preview: English']")
    preview.get_by_role("heading", name="Club championship").wait_for()
    browser.screenshot(page, "staff-e2e-editor-preview-1280")
    page.get_by_role("button", name="Preview: Dutch").click()
    page.frame_locator("iframe[title='Preview: Dutch']").get_by_role(
        "heading", name="Clubkampioenschap"
    ).wait_for()
    english.press("End")
    page.locator(".markdown", has=english).locator("input[type=file]").set_input_files(
        files=[{"name": "judo-mat.jpg", "mimeType": "image/jpeg", "buffer": photo(1200, 800)}]
    )
    eventually(
        "the photo is uploaded",
        lambda: re.search(r"!\[judo mat\]\(image:\d+\)", english.input_value()) is not None,
    )
    # the file's name is selected, for the editor to type what the photo shows over it
    page.wait_for_function(
        "() => { const t = document.querySelector('#md-content-en');"
        " return document.activeElement === t"
        " && t.value.slice(t.selectionStart, t.selectionEnd) === 'judo mat'; }"
    )
    page.keyboard.type("The mat laid out for the championship")
    assert re.search(
        r"!\[The mat laid out for the championship\]\(image:\d+\)", english.input_value()
    )
    lead = page.get_by_role("group", name="Photo with the story")
    lead.get_by_label("What does the photo show? (English)").fill("Two judoka bow before a fight")
    lead.get_by_label("Choose a photo").set_input_files(
        files=[{"name": "IMG_2034.jpg", "mimeType": "image/jpeg", "buffer": photo(1600, 900)}]
    )
    lead.get_by_text("Chosen: IMG_2034.jpg").wait_for()
    due = datetime.now(ZONE) + timedelta(seconds=30)
    page.get_by_label("Publish on").fill(f"{due:%Y-%m-%d}")
    page.get_by_label("At", exact=True).fill(f"{due:%H:%M:%S}")
    browser.screenshot(page, "staff-e2e-editor-1280")
    page.get_by_role("button", name="Schedule", exact=True).click()
    row = page.locator("li.card", has_text="Club championship")
    row.wait_for()
    assert "Scheduled" in row.inner_text()
    assert "Club championship" not in club.public("/en/news/")

    eventually(
        "the story appears by itself", lambda: "Club championship" in club.public("/en/news/")
    )
    assert datetime.now(ZONE) >= due  # not before its time
    assert "Clubkampioenschap" in club.public("/news/")
    story = re.search(r'href="(/en/news/\d+-club-championship[^"]*)"', club.public("/en/news/"))
    assert story is not None
    shown = club.public(story.group(1))
    assert re.search(
        r'<figure class="lead-image"><img [^>]*alt="Two judoka bow before a fight"', shown
    )
    assert re.search(r'<img [^>]*alt="The mat laid out for the championship"', shown)  # in the text
    page.reload()
    page.locator("li.card", has_text="Club championship").get_by_text("Live").wait_for()


def test_without_the_api_the_workspace_says_so_and_keeps_the_text(
    browser: Browser, club: Club
) -> None:
    club.make_user("offline@example.com", "Olaf", "Offline")
    page = sign_in(browser, club, "/en/staff/pages/", "offline@example.com", PASSWORD, 390)
    page.get_by_role("button", name="New page").click()
    page.get_by_label("Title").nth(0).fill("Zomerkamp")
    page.locator("#md-content-nl").fill("Een week judo aan zee.")

    browser.expect_error("ERR_INTERNET_DISCONNECTED")
    page.route("**/api/v1/**", lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("alert").get_by_text("The server cannot be reached.").wait_for()
    browser.screenshot(page, "staff-e2e-offline-390")
    page.reload()
    page.get_by_role("alert").get_by_text("The public site works as usual.").wait_for()
    assert httpx.get(f"{club.url}/en/", timeout=10).status_code == 200

    page.unroute("**/api/v1/**")
    page.reload()
    page.get_by_role("button", name="New page").click()
    page.get_by_text("Unsaved text from this device was put back.").wait_for()
    assert page.get_by_label("Title").nth(0).input_value() == "Zomerkamp"
    assert page.locator("#md-content-nl").input_value() == "Een week judo aan zee."


def test_an_admin_invites_someone_who_accepts(browser: Browser, club: Club) -> None:
    page = sign_in(browser, club, "/en/staff/people/", ADMIN_EMAIL, ADMIN_PASSWORD, 390)
    form = page.locator("form", has_text="Invite someone")
    form.get_by_label("Email address").fill("nieuw.lid@example.com")
    form.get_by_label("First name").fill("Nele")
    form.get_by_label("Last name").fill("Nieuw")
    form.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("The invitation for nieuw.lid@example.com is on its way.").wait_for()
    page.locator("li.card", has_text="Nele Nieuw").get_by_text("open").wait_for()

    site = browser.context.new_page()
    site.set_viewport_size({"width": 390, "height": 844})
    site.goto(f"{club.url}/en/staff/site/")
    site.get_by_role("button", name="Send the queue now").click()
    site.get_by_text("The queue was sent.").wait_for()
    link = club.invite_link("nieuw.lid@example.com")

    invitee = browser.open(link, 390)
    invitee.get_by_label("Voornaam").fill("Nele")
    invitee.get_by_label("Familienaam").fill("Nieuw")
    invitee.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    invitee.get_by_label("Herhaal het wachtwoord").fill(PASSWORD)
    invitee.get_by_role("button", name="Account maken").click()
    invitee.locator("#auth-done").wait_for(state="visible")

    page.reload()
    page.locator("li.card", has_text="Nele Nieuw").get_by_text("accepted").wait_for()

    club.smtp.mailbox.refuse.add("wim.weg@example.com")  # this mail will not be delivered
    form.get_by_label("Email address").fill("wim.weg@example.com")
    form.get_by_label("First name").fill("Wim")
    form.get_by_label("Last name").fill("Weg")
    form.get_by_role("button", name="Send the invitation").click()
    page.get_by_text("The invitation for wim.weg@example.com is on its way.").wait_for()
    site.get_by_role("button", name="Send the queue now").click()
    site.get_by_text("The queue was sent.").wait_for()
    dead = site.locator("li.card", has_text="wim.weg@example.com")
    dead.get_by_text("not delivered").wait_for()
    assert "550" in dead.inner_text()  # the server's answer is shown
    browser.screenshot(site, "staff-e2e-dead-mail-390")
    club.smtp.mailbox.refuse.clear()
    dead.get_by_role("button", name="Retry").click()
    site.get_by_text("The mail is back in the queue.").wait_for()
    site.get_by_role("button", name="Send the queue now").click()
    dead.get_by_text("sent", exact=True).wait_for()
    assert club.invite_link("wim.weg@example.com")

    builds = club.api("GET", "/site/builds/latest", headers=club.admin()).json()["data"]["id"]
    site.get_by_role("button", name="Build now").click()
    site.get_by_text("Done: succeeded.").wait_for(timeout=WAIT * 1000)
    latest = club.api("GET", "/site/builds/latest", headers=club.admin()).json()["data"]
    assert int(latest["id"]) > int(builds)  # the page asked for a new build


def test_an_admin_revokes_someone_whose_open_session_stops(
    browser: Browser, club: Club, chromium: Any
) -> None:
    club.make_user("rik.weg@example.com", "Rik", "Weg")
    own = Browser(chromium.new_context(service_workers="block"))  # Rik's own browser
    try:
        own.expect_error(r"status of 401 .*/api/v1/")  # refused once Rik is blocked
        theirs = sign_in(own, club, "/en/staff/", "rik.weg@example.com", PASSWORD, 390)
        page = sign_in(browser, club, "/en/staff/people/", ADMIN_EMAIL, ADMIN_PASSWORD, 1280)
        page.get_by_role("button", name="Make admin: Rik Weg").click()
        page.get_by_role("button", name="No longer admin: Rik Weg").wait_for()
        page.get_by_role("button", name="No longer admin: Rik Weg").click()
        page.get_by_role("button", name="Block: Rik Weg").click()
        page.get_by_text("Rik Weg is blocked and signed out everywhere.").wait_for()
        # public reads still answer a blocked token (as anyone's), but the tab checks its login
        # every 15 seconds and lands on the sign-in page
        theirs.wait_for_url("**/en/auth/login/**", timeout=40_000)
        own.assert_clean()
    finally:
        own.context.close()


def test_everyone_keeps_their_own_account(browser: Browser, club: Club) -> None:
    club.make_user("anna@example.com", "Ann", "Account")
    page = sign_in(browser, club, "/en/staff/account/", "anna@example.com", PASSWORD, 390)
    details = page.locator("form", has_text="Your details")
    details.get_by_label("First name").fill("Anna")
    details.get_by_label("Language").select_option("nl")
    details.get_by_role("button", name="Save").click()
    details.get_by_text("Saved.").wait_for()
    form = page.locator("form", has_text="Change the password")
    form.get_by_label("Current password").fill(PASSWORD)
    form.get_by_label("New password", exact=True).fill("nog-beter-judo")
    form.get_by_label("Repeat the new password").fill("nog-beter-judo")
    form.get_by_role("button", name="Save the password").click()
    form.get_by_text("Your new password is saved.").wait_for()
    login = club.api(
        "POST", "/auth/login", data={"username": "anna@example.com", "password": "nog-beter-judo"}
    )
    assert login.status_code == 200
    me = club.api(
        "GET", "/auth/user", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
    )
    assert me.json()["data"]["attributes"]["first_name"] == "Anna"


def test_the_club_its_sections_coaches_and_teams_are_edited(browser: Browser, club: Club) -> None:
    page = sign_in(browser, club, "/en/staff/club/", ADMIN_EMAIL, ADMIN_PASSWORD, 1280)
    page.get_by_role("button", name="Edit: Judo").click()
    english = page.get_by_role("group", name="English")
    english.get_by_label("Title").fill("Judo and more")
    hero = page.get_by_role("group", name="Picture at the top of the section")
    hero.get_by_label("Choose a photo").set_input_files(
        files=[{"name": "dojo.jpg", "mimeType": "image/jpeg", "buffer": photo(1600, 600)}]
    )
    hero.get_by_text("Chosen: dojo.jpg").wait_for()  # uploaded; on the site once saved
    hero.locator("img.image-thumb").wait_for()
    described = hero.get_by_label("What does the photo show? (English)")
    assert described.input_value() == ""  # never the file's name
    described.fill("Children practise a throw on the blue mats")
    described.press("Tab")  # saved with the photo as the field is left
    hero.get_by_text("Saved: the photo says this wherever it is shown.").wait_for()
    dutch = hero.get_by_label("What does the photo show? (Dutch)")
    dutch.fill("Kinderen oefenen een worp op de blauwe matten")
    dutch.press("Tab")
    hero.get_by_text("Saved: the photo says this wherever it is shown.").wait_for()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("On the site since").wait_for(timeout=WAIT * 1000)
    assert "Judo and more" in club.public("/en/")
    assert "Judo and more" not in club.public("/")  # the Dutch title stays
    hero_alt = r'<figure class="hero-image"><img [^>]*alt="{}"'
    assert re.search(
        hero_alt.format("Children practise a throw on the blue mats"), club.public("/en/judo/")
    )
    eventually(  # the description saved last may be live a build later
        "the Dutch description",
        lambda: (
            re.search(
                hero_alt.format("Kinderen oefenen een worp op de blauwe matten"),
                club.public("/judo/"),
            )
            is not None
        ),
    )

    page.get_by_role("button", name="New team").click()
    page.get_by_label("Name").fill("Kata")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name="Edit: Kata").wait_for()
    page.get_by_role("button", name="New coach").click()
    page.get_by_label("Name").fill("Noor Nieuw")
    page.get_by_label("Introduction (Dutch)").fill("Zwarte gordel, trainer van de jeugd.")
    page.get_by_label("Introduction (English)").fill("Black belt, coaches the youth.")
    portrait = page.get_by_role("group", name="Portrait")
    portrait.get_by_label("Choose a photo").set_input_files(
        files=[{"name": "noor.jpg", "mimeType": "image/jpeg", "buffer": photo(800, 1000)}]
    )
    portrait.get_by_text("Chosen: noor.jpg").wait_for()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name="Edit: Noor Nieuw").wait_for()
    eventually(
        "the coach on the site",
        lambda: "Black belt, coaches the youth." in club.public("/en/coaches/"),
    )
    assert "Zwarte gordel, trainer van de jeugd." in club.public("/coaches/")
    assert re.search(  # her portrait beside her name
        r'<img [^>]*class="coach-photo"[^>]*>\s*<h2 class="card-title">Noor Nieuw</h2>',
        club.public("/en/coaches/"),
    )

    page.get_by_role("button", name="Edit: Noor Nieuw").click()  # the portrait is kept
    page.get_by_role("group", name="Portrait").get_by_text("A photo is chosen.").wait_for()
    page.get_by_role("group", name="Portrait").locator("img.image-thumb").wait_for()


def test_photos_are_described_and_deleted_once_nothing_shows_them(
    browser: Browser, club: Club
) -> None:
    used = club.api(  # a photo a coach shows
        "POST",
        "/images",
        files={"file": ("hall.jpg", photo(600, 600), "image/jpeg")},
        data={"alt": "De matten in de zaal"},
        headers=club.admin(),
    ).json()["data"]["id"]
    coach = {
        "data": {
            "type": "coaches",
            "attributes": {"name": "Cas Bezet", "active": True},
            "relationships": {"photo": {"data": {"type": "images", "id": used}}},
        }
    }
    made = club.api("POST", "/trainings/coaches", json=coach, headers=club.admin())
    assert made.status_code == 201, made.text
    page = sign_in(browser, club, "/en/staff/photos/", ADMIN_EMAIL, ADMIN_PASSWORD, 390)
    count = club.api("GET", "/images", headers=club.admin()).json()["meta"]["count"]
    page.get_by_text(f"{count} photo(s)").wait_for()
    upload = page.get_by_role("group", name="Upload a photo")
    upload.get_by_label("What does the photo show? (English)").fill("A referee raises a flag")
    upload.get_by_label("What does the photo show? (Dutch)").fill(
        "Een scheidsrechter steekt een vlag op"
    )
    upload.get_by_label("Choose a photo").set_input_files(
        files=[{"name": "IMG_0042.jpg", "mimeType": "image/jpeg", "buffer": photo(900, 600)}]
    )
    card = page.locator("li.photo-card", has_text="A referee raises a flag")
    card.locator("img.image-thumb").wait_for()  # shown before anything publishes it
    page.get_by_text(f"{count + 1} photo(s)").wait_for()
    newest = club.api("GET", "/images", headers=club.admin()).json()["data"][0]
    assert newest["attributes"]["texts"] == [
        {"locale": "nl", "alt": "Een scheidsrechter steekt een vlag op"},
        {"locale": "en", "alt": "A referee raises a flag"},
    ]
    assert f"image:{newest['id']})" in card.locator("code").inner_text()  # for a text
    card = page.locator("li.photo-card", has=page.get_by_text(f"image:{newest['id']})"))
    english = card.get_by_label("What does the photo show? (English)")
    english.fill("A referee raises the white flag")
    english.press("Tab")
    card.get_by_text("Saved: the photo says this wherever it is shown.").wait_for()
    texts = club.api("GET", f"/images/{newest['id']}", headers=club.admin()).json()
    assert texts["data"]["attributes"]["texts"][1]["alt"] == "A referee raises the white flag"

    page.on("dialog", lambda dialog: dialog.accept())
    browser.expect_error(r"status of 409")  # the refused delete
    shown = page.locator("li.photo-card", has_text="De matten in de zaal")  # no English words
    shown.get_by_role("button", name="Delete: De matten in de zaal").click()
    shown.get_by_text("still shown by").wait_for()  # refused, and says by what
    card.get_by_role("button", name="Delete: A referee raises the white flag").click()
    page.get_by_text("The photo is deleted.").wait_for()
    assert card.count() == 0
    left = club.api("GET", "/images", headers=club.admin()).json()["meta"]["count"]
    assert left == count


def staff_views() -> list[str]:
    return [name for name, _, _ in VIEWS]


PUBLIC = [
    "/",
    "/en/",
    "/news/",
    "/en/news/",
    "/trainings/",
    "/en/coaches/",
    "/search/",
    "/404.html",
    "/auth/login/",
    "/en/auth/recover/",
]


def test_every_workspace_page_is_accessible_at_both_widths(browser: Browser, club: Club) -> None:
    page = sign_in(browser, club, "/en/staff/", ADMIN_EMAIL, ADMIN_PASSWORD, 1280)
    for lang, prefix in (("en", "/en"), ("nl", "")):
        for view in staff_views():
            path = f"{prefix}/staff/{'' if view == 'trainings' else view + '/'}"
            for width in (390, 1280):
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{club.url}{path}")
                page.locator(".staff-bar").wait_for(state="visible")
                page.wait_for_load_state("networkidle")
                if lang == "en" or width == 390:
                    browser.screenshot(page, f"staff-{view}-{lang}-{width}")
                assert violations(page) == [], f"{path} at {width} px"
                assert page.evaluate("document.scrollingElement.scrollWidth") <= width, path


def test_the_public_page_types_are_accessible(browser: Browser, club: Club) -> None:
    page = browser.open(f"{club.url}/", 390)
    story = re.search(r'href="(/news/\d+-[^"]+\.html)"', club.public("/news/"))
    section = re.search(r'href="(/judo/[^"]*)"', club.public("/"))
    assert story and section
    for path in [*PUBLIC, story.group(1), section.group(1)]:
        page.goto(f"{club.url}{path}")
        assert violations(page) == [], path
        assert "staff" not in page.evaluate("[...document.scripts].map((s) => s.src).join(' ')"), (
            path
        )
