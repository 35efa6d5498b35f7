"""The events of one language: the calendar of upcoming events, the archive by year, a page per
event and an iCal feed.

Days are the club's: an event is upcoming until its last day is over in the club's zone, then it
moves to the archive of the year it started in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from kwai_gen.model import Club, Event
from kwai_gen.plan import describe
from kwai_gen.plan.frames import Frame
from kwai_gen.plan.outputs import Output, SiteInfo
from kwai_gen.plan.urls import (
    EVENTS,
    EVENTS_CALENDAR,
    event_path,
    event_versions,
    events_year_path,
    href,
    output_file,
)
from kwai_gen.plan.views import CalendarEvent, Link, Subscription, local_text, section_link

SECTION_EVENTS = 5  # upcoming events on an application's page
FEED_DAYS_BACK = 365  # the feed keeps a year of past events


@dataclass(frozen=True)
class EventItem:
    """An event as a list or its own page shows it, in the page's language."""

    id: int
    url: str
    title: str
    summary: str  # HTML
    content: str  # HTML; empty in lists
    start: date
    end: date
    location: str
    registration_url: str | None
    registration_deadline: date | None
    registration_open: bool  # the deadline (if any) has not passed
    past: bool  # its last day is over: it is in the archive
    section: Link | None  # its application
    lang: str | None = None

    @property
    def one_day(self) -> bool:
        """The event starts and ends on the same day."""
        return self.start == self.end


def today(club: Club, site: SiteInfo) -> date:
    """The club's day at `club.now`."""
    return club.now.astimezone(site.zone).date()


def upcoming(club: Club, site: SiteInfo) -> list[Event]:
    """The events not over yet, by start day."""
    day = today(club, site)
    return [e for e in club.events if e.end >= day]


def event_item(
    event: Event, club: Club, frame: Frame, sections: dict[str, Link], full: bool = False
) -> EventItem:
    """An event in the frame's language (falling back); with its content only when `full`."""
    site, lang = frame.site, frame.lang
    text, marked = local_text(event.texts, site, lang)
    deadline = event.registration_deadline
    return EventItem(
        id=event.id,
        url=href(site, lang, event_path(event, site, lang)),
        title=text.title,
        summary=text.summary,
        content=text.content if full else "",
        start=event.start,
        end=event.end,
        location=event.location,
        registration_url=event.registration_url,
        registration_deadline=deadline,
        registration_open=deadline is None or deadline >= today(club, site),
        past=event.end < today(club, site),
        section=sections.get(event.application),
        lang=marked,
    )


def section_events(club: Club, frame: Frame, application: str) -> tuple[EventItem, ...]:
    """The next upcoming events of one application, for its page."""
    sections = _sections(club, frame)
    found = [e for e in upcoming(club, frame.site) if e.application == application]
    return tuple(event_item(e, club, frame, sections) for e in found[:SECTION_EVENTS])


def plan_events(club: Club, frame: Frame) -> list[Output]:
    """The calendar page, the archive by year, a page per event and the iCal feed."""
    if not (club.events or any(app.events for app in club.applications)):
        return []
    sections = _sections(club, frame)
    day = today(club, frame.site)
    past: dict[int, list[Event]] = defaultdict(list)
    for event in club.events:
        if event.end < day:
            past[event.start.year].append(event)
    years = sorted(past, reverse=True)
    archive = tuple(Link(frame.url(events_year_path(y)), str(y)) for y in years)
    feed = Subscription(frame.labels["events_feed"], frame.site.url + frame.url(EVENTS_CALENDAR))
    shown = tuple(event_item(e, club, frame, sections) for e in upcoming(club, frame.site))
    outputs = [
        frame.page(
            f"{EVENTS}/",
            "events.html",
            title=frame.labels["event_calendar"],
            description=frame.labels["events_intro"],
            events=shown,
            archive=archive,
            year=None,
            subscription=feed,
            jsonld=list_jsonld(shown, frame.site),
        )
    ]
    for year in years:
        items = tuple(event_item(e, club, frame, sections) for e in reversed(past[year]))
        outputs.append(
            frame.page(
                events_year_path(year),
                "events.html",
                title=f"{frame.labels['past_events']} {year}",
                description=describe.listing(
                    frame, f"{frame.labels['past_events']} {year}", (i.title for i in items)
                ),
                events=items,
                archive=archive,
                year=year,
                calendar_url=frame.url(f"{EVENTS}/"),
                subscription=feed,
            )
        )
    for event in club.events:
        item = event_item(event, club, frame, sections, full=True)
        outputs.append(
            frame.page(
                event_path(event, frame.site, frame.lang),
                "event.html",
                versions=event_versions(event, frame.site),
                title=item.title,
                description=item.summary,
                modified=event.updated_at,
                event=item,
                calendar_url=frame.url(f"{EVENTS}/"),
                jsonld=event_jsonld(item, frame.site),
            )
        )
    outputs.append(calendar(club, frame))
    return outputs


def _sections(club: Club, frame: Frame) -> dict[str, Link]:
    return {app.name: section_link(app, frame.site, frame.lang) for app in club.applications}


def calendar(club: Club, frame: Frame) -> Output:
    """The iCal feed of the events: all-day events, upcoming ones and a year of past ones."""
    site = frame.site
    first = today(club, site) - timedelta(days=FEED_DAYS_BACK)
    host = urlsplit(site.url).hostname or "kwai"
    events = []
    for event in club.events:
        if event.end < first:
            continue
        text, _ = local_text(event.texts, site, frame.lang)
        lines = [
            f"{frame.labels['register']}: {event.registration_url}"
            if event.registration_url
            else ""
        ]
        events.append(
            CalendarEvent(
                uid=f"event-{event.id}@{host}",
                title=text.title,
                start=datetime.combine(event.start, time(), UTC),
                end=datetime.combine(event.end + timedelta(days=1), time(), UTC),
                location=event.location,
                cancelled=False,
                sequence=0,
                created=event.created_at,
                updated=event.updated_at,
                description="\n".join(line for line in lines if line),
                url=site.url + frame.url(event_path(event, site, frame.lang)),
                all_day=True,
            )
        )
    name = f"{site.name} – {frame.labels['event_calendar']}"
    return Output(
        output_file(site, frame.lang, EVENTS_CALENDAR),
        "ical",
        {"name": name, "lang": frame.lang, "timezone": site.timezone, "events": tuple(events)},
    )


def event_jsonld(item: EventItem, site: SiteInfo) -> dict[str, Any]:
    """An event as a schema.org SportsEvent (an Event), its days as dates."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "SportsEvent",
        "name": item.title,
        "startDate": item.start.isoformat(),
        "endDate": item.end.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "url": site.url + item.url,
        "organizer": {"@type": "SportsClub", "name": site.name, "url": site.url + "/"},
    }
    if item.location:
        data["location"] = {"@type": "Place", "name": item.location, "address": item.location}
    if item.registration_url:
        offer: dict[str, Any] = {"@type": "Offer", "url": item.registration_url}
        if item.registration_deadline:
            offer["validThrough"] = item.registration_deadline.isoformat()
        data["offers"] = offer
    return data


def list_jsonld(items: tuple[EventItem, ...], site: SiteInfo) -> dict[str, Any]:
    """The upcoming events as a schema.org ItemList of events."""
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": n,
                "item": {k: v for k, v in event_jsonld(item, site).items() if k != "@context"},
            }
            for n, item in enumerate(items, start=1)
        ],
    }
