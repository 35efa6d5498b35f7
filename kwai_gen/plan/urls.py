"""Where each thing lives on the site: language-neutral paths, per-language links, output files.

A *path* is language-neutral and relative to a language's root: "" (home), "news/" (a directory
page), "news/57-judo.html" or "trainings.ics". The default language serves it at "/<path>", the
others at "/<lang>/<path>".
"""

from __future__ import annotations

from datetime import date

from kwai_api.core.site_paths import SITE_DIRECTORIES
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


def _title_slug(texts: dict[str, Text], site: SiteInfo) -> str:
    """The slug of the title in the default language (or the first one there is)."""
    return slugify(text_for(texts, site.default_language, site.languages).text.title)


def story_path(story: Story, site: SiteInfo) -> str:
    """A story's page: news/<id>-<slug>.html, the slug from its default-language title."""
    return f"news/{story.id}-{story.slug or _title_slug(story.texts, site)}.html"


def application_dir(name: str, site: SiteInfo) -> str:
    """The directory of an application's pages, "judo/"."""
    safe = slugify(name, fallback="section")
    return f"{safe}-info/" if safe in RESERVED or safe in site.languages else f"{safe}/"


def content_path(slug: str) -> str:
    """A hand-written content page (about, privacy, contact): <slug>/."""
    return f"{slugify(slug, fallback='page')}/"


def page_path(page: Page, site: SiteInfo) -> str:
    """A page of an application: <application>/<id>-<slug>.html."""
    slug = page.slug or _title_slug(page.texts, site)
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


def event_path(event: Event, site: SiteInfo) -> str:
    """An event's page: calendar/<id>-<slug>.html, the slug from its default-language title."""
    return f"{EVENTS}/{event.id}-{_title_slug(event.texts, site)}.html"


def events_year_path(year: int) -> str:
    """The archive of the events that ended in `year`: calendar/2025/."""
    return f"{EVENTS}/{year}/"


def sitemap_path(chunk: str) -> str:
    """The sitemap of one chunk of the site's pages: sitemaps/news-3.xml."""
    return f"sitemaps/{chunk}.xml"
