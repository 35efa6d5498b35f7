"""The events of the built demo site in headless Chromium: the calendar, the archive, an event's
page, a section's events and the iCal feed, in both languages, at 390 and 1280 pixels wide.

Each page is looked at as a person sees it (one h1, no sideways scrolling on a phone) and saved
as a screenshot under test-output/screenshots/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar

from kwai_api.core.database import open_database
from kwai_api.demo import create_club
from kwai_gen.build import build_site, site_info
from kwai_gen.gather import gather
from kwai_gen.model import Event, text_for
from kwai_gen.plan.outputs import SiteInfo
from kwai_gen.plan.urls import href
from tests.conftest import ANCHOR, NOW, make_settings
from tests.support.browser import Browser, browser, chromium, scroll_width, static_server

__all__ = ["browser", "chromium"]  # the fixtures this module uses

LANGUAGES = ("nl", "en")
WIDTHS = (390, 1280)
CALENDAR = {"nl": "Kalender", "en": "Calendar"}
REGISTER = {"nl": "Inschrijven", "en": "Register"}

both = pytest.mark.parametrize("lang", LANGUAGES)
widths = pytest.mark.parametrize("width", WIDTHS)


@dataclass(frozen=True)
class EventsSite:
    """The built site and its events."""

    root: Path
    site: SiteInfo
    events: tuple[Event, ...]

    def titles(self, events: list[Event], lang: str) -> list[str]:
        return [text_for(e.texts, lang, self.site.languages).text.title for e in events]

    @property
    def upcoming(self) -> list[Event]:
        return [e for e in self.events if e.end >= NOW.date()]

    @property
    def past(self) -> list[Event]:
        return [e for e in self.events if e.end < NOW.date()]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EventsSite]:
    """The seeded club, built at NOW."""
    settings = make_settings(tmp_path_factory.mktemp("browser-events"))
    db = open_database(settings.database.path)
    try:
        create_club(db, seed=1, anchor=ANCHOR, timezone=settings.site.timezone)
        build_site(settings, db, now=NOW)
        events = gather(db, NOW, settings.site.zone).events
    finally:
        db.close()
    yield EventsSite(settings.site.output / "current", site_info(settings), events)


@pytest.fixture(scope="module")
def site_url(demo: EventsSite) -> Iterator[str]:
    with static_server(demo.root) as url:
        yield url


def look(browser: Browser, page: Any, name: str, lang: str, width: int) -> None:
    """One h1, the page's language, no sideways scrolling on a phone; then a screenshot."""
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").count() == 1
    if width < 400:
        assert scroll_width(page) <= width, f"{name} scrolls sideways at {width} px"
    browser.screenshot(page, f"{name}-{lang}-{width}")
    browser.assert_clean()


def card_titles(page: Any) -> list[str]:
    return [t.strip() for t in page.locator(".event-card .card-title a").all_text_contents()]


def json_ld(page: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        page.locator('script[type="application/ld+json"]').text_content()
    )
    return data


@pytest.mark.browser
@both
@widths
def test_the_calendar_shows_upcoming_events_with_registration(
    browser: Browser, site_url: str, demo: EventsSite, lang: str, width: int
) -> None:
    page = browser.open(site_url + href(demo.site, lang, "calendar/"), width)

    assert page.locator("h1").text_content() == CALENDAR[lang]
    assert card_titles(page) == demo.titles(demo.upcoming, lang)
    assert not set(demo.titles(demo.past, lang)) & set(card_titles(page))
    register = page.get_by_role("link", name=REGISTER[lang]).first
    assert register.is_visible()
    first_link = next(e.registration_url for e in demo.upcoming if e.registration_url)
    assert register.get_attribute("href") == first_link
    ld = json_ld(page)
    assert [i["item"]["@type"] for i in ld["itemListElement"]] == ["SportsEvent"] * len(
        demo.upcoming
    )
    footer = page.locator(".site-footer a", has_text=CALENDAR[lang])
    assert footer.get_attribute("href") == href(demo.site, lang, "calendar/")
    look(browser, page, "events", lang, width)


@pytest.mark.browser
@both
def test_the_archive_holds_past_events_by_year(
    browser: Browser, site_url: str, demo: EventsSite, lang: str
) -> None:
    page = browser.open(site_url + href(demo.site, lang, "calendar/"), 390)
    years = sorted({e.start.year for e in demo.past}, reverse=True)

    page.locator(".inline-list a", has_text=str(years[0])).click()
    page.wait_for_load_state("load")

    assert page.url.endswith(href(demo.site, lang, f"calendar/{years[0]}/"))
    past = [e for e in demo.past if e.start.year == years[0]][::-1]
    assert card_titles(page) == demo.titles(past, lang)
    look(browser, page, "events-archive", lang, 390)


@pytest.mark.browser
@both
@widths
def test_an_event_page_tells_when_where_and_how_to_register(
    browser: Browser, site_url: str, demo: EventsSite, lang: str, width: int
) -> None:
    event = next(e for e in demo.upcoming if e.start != e.end and e.registration_url)
    title = demo.titles([event], lang)[0]
    page = browser.open(site_url + href(demo.site, lang, "calendar/"), width)

    page.locator(".event-card .card-title a", has_text=title).click()
    page.wait_for_load_state("load")

    assert page.locator("h1").text_content() == title
    facts = page.locator(".event-facts").text_content() or ""
    assert event.location in facts
    assert page.locator(".event-facts time").get_attribute("datetime") == event.start.isoformat()
    ld = json_ld(page)
    assert (ld["@type"], ld["startDate"], ld["endDate"]) == (
        "SportsEvent",
        event.start.isoformat(),
        event.end.isoformat(),
    )
    assert ld["offers"]["url"] == event.registration_url
    look(browser, page, "event", lang, width)


@pytest.mark.browser
@both
def test_a_section_lists_its_events(
    browser: Browser, site_url: str, demo: EventsSite, lang: str
) -> None:
    tournaments = [e for e in demo.upcoming if e.application == "tournaments"]
    page = browser.open(site_url + href(demo.site, lang, "tournaments/"), 390)

    assert card_titles(page) == demo.titles(tournaments, lang)
    look(browser, page, "section-events", lang, 390)


@pytest.mark.browser
@both
def test_the_feed_linked_from_the_calendar_holds_every_event_as_whole_days(
    browser: Browser, site_url: str, demo: EventsSite, lang: str
) -> None:
    page = browser.open(site_url + href(demo.site, lang, "calendar/"), 1280)
    link = page.locator('link[rel="alternate"][type="text/calendar"]').get_attribute("href")
    webcal = page.locator("a[href^='webcal://']").get_attribute("href")
    assert link is not None and webcal == "webcal://" + link.split("://", 1)[1]

    response = page.request.get(site_url + urlsplit(link).path)

    assert response.ok
    calendar = Calendar.from_ical(response.body())
    found = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(found) == set(demo.titles(list(demo.events), lang))
    for event in demo.events:
        vevent = found[demo.titles([event], lang)[0]]
        assert vevent.decoded("DTSTART") == event.start
    browser.assert_clean()
