"""What templates receive: small, picklable views of the model, already in the page's language.

A view holds only what a page shows, so that a page's context (and so its digest) changes only
when something it shows changes. `lang` on a view is set when its text fell back to another
language: templates mark that text with `lang="..."` and a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kwai_api.core.markup import sanitize
from kwai_gen.model import (
    Application,
    Image,
    Page,
    Story,
    Text,
    Training,
    TrainingCoach,
    text_for,
)
from kwai_gen.plan.outputs import SiteInfo
from kwai_gen.plan.urls import AGENDA, application_dir, href, page_path, story_path


@dataclass(frozen=True)
class Link:
    """A titled link, with an optional summary (HTML)."""

    url: str
    title: str
    summary: str = ""
    lang: str | None = None  # the text's language when it is not the page's


@dataclass(frozen=True)
class Alternate:
    """One language version of a page."""

    lang: str
    url: str
    name: str  # the language's name in that language ("Nederlands")


@dataclass(frozen=True)
class Entry:
    """A news story as a list or its own page shows it."""

    id: int
    url: str
    title: str
    summary: str  # HTML
    content: str  # HTML; empty in lists
    published: datetime
    updated: datetime | None  # None in lists, which do not show it
    section: Link  # its application
    promoted: bool
    lang: str | None = None
    image: Image | None = None  # the lead image


@dataclass(frozen=True)
class Document:
    """A page of an application or a hand-written content page, in full."""

    url: str
    title: str
    summary: str  # HTML
    content: str  # HTML
    updated: datetime | None
    lang: str | None = None
    image: Image | None = None  # the lead image


@dataclass(frozen=True)
class AgendaItem:
    """A training as the agenda shows it."""

    id: int
    start: datetime
    end: datetime
    title: str
    summary: str  # HTML
    location: str
    cancelled: bool
    teams: tuple[str, ...]
    coaches: tuple[TrainingCoach, ...]  # the head coach first
    lang: str | None = None
    team_ids: tuple[int, ...] = ()  # for the agenda's team filter
    cancel_reason: str = ""  # why it is cancelled, as staff wrote it


@dataclass(frozen=True)
class Subscription:
    """A calendar feed to subscribe to: webcal:// for phones, https:// to paste elsewhere."""

    title: str
    url: str  # absolute https (or http) URL
    team_id: int | None = None

    @property
    def webcal(self) -> str:
        """The same feed as a webcal:// link, which calendar apps open as a subscription."""
        return "webcal://" + self.url.split("://", 1)[1]


@dataclass(frozen=True)
class Day:
    """The trainings of one day in the club's zone."""

    day: date
    items: tuple[AgendaItem, ...]


def local_text(texts: dict[str, Text], site: SiteInfo, lang: str) -> tuple[Text, str | None]:
    """The text a `lang` page shows, and its language to mark when it fell back (else None)."""
    local = text_for(texts, lang, site.languages)
    return local.text, local.text.locale if local.fallback else None


def section_url(site: SiteInfo, lang: str, name: str) -> str:
    """The link to an application's page (the agenda for the trainings application)."""
    return href(site, lang, f"{AGENDA}/" if name == AGENDA else application_dir(name, site))


def section_link(app: Application, site: SiteInfo, lang: str, summary: bool = False) -> Link:
    """An application as a link (a card on the home page when `summary`)."""
    text, marked = local_text(app.texts, site, lang)
    return Link(
        url=section_url(site, lang, app.name),
        title=text.title or app.name,
        summary=text.summary if summary else "",
        lang=marked,
    )


def section_document(app: Application, site: SiteInfo, lang: str) -> Document:
    """An application's title and description in full.

    Gathering renders descriptions (Markdown) to sanitized HTML; they are sanitized here again
    so that no club, however it was made, can put a script on a section page.
    """
    text, marked = local_text(app.texts, site, lang)
    return Document(
        url=section_url(site, lang, app.name),
        title=text.title or app.name,
        summary=sanitize(text.summary),
        content=sanitize(text.content),
        updated=None,
        lang=marked,
    )


def entry(story: Story, site: SiteInfo, lang: str, section: Link, full: bool = False) -> Entry:
    """A story in `lang` (falling back); with its content only when `full`."""
    text, marked = local_text(story.texts, site, lang)
    return Entry(
        id=story.id,
        url=href(site, lang, story_path(story, site, lang)),
        title=text.title,
        summary=text.summary,
        content=text.content if full else "",
        published=story.publish_date,
        updated=story.updated_at if full else None,
        section=section,
        promoted=story.promoted,
        lang=marked,
        image=story.image,
    )


def document(page: Page, site: SiteInfo, lang: str) -> Document:
    """A page of an application in full."""
    text, marked = local_text(page.texts, site, lang)
    return Document(
        url=href(site, lang, page_path(page, site, lang)),
        title=text.title,
        summary=sanitize(text.summary),
        content=sanitize(text.content),
        updated=page.updated_at,
        lang=marked,
        image=page.image,
    )


def page_link(page: Page, site: SiteInfo, lang: str) -> Link:
    """A page of an application as a link with its summary."""
    shown = document(page, site, lang)
    return Link(shown.url, shown.title, shown.summary, shown.lang)


def agenda_item(training: Training, site: SiteInfo, lang: str) -> AgendaItem:
    """A training in `lang` (falling back)."""
    text, marked = local_text(training.texts, site, lang)
    teams = tuple(team.name_in(lang) for team in training.teams)
    return AgendaItem(
        id=training.id,
        start=training.start,
        end=training.end,
        title=text.title or ", ".join(teams),
        summary=text.summary,
        location=training.location,
        cancelled=training.cancelled,
        teams=teams,
        coaches=training.coaches,
        lang=marked if text.title else None,
        team_ids=tuple(team.id for team in training.teams),
        cancel_reason=training.cancel_reason or "",
    )


@dataclass(frozen=True)
class CalendarEvent:
    """One training or event as a calendar event, already in the feed's language."""

    uid: str
    title: str  # with the "cancelled" prefix when cancelled
    start: datetime  # aware UTC
    end: datetime
    location: str
    cancelled: bool
    sequence: int
    created: datetime
    updated: datetime
    description: str
    url: str  # absolute
    all_day: bool = False  # whole days: start and end (exclusive) are midnights UTC of the days
