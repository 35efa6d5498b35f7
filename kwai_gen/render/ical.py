"""iCalendar feeds of the trainings and events that phones and calendar apps subscribe to.

Every value comes from the data (DTSTAMP is the training's last change, not the build time), so
the same trainings always give the same bytes, and a calendar app sees a change only when a
training's SEQUENCE (its revision) goes up.

The `icalendar` package writes the time zone (VTIMEZONE); the events are written here, line by
line, because a club has thousands of trainings and building a component object per training
costs about a millisecond each: a few lines of RFC 5545 per event are fifty times faster.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Timezone

from kwai_gen.plan.views import CalendarEvent

PRODUCT_ID = "-//kwai//trainings//EN"
LINE_OCTETS = 75  # RFC 5545 3.1: lines are folded after 75 octets


def render_ical(context: dict[str, Any]) -> bytes:
    """An iCalendar file: context holds name, lang, timezone and events (CalendarEvent)."""
    zone_name: str = context["timezone"]
    events: tuple[CalendarEvent, ...] = context["events"]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        _line(f"X-WR-CALNAME:{_text(context['name'])}"),
        _line(f"X-WR-TIMEZONE:{_text(zone_name)}"),
        # How often a subscribed calendar should look again (RFC 7986, and Outlook's own name).
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    head = "\r\n".join(lines) + "\r\n"
    timed = tuple(item for item in events if not item.all_day)
    zone = _timezone(zone_name, *_years(timed)) if timed else b""
    body = "".join(_event(item, zone_name) for item in events)
    return head.encode() + zone + body.encode() + b"END:VCALENDAR\r\n"


def _years(events: tuple[CalendarEvent, ...]) -> tuple[int, int]:
    """The years the time zone must cover: the trainings' years, and one on either side."""
    first = min(item.start for item in events) - timedelta(days=366)
    last = max(item.end for item in events) + timedelta(days=366)
    return first.year, last.year


@lru_cache(maxsize=32)
def _timezone(name: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of the club's zone over whole years (so it changes only once a year)."""
    component = Timezone.from_tzinfo(
        ZoneInfo(name), first_date=date(first_year, 1, 1), last_date=date(last_year, 12, 31)
    )
    ical: bytes = component.to_ical()
    return ical


@lru_cache(maxsize=65536)
def _event(item: CalendarEvent, zone_name: str) -> str:
    """A VEVENT, times in the club's zone (TZID); cached, as one event is in several feeds."""
    zone = ZoneInfo(zone_name)
    tzid = _parameter(zone_name)
    lines = [
        "BEGIN:VEVENT",
        _line(f"UID:{_text(item.uid)}"),
        f"SEQUENCE:{item.sequence}",
        f"DTSTAMP:{_utc(item.updated)}",
        f"CREATED:{_utc(item.created)}",
        f"LAST-MODIFIED:{_utc(item.updated)}",
        *(
            _days(item)
            if item.all_day
            else (
                f"DTSTART;TZID={tzid}:{_local(item.start, zone)}",
                f"DTEND;TZID={tzid}:{_local(item.end, zone)}",
            )
        ),
        _line(f"SUMMARY:{_text(item.title)}"),
    ]
    if item.location:
        lines.append(_line(f"LOCATION:{_text(item.location)}"))
    if item.description:
        lines.append(_line(f"DESCRIPTION:{_text(item.description)}"))
    lines.append(_line(f"URL:{item.url}"))
    lines.append(f"STATUS:{'CANCELLED' if item.cancelled else 'CONFIRMED'}")
    lines.append("END:VEVENT")
    return "\r\n".join(lines) + "\r\n"


def _days(item: CalendarEvent) -> tuple[str, str]:
    """DTSTART and DTEND of an all-day event as DATE values (the end day is exclusive)."""
    return (
        f"DTSTART;VALUE=DATE:{item.start.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{item.end.strftime('%Y%m%d')}",
    )


def _utc(moment: datetime) -> str:
    """A UTC DATE-TIME: 20261126T120000Z."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime, zone: ZoneInfo) -> str:
    """A local DATE-TIME in `zone`, for a property with TZID."""
    return moment.astimezone(zone).strftime("%Y%m%dT%H%M%S")


def _text(value: str) -> str:
    """A TEXT value, escaped (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _parameter(value: str) -> str:
    """A parameter value, quoted when it holds a character that ends one."""
    return f'"{value}"' if any(c in value for c in ":;,") else value


def _line(line: str) -> str:
    """A content line folded after every 75 octets, never inside a UTF-8 character."""
    if len(line.encode()) <= LINE_OCTETS:
        return line
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1  # continuation lines start with " "
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n ".join(parts)
