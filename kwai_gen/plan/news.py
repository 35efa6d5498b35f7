"""The news of one language: a page per story, paginated lists, archives by year and month, feeds.

Lists are numbered from the oldest story (page 1 holds the oldest ones) and only full pages get a
number; the newest stories, those on no numbered page, are on the list's index (from one to two
pages' worth). So a new story changes the index, never the numbered pages, until the index holds
two pages' worth and its oldest stories become a new numbered page; and no story is ever shown
twice on the way from the index through "older".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, cast
from zoneinfo import ZoneInfo

from babel.dates import format_date

from kwai_gen.model import Club, Story
from kwai_gen.plan import describe
from kwai_gen.plan.frames import Frame
from kwai_gen.plan.memo import PlanMemo
from kwai_gen.plan.outputs import Output
from kwai_gen.plan.redirects import story_redirect
from kwai_gen.plan.structured import article_jsonld
from kwai_gen.plan.urls import (
    application_dir,
    list_page_path,
    output_file,
    story_path,
    story_versions,
)
from kwai_gen.plan.views import Entry, Link, entry, section_link

FEED_SIZE = 20
NO_UPDATE = datetime(2000, 1, 1, tzinfo=UTC)  # an empty feed's fixed "updated"


def feed_path(application: str | None, frame: Frame) -> str:
    """The Atom feed of all news (None) or of one application."""
    if application is None:
        return "feeds/news.atom.xml"
    return f"feeds/{application_dir(application, frame.site).rstrip('/')}.atom.xml"


# Story pages are planned in blocks of 2**STORY_BLOCK ids: an edit plans its block again, and an
# unchanged block is checked with one comparison.
STORY_BLOCK = 6


def plan_news(club: Club, frame: Frame, memo: PlanMemo) -> None:
    """Every news file of the frame's language."""
    site, lang = frame.site, frame.lang
    lister = cast(
        _Lister,
        memo.value(("lister", lang), (frame, club.applications), lambda: _lister(club, frame)),
    )
    index = story_index(club, memo, site.timezone)
    for number, block in index.blocks.items():
        memo.group(
            ("stories", lang, number),
            (block, lister),
            partial(_story_pages, block, frame, lister),
            chunk=f"news-{number >> 4}",
        )
    everything = list(club.stories)
    by_month = index.by_month
    # the same links while the years are the same: every list page compares them
    numbers = tuple(sorted({year for year, _ in by_month}, reverse=True))
    years = cast(
        tuple[Link, ...],
        memo.value(
            ("years", lang),
            (numbers, frame),
            lambda: tuple(Link(frame.url(f"news/{year}/"), str(year)) for year in numbers),
        ),
    )
    news_lists(memo, lister, "news/", everything, frame.labels["news"], None, years=years)
    archives(memo, lister, by_month, years)
    feed(memo, lister, None, frame.labels["news"], "news/", everything)
    for app in club.applications:
        stories = index.by_application.get(app.name, [])
        if not (app.news or stories):
            continue
        base = f"{application_dir(app.name, site)}news/"
        heading = f"{frame.labels['news']}: {lister.sections[app.name].title}"
        news_lists(
            memo, lister, base, stories, heading, app.name, section=lister.sections[app.name]
        )
        feed(memo, lister, app.name, heading, base, stories)


def _story_pages(block: tuple[Story, ...], frame: Frame, lister: _Lister) -> list[Output]:
    return [
        output
        for story in block
        for output in (
            story_page(story, frame, lister.section(story)),
            *story_redirect(story, frame),
        )
    ]


@dataclass(frozen=True)
class StoryIndex:
    """The stories sorted out in one pass, made again only when a story changed."""

    blocks: dict[int, tuple[Story, ...]]  # by id >> STORY_BLOCK, each block in the club's order
    by_application: dict[str, list[Story]]  # newest first
    by_month: dict[tuple[int, int], list[Story]]  # by (year, month) in the club's zone
    months: dict[int, tuple[Story, tuple[int, int]]]  # id -> the story and its month


def story_index(club: Club, memo: PlanMemo, timezone: str) -> StoryIndex:
    """The stories in blocks of ids, by application and by month.

    The month of a story that is the same object as in the last index is not worked out again.
    """
    name = ("story index",)
    last = memo.last(name)
    known = cast(StoryIndex, last[1]).months if last and last[0][1] == timezone else {}

    def make() -> StoryIndex:
        zone = ZoneInfo(timezone)
        blocks: dict[int, list[Story]] = defaultdict(list)
        by_application: dict[str, list[Story]] = defaultdict(list)
        by_month: dict[tuple[int, int], list[Story]] = defaultdict(list)
        months: dict[int, tuple[Story, tuple[int, int]]] = {}
        for story in club.stories:
            seen = known.get(story.id)
            if seen is not None and seen[0] is story:
                month = seen[1]
            else:
                local = story.publish_date.astimezone(zone)
                month = (local.year, local.month)
            months[story.id] = (story, month)
            blocks[story.id >> STORY_BLOCK].append(story)
            by_application[story.application].append(story)
            by_month[month].append(story)
        return StoryIndex(
            {number: tuple(block) for number, block in blocks.items()},
            dict(by_application),
            dict(by_month),
            months,
        )

    return cast(StoryIndex, memo.value(name, (club.stories, timezone), make))


