"""What the generator writes: a list of outputs, each a path, a template and an explicit context.

The build renders an output only when its digest (template + context + theme) differs from the
live release's; otherwise the live file is linked into the new release unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

# A language's locale unless the settings say otherwise: a Belgian club writes 24-hour times.
DEFAULT_LOCALES = {"nl": "nl_BE", "en": "en_GB", "fr": "fr_BE", "de": "de_BE"}


@dataclass(frozen=True)
class Contact:
    """How visitors find and reach the club (from the [club] settings)."""

    address: str
    email: str
    phone: str
    call_to_action: tuple[tuple[str, str], ...]  # (language, text)
    call_to_action_url: str

    @property
    def route_url(self) -> str:
        """A route to the address on OpenStreetMap: a plain link, no embedded map or tracker."""
        return "https://www.openstreetmap.org/search?query=" + quote_plus(self.address)

    def call_in(self, lang: str) -> str:
        """The call to action in `lang` (or the one for every language)."""
        texts = dict(self.call_to_action)
        return texts.get(lang) or texts.get("*") or ""


@dataclass(frozen=True)
class SiteInfo:
    """The facts about the site that templates may use (never the whole settings)."""

    name: str
    tagline: str
    url: str  # absolute, no trailing slash
    languages: tuple[str, ...]  # the first is served at the root
    timezone: str
    news_per_page: int = 10
    search: bool = True
    # A digest of the theme's assets: asset links carry it (?v=) so that browsers and CDNs,
    # which may keep /theme/ files for a week, fetch them again when they change.
    asset_version: str = ""
    taglines: tuple[tuple[str, str], ...] = ()  # (language, tagline); `tagline` is the fallback
    locales: tuple[tuple[str, str], ...] = ()  # (language, locale): how dates are written
    contact: Contact | None = None
    hero: str = ""  # the application whose hero image heads the home page

    def tagline_in(self, lang: str) -> str:
        """The tagline in `lang`."""
        texts = dict(self.taglines)
        return texts.get(lang) or texts.get("*") or self.tagline

    def locale_of(self, lang: str) -> str:
        """The locale dates and times are written in on pages of `lang` (en_GB for en)."""
        return dict(self.locales).get(lang) or DEFAULT_LOCALES.get(lang, lang)

    @property
    def default_language(self) -> str:
        """The language at the site root."""
        return self.languages[0]

    @property
    def zone(self) -> ZoneInfo:
        """The club's time zone."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Deferred:
    """A context made only when its output must be rendered.

    `key` holds everything `make` builds the context from (model objects, the frame, scalars):
    the digest is taken over the key, so planning a big site stays cheap and a page is made
    only when what it is made from changed. `make` must read nothing that is not in `key`.
    """

    key: tuple[Any, ...]
    make: Callable[[], dict[str, Any]]


@dataclass(frozen=True)
class Output:
    """One file of the site.

    `template` is a theme template name ("story.html") or the name of a renderer in
    `kwai_gen.render.formats.RENDERERS` ("atom", "ical", ...). `context` holds plain, picklable
    values only: it is hashed to decide whether the file must be rendered again.
    """

    path: str  # relative to the release root, "/"-separated, e.g. "en/news/index.html"
    template: str
    context: dict[str, Any] | Deferred
    # For HTML pages, what the sitemap lists: the language, the language-neutral path of the
    # page ("news/") and when its content last changed.
    lang: str | None = None
    page: str | None = None
    modified: datetime | None = None
    # (language, path) of each language version when the path differs by language (a story's
    # slug comes from each language's title); empty: `page` in every language
    versions: tuple[tuple[str, str], ...] = ()

    def made(self) -> dict[str, Any]:
        """The context itself, made now if it was deferred."""
        return self.context.make() if isinstance(self.context, Deferred) else self.context
