"""Events on the site: the calendar, the archive by year, event pages, sections, the feed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from kwai_api.core.database import Database, open_database
from kwai_api.demo import create_club
from kwai_gen.build import site_info
from kwai_gen.gather import gather
from kwai_gen.model import Club, Event
from kwai_gen.plan.outputs import Output, SiteInfo
from kwai_gen.plan.site import plan
from kwai_gen.plan.urls import event_path
from kwai_gen.render.formats import RENDERERS
from tests.conftest import ANCHOR, NOW, make_settings
from tests.gen.test_site_html import environment

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, SiteInfo]]:
    settings = make_settings(tmp_path_factory.mktemp("events"))
    database = open_database(settings.database.path)
    create_club(database, seed=1, anchor=ANCHOR, timezone=settings.site.timezone)
    yield database, replace(site_info(settings), url="https://judo.example", search=False)
    database.close()


def at(demo: tuple[Database, SiteInfo], now: datetime) -> tuple[Club, dict[str, Output]]:
    club = gather(demo[0], now, BRUSSELS)
    return club, {o.path: o for o in plan(club, demo[1])}


@pytest.fixture(scope="module")
def now(demo: tuple[Database, SiteInfo]) -> tuple[Club, dict[str, Output]]:
    return at(demo, NOW)


def ids(items: tuple[object, ...]) -> list[int]:
    return [item.id for item in items]  # type: ignore[attr-defined]


def html(output: Output) -> str:
    return environment().get_template(output.template).render(**output.made())


def test_only_enabled_events_are_gathered(demo: tuple[Database, SiteInfo]) -> None:
    rows = demo[0].fetchall("SELECT id, enabled FROM events ORDER BY start_date, id")
    club = gather(demo[0], NOW, BRUSSELS)

    assert [e.id for e in club.events] == [r["id"] for r in rows if r["enabled"]]
    assert len(club.events) < len(rows)


def test_the_calendar_lists_upcoming_events_in_both_languages(
    now: tuple[Club, dict[str, Output]],
) -> None:
    club, outputs = now
    upcoming = [e.id for e in club.events if e.end >= NOW.date()]
    assert 0 < len(upcoming) < len(club.events)

    for prefix in ("", "en/"):
        context = outputs[f"{prefix}calendar/index.html"].made()
        assert ids(context["events"]) == upcoming
        assert [link.title for link in context["archive"]] == ["2026", "2025"]
        assert context["subscription"].url == f"https://judo.example/{prefix}events.ics"


def test_past_events_are_archived_by_the_year_they_started(
    now: tuple[Club, dict[str, Output]],
) -> None:
    club, outputs = now
    for year in (2025, 2026):
        past = [e.id for e in club.events if e.end < NOW.date() and e.start.year == year]
        assert past
        assert ids(outputs[f"calendar/{year}/index.html"].made()["events"]) == past[::-1]
    assert "calendar/2027/index.html" not in outputs


def test_an_event_moves_to_the_archive_the_day_after_it_ends(
    demo: tuple[Database, SiteInfo], now: tuple[Club, dict[str, Output]]
) -> None:
    first = next(e for e in now[0].events if e.end >= NOW.date())
    last_evening = datetime.combine(first.end, datetime.min.time(), BRUSSELS) + timedelta(
        hours=23, minutes=59
    )
    midnight = datetime.combine(first.end + timedelta(days=1), datetime.min.time(), BRUSSELS)

    _, before = at(demo, last_evening.astimezone(UTC))
    club, after = at(demo, midnight.astimezone(UTC))

    assert first.id in ids(before["calendar/index.html"].made()["events"])
    assert first.id not in ids(after["calendar/index.html"].made()["events"])
    archived = after[f"calendar/{first.start.year}/index.html"].made()["events"]
    assert first.id in ids(archived)
    page = html(after[event_path(first, demo[1])])
    assert "Dit evenement is voorbij." in page and "Inschrijven" not in page


def test_a_midnight_that_archives_an_event_or_closes_registration_triggers_a_build(
    demo: tuple[Database, SiteInfo],
) -> None:
    event = next(e for e in gather(demo[0], NOW).events if e.registration_deadline)
    assert event.registration_deadline is not None
    closing = datetime.combine(
        event.registration_deadline + timedelta(days=1), datetime.min.time(), BRUSSELS
    )
    just_before = closing.astimezone(UTC) - timedelta(minutes=1)

    club = gather(demo[0], just_before, BRUSSELS)

    assert club.next_change == closing.astimezone(UTC)


def test_registration_closes_after_its_deadline(demo: tuple[Database, SiteInfo]) -> None:
    event = next(e for e in gather(demo[0], NOW).events if e.registration_deadline)
    assert event.registration_deadline is not None
    path = event_path(event, demo[1])
    deadline_noon = datetime.combine(event.registration_deadline, datetime.min.time(), UTC)

    _, open_ = at(demo, deadline_noon + timedelta(hours=12))
    _, closed = at(demo, deadline_noon + timedelta(days=1, hours=12))

    assert open_[path].made()["event"].registration_open
    assert not closed[path].made()["event"].registration_open
    assert 'class="button" href="https://example.org/' in html(open_[path])
    assert "De inschrijvingen zijn afgesloten." in html(closed[path])


def test_every_event_has_a_page_with_json_ld_in_both_languages(
    now: tuple[Club, dict[str, Output]], demo: tuple[Database, SiteInfo]
) -> None:
    club, outputs = now
    for event in club.events:
        for lang, prefix in (("nl", ""), ("en", "en/")):
            page = html(outputs[prefix + event_path(event, demo[1], lang)])
            found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page)
            assert found is not None
            data = json.loads(found.group(1))
            assert data["@type"] == "SportsEvent"
            assert (data["startDate"], data["endDate"]) == (
                event.start.isoformat(),
                event.end.isoformat(),
            )
    tournament = next(e for e in club.events if e.start != e.end)
    page = html(outputs["en/" + event_path(tournament, demo[1], "en")])
    assert "<h1>Kemzeke Open</h1>" in page
    assert "26\u2009–\u200927 Dec 2026" in page  # en_GB sets the dash between thin spaces


def test_the_calendar_page_offers_its_feed_and_lists_events_as_json_ld(
    now: tuple[Club, dict[str, Output]],
) -> None:
    page = html(now[1]["en/calendar/index.html"])

    assert '<link rel="alternate" type="text/calendar"' in page
    assert 'href="https://judo.example/en/events.ics"' in page
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page)
    assert found is not None
    items = json.loads(found.group(1))["itemListElement"]
    assert [i["item"]["name"] for i in items] == ["Kemzeke Open", "Grading exam", "Summer camp"]


def test_a_section_lists_its_upcoming_events(now: tuple[Club, dict[str, Output]]) -> None:
    club, outputs = now
    upcoming = [e.id for e in club.events if e.application == "tournaments" and e.end >= NOW.date()]

    section = outputs["en/tournaments/index.html"].made()

    assert ids(section["events"]) == upcoming
    assert section["events_url"] == "/en/calendar/"
    assert outputs["en/club/index.html"].made()["events_url"] is None
    assert "Kemzeke Open" in html(outputs["en/tournaments/index.html"])


def test_the_footer_leads_to_the_calendar(now: tuple[Club, dict[str, Output]]) -> None:
    footer = now[1]["en/news/index.html"].made()["footer"]

    assert "/en/calendar/" in [link.url for link in footer]


def test_a_club_without_events_has_no_calendar(
    now: tuple[Club, dict[str, Output]], demo: tuple[Database, SiteInfo]
) -> None:
    apps = tuple(replace(a, events=False) for a in now[0].applications)
    club = replace(now[0], events=(), applications=apps)

    paths = {o.path for o in plan(club, demo[1])}

    assert not any(p.startswith("calendar/") or p.endswith("events.ics") for p in paths)


def test_the_feed_holds_all_day_events_in_each_language(
    now: tuple[Club, dict[str, Output]],
) -> None:
    club, outputs = now
    for prefix, title in (("", "Zomerkamp"), ("en/", "Summer camp")):
        output = outputs[f"{prefix}events.ics"]
        raw = RENDERERS[output.template](output.made())
        assert b"BEGIN:VTIMEZONE" not in raw  # whole days need no time zone
        found = {str(e["UID"]): e for e in Calendar.from_ical(raw).walk("VEVENT")}
        assert set(found) == {f"event-{e.id}@judo.example" for e in club.events}
        camp: Event = next(e for e in club.events if e.end - e.start == timedelta(days=4))
        vevent = found[f"event-{camp.id}@judo.example"]
        assert str(vevent["SUMMARY"]) == title
        assert vevent.decoded("DTSTART") == camp.start and type(vevent.decoded("DTSTART")) is date
        assert vevent.decoded("DTEND") == camp.end + timedelta(days=1)
        assert "DTSTART;VALUE=DATE:" in raw.decode()