def _lister(club: Club, frame: Frame) -> _Lister:
    site, lang = frame.site, frame.lang
    sections = {app.name: section_link(app, site, lang) for app in club.applications}
    return _Lister(frame, sections, Link(frame.url("news/"), frame.labels["news"]))


class _Lister:
    """Makes the list entries of stories in one language, with their application's link."""

    def __init__(self, frame: Frame, sections: dict[str, Link], news: Link) -> None:
        self.frame = frame
        self.sections = sections
        self.news = news
        # One object for what entries depend on besides the story, shared by every list's key.
        self.key = (news, tuple(sorted(sections.items())))

    def section(self, story: Story) -> Link:
        """The link to the story's application (or to the news when it has none)."""
        return self.sections.get(story.application, self.news)

    def entries(self, stories: Sequence[Story], full: bool = False) -> tuple[Entry, ...]:
        """The stories as list entries (as feed entries, with their text, when `full`)."""
        site, lang = self.frame.site, self.frame.lang
        return tuple(entry(story, site, lang, self.section(story), full) for story in stories)


def story_page(story: Story, frame: Frame, section: Link) -> Output:
    """The page of one story: its text and its application, nothing of other stories."""

    def make() -> dict[str, Any]:
        full = entry(story, frame.site, frame.lang, section, full=True)
        return {
            "title": full.title,
            "description": full.summary or full.content,
            "og_type": "article",
            "og_image": full.image,
            "story": full,
            "jsonld": article_jsonld(full, frame.site),
        }

    return frame.deferred_page(
        story_path(story, frame.site, frame.lang),
        "story.html",
        (story, section),
        make,
        modified=story.updated_at,
        versions=story_versions(story, frame.site),
    )


# Numbered list pages are planned in blocks: an unchanged block is checked with one comparison.
LIST_BLOCK = 16


