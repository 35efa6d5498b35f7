"""Turn a weekly training definition into dated trainings (local wall-clock time to UTC)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kwai_api.core.clock import to_utc


def occurrences(
    weekday: int, start_time: time, end_time: time, first: date, last: date, zone: ZoneInfo
) -> Iterator[tuple[datetime, datetime]]:
    """Each (start, end) in naive UTC of a weekly slot (1 = Monday) between two dates inclusive."""
    day = first + timedelta(days=(weekday - first.isoweekday()) % 7)
    while day <= last:
        yield (
            to_utc(datetime.combine(day, start_time), zone),
            to_utc(datetime.combine(day, end_time), zone),
        )
        day += timedelta(days=7)
