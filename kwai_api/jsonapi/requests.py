"""What a request knows of the running app: the club's languages, the build trigger, periods.

The app's clock is `app_state(request).clock` (kwai_api/jsonapi/state.py).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.requests import Request

from kwai_api.core.clock import to_utc
from kwai_api.core.errors import ApiError
from kwai_api.jsonapi.documents import integer_parameter
from kwai_api.jsonapi.state import app_state


def site_changed(request: Request) -> None:
    """Call after a write that changes what the public site shows; never waits for the build."""
    jobs = app_state(request).jobs
    if jobs is not None:
        jobs.site_changed()


def site_languages(request: Request) -> tuple[str, ...]:
    """The club's locales, its default first: the order texts are read and shown in."""
    return app_state(request).settings.site.languages


def month_period(
    request: Request, zone: ZoneInfo, year: str, month: str, years: tuple[int, int]
) -> tuple[datetime, datetime] | None:
    """The `year` (and optional `month`) query parameters as a [start, end) range in naive UTC.

    The period is counted on the wall clock of `zone`, so a month holds what happens in it
    at the club; `years` bounds the year, both ends included. None when no year is asked for.
    """
    year_value = integer_parameter(request, year, None)
    month_value = integer_parameter(request, month, None)
    if year_value is None:
        if month_value is not None:
            raise ApiError(400, f"{month} needs {year}", parameter=month)
        return None
    if not years[0] <= year_value <= years[1]:
        raise ApiError(
            400, f"{year} should be a year from {years[0]} to {years[1]}", parameter=year
        )
    if month_value is not None and not 1 <= month_value <= 12:
        raise ApiError(400, f"{month} should be 1 to 12", parameter=month)
    if month_value is None:
        start, end = datetime(year_value, 1, 1), datetime(year_value + 1, 1, 1)
    else:
        start = datetime(year_value, month_value, 1)
        end = datetime(year_value + month_value // 12, month_value % 12 + 1, 1)
    return to_utc(start, zone), to_utc(end, zone)
