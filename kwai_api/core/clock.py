"""Time as kwai keeps it, and the one place that converts it.

One convention at the edges: moments are naive UTC in the database, on the wire (the API's
timestamps, `kwai build --now`) and wherever a caller hands one in. Inside the generator they
are aware UTC (`aware_utc`), and the club's wall-clock time appears only where a person reads or
writes one (training definitions, the pages): `to_utc` and `astimezone(site.zone)`.

The app reads the time through one `Clock`: `system_clock` unless a test fixes another.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]
"""What tells the app the current time, as the database keeps times (naive UTC)."""


def system_clock() -> datetime:
    """The host's current time as naive UTC: the app's clock unless another is given."""
    return datetime.now(UTC).replace(tzinfo=None)


def naive_utc(moment: datetime) -> datetime:
    """A moment as the database and the API keep it: naive UTC (naive means UTC already)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def aware_utc(moment: datetime) -> datetime:
    """A moment as the generator keeps it: aware UTC (naive means UTC, never local time)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in `zone` as the database keeps times: naive UTC."""
    return naive_utc(local.replace(tzinfo=zone))
