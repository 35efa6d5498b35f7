"""Time as kwai keeps it: naive UTC in the database and on the wire, wall-clock time at the club."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """The current time as the database keeps times: naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in `zone` as the database keeps times: naive UTC."""
    return local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
