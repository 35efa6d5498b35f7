"""The club as the site shows it: plain, immutable objects gathered from one database snapshot.

Every datetime here is timezone-aware UTC; templates convert to the club's zone when they show it.
Texts are keyed by locale; `text_for` picks the page's language or falls back to another.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime


@dataclass(frozen=True)
class Text:
    """A title, summary and content (sanitized HTML) in one locale."""

    locale: str
    title: str
    summary: str = ""
    content: str = ""


@dataclass(frozen=True)
class Localized:
    """The text shown for a language, and whether it fell back to another language."""

    text: Text
    fallback: bool


def text_for(texts: dict[str, Text], language: str, languages: tuple[str, ...]) -> Localized:
    """The text in `language`, else the first available in the site's language order."""
    if language in texts:
        return Localized(texts[language], False)
    for other in (*languages, *sorted(texts)):
        if other in texts:
            return Localized(texts[other], True)
    return Localized(Text(locale=language, title=""), True)


@dataclass(frozen=True)
class Application:
    """A section of the portal (club, judo, trainings, news...)."""

    id: int
    name: str
    weight: int
    news: bool
    pages: bool
    events: bool
    texts: dict[str, Text]  # title, summary = short description, content = description


@dataclass(frozen=True)
class Story:
    """A public news story (enabled, published, not ended)."""

    id: int
    application: str  # the application's name (slug)
    publish_date: datetime
    end_date: datetime | None
    priority: int  # > 0 while promoted
    texts: dict[str, Text]
    updated_at: datetime

    @property
    def promoted(self) -> bool:
        """Featured on the home page."""
        return self.priority > 0


@dataclass(frozen=True)
class Page:
    """An enabled page of an application."""

    id: int
    application: str
    priority: int
    texts: dict[str, Text]
    updated_at: datetime


@dataclass(frozen=True)
class ContentPage:
    """A hand-written Markdown page from content/pages (about, privacy, contact)."""

    slug: str
    texts: dict[str, Text]


@dataclass(frozen=True)
class Coach:
    """A coach: a person with a name and a short bio per language (plain text)."""

    id: int
    name: str
    bio: str  # written before bios had a language: shown where no language has one
    active: bool
    bios: dict[str, str] = field(default_factory=dict)  # by locale
    lang: str | None = None  # the language `bio` is in; None: the site's default

    def in_language(self, language: str, languages: tuple[str, ...]) -> Coach:
        """The coach with the bio a `language` page shows (falling back like texts do)."""
        for other in (language, *languages, *sorted(self.bios)):
            if self.bios.get(other):
                return replace(self, bio=self.bios[other], lang=other)
        return self


@dataclass(frozen=True)
class Team:
    """A team that trainings are for, with its name per language."""

    id: int
    name: str  # in the site's default language
    names: dict[str, str] = field(default_factory=dict, compare=False)  # by locale

    def name_in(self, language: str) -> str:
        """The name a `language` page shows: its own, else the default language's."""
        return self.names.get(language) or self.name


@dataclass(frozen=True)
class TrainingCoach:
    """A coach at a training; one may be the head coach."""

    id: int
    name: str
    head: bool


@dataclass(frozen=True)
class Training:
    """A training on the agenda; cancelled ones stay, marked."""

    id: int
    start: datetime
    end: datetime
    location: str
    cancelled: bool
    texts: dict[str, Text]
    coaches: tuple[TrainingCoach, ...]
    teams: tuple[Team, ...]
    definition_id: int | None
    revision: int  # iCal SEQUENCE
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Club:
    """Everything the public site shows, as of `now`."""

    now: datetime
    applications: tuple[Application, ...]  # by weight
    stories: tuple[Story, ...]  # public only, newest first
    pages: tuple[Page, ...]  # enabled only, by application then priority
    content_pages: tuple[ContentPage, ...] = ()
    trainings: tuple[Training, ...] = ()  # active only, by start
    coaches: tuple[Coach, ...] = ()  # by name
    teams: tuple[Team, ...] = ()  # by name
    next_change: datetime | None = None  # when the public site changes by time alone
    extra: dict[str, object] = field(default_factory=dict)
