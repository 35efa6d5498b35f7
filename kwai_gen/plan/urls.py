"""Where each thing lives on the site: language-neutral paths, per-language links, output files.

A *path* is relative to a language's root: "" (home), "news/" (a directory page),
"news/57-judo.html" or "trainings.ics". The default language serves it at "/<path>", the others at
"/<lang>/<path>". Paths are the same in every language but those of stories, pages and events,
whose slug comes from the title each language shows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from kwai_api.core.site_paths import SITE_DIRECTORIES
from kwai_api.core.slugs import address_slug
from kwai_gen.model import Event, Page, Story, Team, Text, text_for
from kwai_gen.plan.outputs import SiteInfo
from kwai_gen.plan.slugs import slugify

# Top-level paths the site itself uses: an application with one of these names gets "-info"
# appended to its directory so that it never overwrites them (the API refuses such names).
RESERVED = SITE_DIRECTORIES
AGENDA = "trainings"  # the application whose page is merged into the agenda
EVENTS = "calendar"  # the events of every application: upcoming, then the archive by year
EVENTS_CALENDAR = "events.ics"  # their iCal feed


def language_prefix(site: SiteInfo, lang: str) -> str:
    """ "" for the default language, "<lang>/" for the others."""
    return "" if lang == site.default_language else f"{lang}/"


def href(site: SiteInfo, lang: str, path: str) -> str:
    """The site-absolute link to `path` in `lang` ("/en/news/")."""
    return "/" + language_prefix(site, lang) + path


def output_file(site: SiteInfo, lang: str, path: str) -> str:
    """The release file serving `path` in `lang` (a directory page is its index.html)."""
    file = path + "index.html" if path == "" or path.endswith("/") else path
    return language_prefix(site, lang) + file


def item_slug(texts: dict[str, Text], kept: str | None, site: SiteInfo, lang: str | None) -> str:
    """The slug of an item's address in `lang` (None: the default language): the default
    language keeps the item's `kept` slug; the others have that of the text they show, so a
    language that falls back uses the other language's slug."""
    lang = lang or site.default_language
    if kept and lang == site.default_language:
        return kept
    shown = texts.get(lang) or text_for(texts, lang, site.languages).text  # (lists call it often)
    return address_slug(shown.locale, shown.title, shown.slug, kept, texts, site.languages)


def _versions(path_of: Callable[[str], str], site: SiteInfo) -> tuple[tuple[str, str], ...]:
    """(language, path) of each language version of an item whose path depends on it."""
    return tuple((lang, path_of(lang)) for lang in site.languages)


def story_path(story: Story, site: SiteInfo, lang: str | None = None) -> str:
    """A story's page in `lang` (None: the default language): news/<id>-<slug>.html."""
    return f"news/{story.id}-{item_slug(story.texts, story.slug, site, lang)}.html"


def application_dir(name: str, site: SiteInfo) -> str:
    """The directory of an application's pages, "judo/"."""
    safe = slugify(name, fallback="section")
    return f"{safe}-info/" if safe in RESERVED or safe in site.languages else f"{safe}/"


def content_path(slug: str) -> str:
    """A hand-written content page (about, privacy, contact): <slug>/."""
    return f"{slugify(slug, fallback='page')}/"


def page_path(page: Page, site: SiteInfo, lang: str | None = None) -> str:
    """A page of an application in `lang` (None: the default one): <app>/<id>-<slug>.html."""
    slug = item_slug(page.texts, page.slug, site, lang)
    return f"{application_dir(page.application, site)}{page.id}-{slug}.html"


def week_path(day: date) -> str:
    """The agenda of the ISO week holding `day`: trainings/2026-w48/."""
    year, week, _ = day.isocalendar()
    return f"{AGENDA}/{year}-w{week:02d}/"


def team_calendar_path(team: Team) -> str:
    """The iCalendar feed of one team: trainings/<id>-<slug>.ics."""
    return f"{AGENDA}/{team.id}-{slugify(team.name, fallback='team')}.ics"


def list_page_path(base: str, number: int) -> str:
    """Page `number` (1 = the oldest stories) of a news list under `base` ("news/")."""
    return f"{base}page/{number}/"


def event_path(event: Event, site: SiteInfo, lang: str | None = None) -> str:
    """An event's page in `lang` (None: the default language): calendar/<id>-<slug>.html."""
    return f"{EVENTS}/{event.id}-{item_slug(event.texts, None, site, lang)}.html"


def events_year_path(year: int) -> str:
    """The archive of the events that ended in `year`: calendar/2025/."""
    return f"{EVENTS}/{year}/"


def sitemap_path(chunk: str) -> str:
    """The sitemap of one chunk of the site's pages: sitemaps/news-3.xml."""
    return f"sitemaps/{chunk}.xml"


def story_versions(story: Story, site: SiteInfo) -> tuple[tuple[str, str], ...]:
    """(language, path) of each language version of a story."""
    return _versions(lambda lang: story_path(story, site, lang), site)


def page_versions(page: Page, site: SiteInfo) -> tuple[tuple[str, str], ...]:
    """(language, path) of each language version of a page."""
    return _versions(lambda lang: page_path(page, site, lang), site)


def event_versions(event: Event, site: SiteInfo) -> tuple[tuple[str, str], ...]:
    """(language, path) of each language version of an event."""
    return _versions(lambda lang: event_path(event, site, lang), site)
