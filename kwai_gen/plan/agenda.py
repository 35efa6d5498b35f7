"""The trainings of one language: a page per ISO week, this week on /trainings/, iCal feeds.

Weeks are counted in the club's zone, Monday first. Each week page holds only that week's
trainings, so editing a training re-renders its week (and the feeds), not the whole agenda.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any, cast
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from kwai_gen.model import Club, Training, text_for
from kwai_gen.plan import describe
from kwai_gen.plan.frames import Frame
from kwai_gen.plan.memo import PlanMemo
from kwai_gen.plan.news import story_index
from kwai_gen.plan.outputs import Deferred, Output, SiteInfo
from kwai_gen.plan.urls import AGENDA, output_file, team_calendar_path, week_path
from kwai_gen.plan.views import (
    AgendaItem,
    CalendarEvent,
    Day,
    Subscription,
    agenda_item,
    page_link,
    section_document,
)

UPCOMING = 5  # trainings on the home page when none are left this week
CALENDAR = "trainings.ics"
CALENDAR_WEEKS_BACK = 8
# Weeks without trainings get a page (so that paging week by week never breaks) only this
# close to today's week: one training in a far year must not add a page for every week between.
EMPTY_WEEKS_AROUND_TODAY = 53


def monday_of(moment: datetime, zone: ZoneInfo) -> date:
    """The Monday of the week holding `moment` in the club's zone."""
    day = moment.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def by_day(items: list[AgendaItem], zone: ZoneInfo) -> tuple[Day, ...]:
    """Agenda items grouped by their day in the club's zone, in time order."""
    days: dict[date, list[AgendaItem]] = defaultdict(list)
    for item in sorted(items, key=lambda i: (i.start, i.id)):
        days[item.start.astimezone(zone).date()].append(item)
    return tuple(Day(day, tuple(found)) for day, found in sorted(days.items()))


def next_trainings(club: Club, site: SiteInfo, lang: str) -> tuple[Day, ...]:
    """The rest of this week's trainings; when none are left, the next few upcoming ones."""
    zone = site.zone
    week_end = datetime.combine(monday_of(club.now, zone) + timedelta(days=7), time(), zone)
    future = [t for t in club.trainings if t.start > club.now]
    chosen = [t for t in future if t.start < week_end] or future[:UPCOMING]
    return _days(chosen, site, lang)


def plan_agenda(club: Club, frame: Frame, memo: PlanMemo) -> None:
    """The agenda pages, the coaches page and the calendar feeds of the frame's language."""
    site = frame.site
    zone = site.zone
    weeks = cast(
        dict[date, tuple[Training, ...]],
        memo.value(("weeks",), (club.trainings, zone), lambda: _weeks(club.trainings, zone)),
    )
    this_monday = monday_of(club.now, zone)
    mondays = _published(sorted(weeks), this_monday)
    feeds = cast(
        tuple[Subscription, ...],
        memo.value(("feeds", frame.lang), (frame, club.teams), lambda: subscriptions(club, frame)),
    )
    for n, monday in enumerate(mondays):
        trainings = weeks.get(monday, ())
        previous = frame.url(week_path(mondays[n - 1])) if n > 0 else None
        following = frame.url(week_path(mondays[n + 1])) if n + 1 < len(mondays) else None
        memo.group(
            ("week", frame.lang, monday),
            (frame, trainings, previous, following, feeds),
            partial(_week_page, frame, monday, trainings, previous, following, feeds),
        )
    this_week = _days(weeks.get(this_monday, ()), site, frame.lang)
    memo.loose([_agenda_index(club, frame, memo, mondays, this_week, feeds)])
    memo.group(
        ("calendars", frame.lang),
        (frame, club.trainings, club.teams, this_monday),
        lambda: calendars(club, frame),
    )


def _week_page(
    frame: Frame,
    monday: date,
    trainings: tuple[Training, ...],
    previous: str | None,
    following: str | None,
    feeds: tuple[Subscription, ...],
) -> list[Output]:
    """The page of one week (made only when its trainings, neighbours or feeds changed)."""
    return [
        frame.deferred_page(
            week_path(monday),
            "agenda.html",
            (monday, trainings, previous, following, feeds),
            partial(_week_page_context, frame, monday, trainings, previous, following, feeds),
        )
    ]


def _weeks(trainings: tuple[Training, ...], zone: ZoneInfo) -> dict[date, tuple[Training, ...]]:
    """The trainings by the Monday of their week."""
    weeks: dict[date, list[Training]] = defaultdict(list)
    for training in trainings:
        weeks[monday_of(training.start, zone)].append(training)
    return {monday: tuple(found) for monday, found in weeks.items()}


def _published(mondays: list[date], this_week: date) -> list[date]:
    """The weeks with trainings, and the empty weeks between them that lie near this week."""
    if not mondays:
        return []
    first = max(mondays[0], this_week - timedelta(weeks=EMPTY_WEEKS_AROUND_TODAY))
    last = min(mondays[-1], this_week + timedelta(weeks=EMPTY_WEEKS_AROUND_TODAY))
    near = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    return sorted(set(mondays) | set(near))


def _days(trainings: Sequence[Training], site: SiteInfo, lang: str) -> tuple[Day, ...]:
    """Some trainings as agenda items grouped by their day in the club's zone."""
    return by_day([agenda_item(t, site, lang) for t in trainings], site.zone)


def subscriptions(club: Club, frame: Frame) -> tuple[Subscription, ...]:
    """The calendar feeds of the frame's language: all trainings, then one per team by name."""
    absolute = frame.site.url
    teams = sorted(club.teams, key=lambda team: team.name_in(frame.lang).casefold())
    return (
        Subscription(frame.labels["calendar_all"], absolute + frame.url(CALENDAR)),
        *(
            Subscription(
                team.name_in(frame.lang), absolute + frame.url(team_calendar_path(team)), team.id
            )
            for team in teams
        ),
    )


