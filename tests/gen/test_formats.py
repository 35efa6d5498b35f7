"""Atom feeds, iCalendar feeds, the sitemap and robots.txt, rendered from the demo club's plan."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from kwai_api.core.database import Database, open_database
from kwai_api.demo import create_club
from kwai_gen.gather import gather
from kwai_gen.model import Club, Training
from kwai_gen.plan.outputs import Output, SiteInfo
from kwai_gen.plan.site import plan
from kwai_gen.plan.urls import team_calendar_path
from kwai_gen.render.formats import RENDERERS
from tests.conftest import ANCHOR, NOW, make_settings

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
URL = "https://judo.example"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Club, SiteInfo]]:
    settings = make_settings(tmp_path_factory.mktemp("renderers"))
    database: Database = open_database(settings.database.path)
    create_club(database, seed=1, anchor=ANCHOR, timezone=settings.site.timezone)
    site = SiteInfo(
        settings.site.name,
        settings.site.tagline.get("nl"),
        URL,
        ("nl", "en"),
        settings.site.timezone,
    )
    yield gather(database, NOW), site
    database.close()


@pytest.fixture(scope="module")
def outputs(demo: tuple[Club, SiteInfo]) -> dict[str, Output]:
    return {o.path: o for o in plan(*demo)}


def render(output: Output) -> bytes:
    return RENDERERS[output.template](output.made())


def test_every_non_html_output_has_a_renderer(outputs: dict[str, Output]) -> None:
    kinds = {o.template for o in outputs.values() if not o.template.endswith(".html")}
    assert (
        kinds | {"redirect"}
        == set(RENDERERS)
        == {"atom", "ical", "sitemap", "sitemap_index", "robots", "manifest", "redirect"}
    )  # test_addresses


def test_the_news_feed_holds_the_newest_twenty_with_absolute_links(
    demo: tuple[Club, SiteInfo], outputs: dict[str, Output]
) -> None:
    club, _ = demo
    feed = ElementTree.fromstring(render(outputs["feeds/news.atom.xml"]))
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 20
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[1] == club.stories[1].texts["nl"].title
    assert titles[0] == club.stories[0].texts["en"].title  # English only: falls back
    links = [e.find(f"{ATOM}link").get("href", "") for e in entries]  # type: ignore[union-attr]
    assert all(link.startswith(f"{URL}/news/") for link in links)
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 20 and ids[0] == f"tag:judo.example,2000:nl/news/{club.stories[0].id}"
    newest = max(s.updated_at for s in club.stories[:20])
    assert feed.findtext(f"{ATOM}updated") == newest.isoformat()
    english = ElementTree.fromstring(render(outputs["en/feeds/news.atom.xml"]))
    first = english.find(f"{ATOM}entry/{ATOM}link")
    assert first is not None and first.get("href", "").startswith(f"{URL}/en/news/")


def test_an_application_feed_holds_only_its_stories(
    demo: tuple[Club, SiteInfo], outputs: dict[str, Output]
) -> None:
    club, _ = demo
    feed = ElementTree.fromstring(render(outputs["feeds/judo.atom.xml"]))
    judo = [s for s in club.stories if s.application == "judo"][:20]
    ids = [e.findtext(f"{ATOM}id", "").rsplit("/", 1)[1] for e in feed.findall(f"{ATOM}entry")]
    assert ids == [str(s.id) for s in judo]


def test_an_empty_feed_does_not_depend_on_the_clock(demo: tuple[Club, SiteInfo]) -> None:
    club, site = demo
    quiet = replace(club, stories=())
    feed = next(o for o in plan(quiet, site) if o.path == "feeds/news.atom.xml")
    first, second = render(feed), render(feed)
    assert first == second
    assert ElementTree.fromstring(first).findtext(f"{ATOM}updated") == "2000-01-01T00:00:00+00:00"


def test_the_sitemap_lists_every_page_with_its_alternates(outputs: dict[str, Output]) -> None:
    index = ElementTree.fromstring(render(outputs["sitemap.xml"]))
    chunks = [loc.text or "" for loc in index.iter(f"{SITEMAP}loc")]
    assert chunks and all(c.startswith(f"{URL}/sitemaps/") for c in chunks)
    urls: dict[str, ElementTree.Element] = {}
    for chunk in chunks:
        sitemap = ElementTree.fromstring(render(outputs[chunk.removeprefix(URL + "/")]))
        urls |= {u.findtext(f"{SITEMAP}loc", ""): u for u in sitemap.findall(f"{SITEMAP}url")}
    pages = [
        p
        for p, o in outputs.items()
        if o.template.endswith(".html")
        and o.page is not None
        and o.template not in {"404.html", "search.html"}
    ]
    assert not any("/auth/" in url for url in urls)  # the staff pages are not for search engines
    expected = {URL + "/" + p.removesuffix("index.html") for p in pages}
    assert set(urls) == expected
    story = next(u for u in urls if u.startswith(f"{URL}/en/news/") and u.endswith(".html"))
    alternates = {
        link.get("hreflang"): link.get("href") for link in urls[story].findall(f"{XHTML}link")
    }
    dutch = alternates["nl"] or ""  # the Dutch address has the slug of the Dutch title
    assert dutch.startswith(f"{URL}/news/") and dutch in urls
    assert alternates == {"nl": dutch, "en": story, "x-default": dutch}
    assert urls[story].findtext(f"{SITEMAP}lastmod", "").endswith("+00:00")
    assert not any("404" in u or "/search/" in u for u in urls)


def test_robots_points_at_the_sitemap(outputs: dict[str, Output]) -> None:
    robots = render(outputs["robots.txt"]).decode()
    assert f"Sitemap: {URL}/sitemap.xml" in robots.splitlines()
    assert "Disallow: /auth/" in robots.splitlines()


# The calendar feeds start eight weeks before the week of NOW (Monday 23 November).
WINDOW = datetime(2026, 9, 28, tzinfo=ZoneInfo("Europe/Brussels"))


def in_window(club: Club) -> list[Training]:
    """The trainings the calendar feeds hold."""
    return [t for t in club.trainings if t.start >= WINDOW]


def events(output: Output) -> dict[str, Any]:
    calendar = Calendar.from_ical(render(output))
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_the_calendar_holds_the_trainings_from_eight_weeks_back_with_stable_uids(
    demo: tuple[Club, SiteInfo], outputs: dict[str, Output]
) -> None:
    club, _ = demo
    raw = render(outputs["trainings.ics"])
    calendar = Calendar.from_ical(raw)
    found = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(found) == {f"training-{t.id}@judo.example" for t in in_window(club)}
    assert any(t.start < WINDOW for t in club.trainings)  # older ones exist, and are left out
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    training = in_window(club)[0]
    event = found[f"training-{training.id}@judo.example"]
    assert event["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert event.decoded("DTSTART") == training.start
    assert event.decoded("DTEND") == training.end
    assert int(str(event["SEQUENCE"])) == training.revision
    assert event.decoded("LAST-MODIFIED") == training.updated_at
    assert event.decoded("DTSTAMP") == training.updated_at  # not the build time
    assert str(event["STATUS"]) == "CONFIRMED"
    assert b"DTSTART;TZID=Europe/Brussels:" in raw
    assert render(outputs["trainings.ics"]) == raw  # the same data, the same bytes


def test_a_cancelled_training_is_marked_in_both_languages(
    demo: tuple[Club, SiteInfo], outputs: dict[str, Output]
) -> None:
    club, _ = demo
    cancelled = next(t for t in in_window(club) if t.cancelled)
    uid = f"training-{cancelled.id}@judo.example"
    dutch = events(outputs["trainings.ics"])[uid]
    english = events(outputs["en/trainings.ics"])[uid]
    assert str(dutch["STATUS"]) == str(english["STATUS"]) == "CANCELLED"
    assert str(dutch["SUMMARY"]) == f"Geannuleerd: {cancelled.texts['nl'].title}"
    assert str(english["SUMMARY"]).startswith("Cancelled: ")
    assert int(dutch["SEQUENCE"]) == cancelled.revision == 1


def test_a_team_calendar_holds_only_its_trainings(
    demo: tuple[Club, SiteInfo], outputs: dict[str, Output]
) -> None:
    club, _ = demo
    team = next(t for t in club.teams if t.name == "Jeugd")
    found = events(outputs[team_calendar_path(team)])
    mine = {
        f"training-{t.id}@judo.example"
        for t in in_window(club)
        if any(x.id == team.id for x in t.teams)
    }
    assert set(found) == mine and len(mine) > 20


def test_an_edited_training_gets_a_higher_sequence(demo: tuple[Club, SiteInfo]) -> None:
    club, site = demo
    training = in_window(club)[5]
    edited = replace(
        training,
        revision=training.revision + 1,
        cancelled=True,
        updated_at=datetime(2026, 11, 26, 13, 0, tzinfo=UTC),
    )
    later = replace(club, trainings=tuple(edited if t is training else t for t in club.trainings))
    feed = next(o for o in plan(later, site) if o.path == "trainings.ics")
    event = events(feed)[f"training-{training.id}@judo.example"]
    assert int(event["SEQUENCE"]) == training.revision + 1
    assert event.decoded("DTSTAMP") == edited.updated_at


def test_calendar_text_is_escaped_and_folded(demo: tuple[Club, SiteInfo]) -> None:
    club, site = demo
    title = "Randori; kata, ne-waza \\ uitleg\nen één héél lange titel " + "ü" * 60
    first = in_window(club)[0]
    training = replace(
        first,
        texts={"nl": replace(first.texts["nl"], title=title)},
        location="Zaal 1; De Kemp, Kemzeke",
    )
    calendar = next(
        o for o in plan(replace(club, trainings=(training,)), site) if o.path == "trainings.ics"
    )
    raw = render(calendar)
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    raw.decode("utf-8")  # folding never splits a character
    event = events(calendar)[f"training-{training.id}@judo.example"]
    assert str(event["SUMMARY"]) == title
    assert str(event["LOCATION"]) == "Zaal 1; De Kemp, Kemzeke"
