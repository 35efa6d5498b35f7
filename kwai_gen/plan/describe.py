"""The meta description of pages that have no summary of their own: lists, weeks, coaches.

Search engines show it under the page's title, and a shared link shows it too; so it says what
the page holds (which teams train that week, which stories a list starts with) in its language.
"""

from __future__ import annotations

from collections.abc import Iterable

from kwai_gen.plan.frames import Frame
from kwai_gen.plan.views import Day

LISTED = 3  # the titles a list's description names


def _named(frame: Frame, heading: str, names: Iterable[str]) -> str:
    """ "<heading> – <club>: a, b, c." (without the names when there are none)."""
    unique = list(dict.fromkeys(name for name in names if name))
    start = f"{heading} – {frame.site.name}"
    return f"{start}: {', '.join(unique)}." if unique else f"{start}."


def week(frame: Frame, heading: str, days: tuple[Day, ...]) -> str:
    """A week of the agenda: the teams that train in it, or that none do."""
    teams = list(dict.fromkeys(team for day in days for item in day.items for team in item.teams))
    what = (
        f"{frame.labels['teams']}: {', '.join(teams)}."
        if teams
        else frame.labels["no_trainings_week"]
    )
    return f"{heading} – {frame.site.name}. {what}"


def listing(frame: Frame, heading: str, titles: Iterable[str]) -> str:
    """A list of stories (or months): the first few of them."""
    return _named(frame, heading, list(titles)[:LISTED])


def coaches(frame: Frame, names: Iterable[str]) -> str:
    """The coaches page: who coaches at the club."""
    return _named(frame, frame.labels["coaches"], names)