def news_lists(
    memo: PlanMemo,
    lister: _Lister,
    base: str,
    stories: list[Story],
    heading: str,
    application: str | None,
    years: tuple[Link, ...] = (),
    section: Link | None = None,
) -> None:
    """A news list at `base` (newest first) and its full pages numbered from the oldest."""
    frame = lister.frame
    size = max(1, frame.site.news_per_page)
    total = len(stories)
    numbered = max(0, total // size - 1)  # the index keeps the rest: `size` to 2 * size - 1
    count = numbered + 1  # the index counts as the newest page
    feed_url = frame.url(feed_path(application, frame))

    def page_url(number: int) -> str:
        return frame.url(base) if number == count else frame.url(list_page_path(base, number))

    def listing(path: str, title: str, chosen: tuple[Story, ...], number: int) -> list[Output]:
        pager = {
            "older": page_url(number - 1) if number > 1 else None,
            "newer": page_url(number + 1) if number < count else None,
            "pages": _page_links(number, count, page_url),
            "position": f"{frame.labels['page']} {number} {frame.labels['of']} {count}",
        }
        return [
            frame.deferred_page(
                path,
                "news.html",
                (title, chosen, feed_url, section, lister.key, years, tuple(sorted(pager.items()))),
                lambda: _list_context(
                    lister, title, chosen, feed_url=feed_url, section=section, years=years, **pager
                ),
            )
        ]

    def pages(first: int, last: int, chosen: tuple[Story, ...]) -> list[Output]:
        """The numbered pages `first` to `last`, whose stories are `chosen` (oldest last)."""
        made = []
        for number in range(first, last + 1):
            end = len(chosen) - (number - first) * size
            title = f"{heading} – {frame.labels['page'].lower()} {number}"
            made += listing(list_page_path(base, number), title, chosen[end - size : end], number)
        return made

    index = tuple(stories[: total - numbered * size])
    memo.group(
        ("list", frame.lang, base),
        (heading, index, feed_url, section, lister, years, count),
        lambda: listing(base, heading, index, count),
    )
    for first in range(1, numbered + 1, LIST_BLOCK):
        last = min(numbered, first + LIST_BLOCK - 1)
        chosen = tuple(stories[total - last * size : total - (first - 1) * size])
        memo.group(
            ("list pages", frame.lang, base, first),
            (heading, chosen, feed_url, section, lister, years, last, count),
            partial(pages, first, last, chosen),
        )


def _page_links(current: int, count: int, url: Callable[[int], str]) -> tuple[Link | None, ...]:
    """Links to jump to: the first, the last and those near the current page; None is a gap."""
    if count <= 1:
        return ()
    near = {1, count, *range(max(1, current - 2), min(count, current + 2) + 1)}
    links: list[Link | None] = []
    for number in sorted(near):
        if links and number - 1 not in near:
            links.append(None)
        links.append(Link("" if number == current else url(number), str(number)))
    return tuple(links)


def archives(
    memo: PlanMemo,
    lister: _Lister,
    by_month: dict[tuple[int, int], list[Story]],
    years: tuple[Link, ...],
) -> None:
    """A page per year (its months) and per month (its stories)."""
    frame = lister.frame
    news = frame.labels["news"]
    feed_url = frame.url(feed_path(None, frame))
    months_of: dict[int, list[int]] = defaultdict(list)
    for year, month in by_month:
        months_of[year].append(month)
    for year in sorted(months_of, reverse=True):
        months_of_year = tuple(sorted(months_of[year], reverse=True))
        memo.group(
            ("year", frame.lang, year),
            (frame, months_of_year, years),
            partial(_year_page, frame, year, months_of_year, years),
        )
        up = Link(frame.url(f"news/{year}/"), f"{news} {year}")
        for month in months_of_year:
            shown = tuple(by_month[year, month])
            memo.group(
                ("month", frame.lang, year, month),
                (shown, lister, up, feed_url),
                partial(_month_page, lister, year, month, shown, up, feed_url),
            )


def _year_page(
    frame: Frame, year: int, months: tuple[int, ...], years: tuple[Link, ...]
) -> list[Output]:
    """The archive of a year: its months, not its stories (a new story changes its month's
    page only)."""
    news = frame.labels["news"]
    month_links = tuple(
        Link(frame.url(f"news/{year}/{month:02d}/"), _month_name(year, month, frame))
        for month in months
    )
    return [
        frame.page(
            f"news/{year}/",
            "archive_year.html",
            title=f"{news} {year}",
            heading=f"{news} {year}",
            description=describe.listing(frame, f"{news} {year}", (m.title for m in month_links)),
            year=year,
            months=month_links,
            years=years,
        )
    ]


def _month_page(
    lister: _Lister, year: int, month: int, shown: tuple[Story, ...], up: Link, feed_url: str
) -> list[Output]:
    frame = lister.frame
    title = f"{frame.labels['news']}: {_month_name(year, month, frame)}"
    return [
        frame.deferred_page(
            f"news/{year}/{month:02d}/",
            "news.html",
            (title, shown, up, feed_url, lister.key),
            partial(_month_context, lister, title, shown, up, feed_url),
        )
    ]


def _month_context(
    lister: _Lister, title: str, shown: tuple[Story, ...], up: Link, feed_url: str
) -> dict[str, Any]:
    """What a month's archive page shows."""
    return _list_context(
        lister,
        title,
        shown,
        feed_url=feed_url,
        section=None,
        older=None,
        newer=None,
        years=(),
        up=up,
        pages=(),
        position="",
    )


def _list_context(
    lister: _Lister, title: str, shown: Sequence[Story], **context: Any
) -> dict[str, Any]:
    """What a list of stories shows, described by the stories it starts with."""
    entries = lister.entries(shown)
    return {
        "title": title,
        "heading": title,
        "entries": entries,
        "description": describe.listing(lister.frame, title, (e.title for e in entries)),
        **context,
    }


def _month_name(year: int, month: int, frame: Frame) -> str:
    """ "november 2026" in the frame's language."""
    return format_date(date(year, month, 1), "LLLL y", locale=frame.site.locale_of(frame.lang))


def feed(
    memo: PlanMemo,
    lister: _Lister,
    application: str | None,
    title: str,
    base: str,
    stories: Sequence[Story],
) -> None:
    """The Atom feed of the newest stories (with their full text) of a list."""
    newest = tuple(stories[:FEED_SIZE])
    memo.group(
        ("feed", lister.frame.lang, application),
        (lister, title, base, newest),
        lambda: [_feed(lister, application, title, base, newest)],
    )


def _feed(
    lister: _Lister, application: str | None, title: str, base: str, newest: tuple[Story, ...]
) -> Output:
    frame, site = lister.frame, lister.frame.site
    path = feed_path(application, frame)
    return Output(
        output_file(site, frame.lang, path),
        "atom",
        {
            "site": site,
            "lang": frame.lang,
            "title": f"{title} – {site.name}",
            "feed_url": site.url + frame.url(path),
            "link": site.url + frame.url(base),
            "updated": max((story.updated_at for story in newest), default=NO_UPDATE),
            "entries": lister.entries(newest, full=True),
        },
    )