def _week_page_context(
    frame: Frame,
    monday: date,
    trainings: tuple[Training, ...],
    previous: str | None,
    following: str | None,
    feeds: tuple[Subscription, ...],
) -> dict[str, Any]:
    """What the page of one week shows."""
    days = _days(trainings, frame.site, frame.lang)
    return _week_context(frame, monday, days, previous=previous, next=following, calendars=feeds)


def _week_context(
    frame: Frame, monday: date, days: tuple[Day, ...], title: str = "", **context: Any
) -> dict[str, Any]:
    """What an agenda page shows of one week (titled by its number unless `title` is given)."""
    year, number, _ = monday.isocalendar()
    title = title or f"{frame.labels['agenda']} – {frame.labels['week']} {number}, {year}"
    defaults: dict[str, Any] = {
        "description": describe.week(frame, title, days),
        "heading": title,
        "intro": None,
        "pages": (),
        "calendars": (),
        "section_news": None,
        "this_week": frame.url(f"{AGENDA}/"),
    }
    return {
        "title": title,
        "week": monday,
        "week_end": monday + timedelta(days=6),
        "week_number": number,
        "days": days,
        "calendar": frame.url(CALENDAR),
        "coaches": frame.url("coaches/"),
        **{**defaults, **context},
    }


def _agenda_index(
    club: Club,
    frame: Frame,
    memo: PlanMemo,
    mondays: list[date],
    days: tuple[Day, ...],
    feeds: tuple[Subscription, ...],
) -> Output:
    """/trainings/: this week, with the trainings application's description and pages."""
    site, lang = frame.site, frame.lang
    monday = monday_of(club.now, site.zone)
    app = next((a for a in club.applications if a.name == AGENDA), None)
    intro = section_document(app, site, lang) if app is not None else None
    heading = intro.title if intro is not None else frame.labels["agenda"]
    about = (intro.summary or intro.content) if intro is not None else ""
    earlier = [m for m in mondays if m < monday]
    later = [m for m in mondays if m > monday]
    return frame.page(
        f"{AGENDA}/",
        "agenda.html",
        **_week_context(
            frame,
            monday,
            days,
            title=heading,
            **({"description": about} if about else {}),
            heading=heading,
            intro=intro,
            calendars=feeds,
            this_week=None,
            pages=tuple(page_link(p, site, lang) for p in club.pages if p.application == AGENDA),
            section_news=frame.url(f"{AGENDA}/news/")
            if app is not None
            and (
                app.news or bool(story_index(club, memo, site.timezone).by_application.get(AGENDA))
            )
            else None,
            previous=frame.url(week_path(earlier[-1])) if earlier else None,
            next=frame.url(week_path(later[0])) if later else None,
        ),
    )


def calendars(club: Club, frame: Frame) -> list[Output]:
    """The iCal feed of all trainings and one per team, in the frame's language.

    A feed holds the trainings from CALENDAR_WEEKS_BACK weeks ago to a year ahead: what a
    subscribed phone needs, and a feed that stays small however long the club keeps its agenda.
    """
    zone = frame.site.zone
    first = datetime.combine(
        monday_of(club.now, zone) - timedelta(weeks=CALENDAR_WEEKS_BACK), time(), zone
    )
    last = datetime.combine(monday_of(club.now, zone) + timedelta(weeks=53), time(), zone)
    shown = tuple(t for t in club.trainings if first <= t.start < last)
    name = f"{frame.site.name} – {frame.labels['agenda']}"
    feeds = [(CALENDAR, name, shown)]
    for team in club.teams:
        feeds.append(
            (
                team_calendar_path(team),
                f"{name}: {team.name_in(frame.lang)}",
                tuple(t for t in shown if any(m.id == team.id for m in t.teams)),
            )
        )
    events: dict[int, CalendarEvent] = {}  # made once, shared by the feeds a training is in

    def make(title: str, trainings: tuple[Training, ...]) -> dict[str, Any]:
        for training in trainings:
            if training.id not in events:
                events[training.id] = _calendar_event(training, frame)
        return {
            "name": title,
            "lang": frame.lang,
            "timezone": frame.site.timezone,
            "events": tuple(events[t.id] for t in trainings),
        }

    return [
        Output(
            output_file(frame.site, frame.lang, path),
            "ical",
            Deferred((frame, title, found), partial(make, title, found)),
        )
        for path, title, found in feeds
    ]


def _calendar_event(training: Training, frame: Frame) -> CalendarEvent:
    """A training as a calendar event with a UID that never changes."""
    site, labels = frame.site, frame.labels
    local = text_for(training.texts, frame.lang, site.languages).text
    teams = ", ".join(team.name_in(frame.lang) for team in training.teams)
    title = local.title or teams or labels["agenda"]
    coaches = ", ".join(
        f"{c.name} ({labels['head_coach']})" if c.head else c.name for c in training.coaches
    )
    lines = [
        f"{labels['cancelled']}: {training.cancel_reason}" if training.cancel_reason else "",
        f"{labels['teams']}: {teams}" if teams else "",
        f"{labels['coaches']}: {coaches}" if coaches else "",
    ]
    return CalendarEvent(
        uid=f"training-{training.id}@{urlsplit(site.url).hostname or 'kwai'}",
        title=f"{labels['cancelled']}: {title}" if training.cancelled else title,
        start=training.start,
        end=training.end,
        location=training.location,
        cancelled=training.cancelled,
        sequence=training.revision,
        created=training.created_at,
        updated=training.updated_at,
        description="\n".join(line for line in lines if line),
        url=site.url + frame.url(week_path(training.start.astimezone(site.zone).date())),
    )
