"""The frame every HTML page of one language shares: navigation, footer, labels, language links."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from babel import Locale

from kwai_gen.model import Club
from kwai_gen.plan.labels import labels_for
from kwai_gen.plan.outputs import Deferred, Output, SiteInfo
from kwai_gen.plan.urls import EVENTS, content_path, href, output_file
from kwai_gen.plan.views import Alternate, Link, local_text, section_link


@lru_cache(maxsize=64)
def language_name(lang: str) -> str:
    """A language's name in that language, capitalized ("Nederlands", "English")."""
    try:
        name = Locale.parse(lang).get_display_name(lang) or lang
    except (ValueError, LookupError):
        name = lang
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class Frame:
    """What a language's pages have in common; `page` makes one page's output from it."""

    site: SiteInfo
    lang: str
    labels: dict[str, str]
    nav: tuple[Link, ...]
    footer: tuple[Link, ...]

    def url(self, path: str) -> str:
        """The site-absolute link to a language-neutral `path` in this frame's language."""
        return href(self.site, self.lang, path)

    def alternates(
        self, path: str, versions: tuple[tuple[str, str], ...] = ()
    ) -> tuple[Alternate, ...]:
        """Every language version of `path` (at its own path in `versions`), this one included,
        in the site's order."""
        paths = dict(versions)
        return tuple(
            Alternate(lang, href(self.site, lang, paths.get(lang, path)), language_name(lang))
            for lang in self.site.languages
        )

    def page(
        self,
        path: str,
        template: str,
        title: str,
        description: str = "",
        modified: datetime | None = None,
        versions: tuple[tuple[str, str], ...] = (),
        **context: Any,
    ) -> Output:
        """One HTML page: the frame's context plus the page's own; `modified` is for the sitemap,
        `versions` the (language, path) of each language version when they differ."""
        return Output(
            output_file(self.site, self.lang, path),
            template,
            self.context(path, title, description, versions=versions, **context),
            self.lang,
            path,
            modified,
            versions,
        )

    def deferred_page(
        self,
        path: str,
        template: str,
        key: tuple[Any, ...],
        make: Callable[[], dict[str, Any]],
        modified: datetime | None = None,
        versions: tuple[tuple[str, str], ...] = (),
    ) -> Output:
        """A page whose context `make` builds (title, description and the page's own values)
        only if the page must be rendered; `key` holds everything it is built from."""
        return Output(
            output_file(self.site, self.lang, path),
            template,
            Deferred(
                (self, path, versions, *key),
                lambda: self.context(path, versions=versions, **make()),
            ),
            self.lang,
            path,
            modified,
            versions,
        )

    def context(
        self,
        path: str,
        title: str,
        description: str = "",
        versions: tuple[tuple[str, str], ...] = (),
        **context: Any,
    ) -> dict[str, Any]:
        """The context of one page of this frame."""
        return {
            "site": self.site,
            "lang": self.lang,
            "labels": self.labels,
            "nav": self.nav,
            "footer": self.footer,
            "url": self.url(path),
            "alternates": self.alternates(path, versions),
            "title": title,
            "description": description,
            "home": self.url(""),
            "search_url": self.url("search/"),
            "feed": self.url("feeds/news.atom.xml"),
            **context,
        }


def make_frame(club: Club, site: SiteInfo, lang: str) -> Frame:
    """The frame of `lang`: the applications as navigation, the content pages in the footer."""
    labels = labels_for(lang)
    nav = (
        *(section_link(app, site, lang) for app in club.applications),
        Link(href(site, lang, "news/"), labels["news"]),
    )
    footer = []
    for page in club.content_pages:
        text, marked = local_text(page.texts, site, lang)
        footer.append(
            Link(href(site, lang, content_path(page.slug)), text.title or page.slug, lang=marked)
        )
    footer.append(Link(href(site, lang, "coaches/"), labels["coaches"]))
    if club.events or any(app.events for app in club.applications):
        footer.append(Link(href(site, lang, f"{EVENTS}/"), labels["event_calendar"]))
    return Frame(site, lang, labels, nav, tuple(footer))
