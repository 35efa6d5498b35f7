"""The club as the site shows it: plain, immutable objects gathered from one database snapshot.

Every datetime here is timezone-aware UTC; templates convert to the club's zone when they show it.
Texts are keyed by locale; `text_for` picks the page's language or falls back to another.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from kwai_api.core.images import public_url
from kwai_api.core.visibility import shown_locale


@dataclass(frozen=True)
class Text:
    """A title, summary and content (sanitized HTML) in one locale."""

    locale: str
    title: str
    summary: str = ""
    content: str = ""
    slug: str | None = None  # of its address in its language, kept once saved; None: from title


@dataclass(frozen=True)
class Localized:
    """The text shown for a language, and whether it fell back to another language."""

    text: Text
    fallback: bool


def text_for(texts: dict[str, Text], language: str, languages: tuple[str, ...]) -> Localized:
    """The text in `language`, else the one shown_locale falls back to (the API's rule too)."""
    if language in texts:
        return Localized(texts[language], False)
    other = shown_locale(texts, languages)
    return Localized(texts[other] if other else Text(locale=language, title=""), True)


@dataclass(frozen=True)
class ImageSize:
    """One published width of an uploaded image."""

    width: int
    height: int
    file: str  # its name in the image store and under /images/u/ (a digest of its content)

    @property
    def url(self) -> str:
        """The site-absolute URL of the file."""
        return public_url(self.file)


@dataclass(frozen=True)
class Image:
    """An uploaded image the site shows: a lead image, a portrait or one embedded in a text."""

    id: int
    alt: str  # what it shows, in the site's default language
    width: int
    height: int
    sizes: tuple[ImageSize, ...]  # narrowest first
    alts: tuple[tuple[str, str], ...] = ()  # (locale, what it shows) in the languages described

    def alt_in(self, language: str, default: str | None = None) -> tuple[str, str | None]:
        """What a `language` page says the image shows, and the language of those words when
        not the page's: its own, else the `default` language's (`alt`), else another's."""
        other: tuple[str, str | None] | None = None
        for locale, alt in self.alts:  # a few at most: a list page asks for dozens of images
            if alt and locale == language:
                return alt, None
            if alt and other is None:
                other = (alt, locale)
        if self.alt:
            return self.alt, default if default != language else None
        return other or ("", None)

    @property
    def largest(self) -> ImageSize:
        """The widest published size (the Open Graph image)."""
        return self.sizes[-1]

    @property
    def srcset(self) -> str:
        """Every size for the `srcset` attribute."""
        return ", ".join(f"{size.url} {size.width}w" for size in self.sizes)


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
    image: Image | None = None  # the hero image at the top of its page


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
    image: Image | None = None  # the lead image
    slug: str | None = None  # kept from when it was first saved; None: made from the title
    shared_slug: bool = False  # its languages were once served at the default language's slug

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
    image: Image | None = None  # the lead image
    slug: str | None = None  # kept from when it was first saved; None: made from the title
    shared_slug: bool = False  # its languages were once served at the default language's slug


@dataclass(frozen=True)
class Move:
    """A former name of an application: its old addresses lead to the new ones."""

    name: str
    application: str  # the application's name now


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
    photo: Image | None = None  # a portrait

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
    cancel_reason: str | None = None  # why it is cancelled (a holiday, a closed hall)


@dataclass(frozen=True)
class Event:
    """An enabled event (tournament, camp, exam) on whole days in the club's zone."""

    id: int
    application: str  # the application's name (slug)
    start: date
    end: date  # the last day; the start day for a one-day event
    location: str
    registration_url: str | None
    registration_deadline: date | None  # the last day to register
    texts: dict[str, Text]
    created_at: datetime
    updated_at: datetime
    shared_slug: bool = False  # its languages were once served at the default language's slug


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
    events: tuple[Event, ...] = ()  # enabled only, by start day
    next_change: datetime | None = None  # when the public site changes by time alone
    images: tuple[Image, ...] = ()  # every uploaded image the site shows, by id
    moves: tuple[Move, ...] = ()  # former application names, by name
    extra: dict[str, object] = field(default_factory=dict)
