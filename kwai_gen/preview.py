"""One page as the site would publish it, rendered from a draft: what editors see before saving.

The page is planned by the same code as a build (the language's frame, the story or page
output) and rendered with the Jinja2 environment Pelican gives the build's generator, over the
same theme and settings; the footer's hand-written pages are read by Pelican as a build reads
them. Nothing is written: no file, no release, no manifest, so the next build is unaffected.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_gen.build import site_info
from kwai_gen.gather import gather_applications, gather_images
from kwai_gen.images import embed_images
from kwai_gen.model import Club, ContentPage, Page, Story, Text
from kwai_gen.plan.frames import make_frame
from kwai_gen.plan.news import story_page
from kwai_gen.plan.outputs import Output, SiteInfo
from kwai_gen.plan.site import page_output
from kwai_gen.plan.views import Link, section_link
from kwai_gen.render.writer import content_pages, pelican_settings


@dataclass(frozen=True)
class Theme:
    """What Pelican gives a build to render with: its Jinja2 environment and the content pages."""

    env: Any  # jinja2.Environment
    content_pages: tuple[ContentPage, ...]


def preview_story(settings: Settings, db: Database, story: Story, lang: str) -> str:
    """The page of a (draft) story in `lang`, as HTML."""
    site, club, theme = _setting(settings, db, story.updated_at)
    story = replace(story, texts=_embedded(db, story.texts))
    frame = make_frame(club, site, lang)
    app = next((a for a in club.applications if a.name == story.application), None)
    section = (
        section_link(app, site, lang)
        if app is not None
        else Link(frame.url("news/"), frame.labels["news"])
    )
    return _render(theme, story_page(story, frame, section))


def preview_page(settings: Settings, db: Database, page: Page, lang: str) -> str:
    """The page of a (draft) page of an application in `lang`, as HTML."""
    site, club, theme = _setting(settings, db, page.updated_at)
    page = replace(page, texts=_embedded(db, page.texts))
    return _render(theme, page_output(page, club, make_frame(club, site, lang)))


def _embedded(db: Database, texts: dict[str, Text]) -> dict[str, Text]:
    """The texts with their embedded uploads (`image:N`) in their published sizes, as a build
    shows them."""
    if not any("image:" in t.summary or "image:" in t.content for t in texts.values()):
        return texts
    find = gather_images(db).get
    return {
        locale: replace(
            text,
            summary=embed_images(text.summary, find, locale),
            content=embed_images(text.content, find, locale),
        )
        for locale, text in texts.items()
    }


def _setting(settings: Settings, db: Database, now: datetime) -> tuple[SiteInfo, Club, Theme]:
    """The site's facts, the club as a lone page needs it (its sections), and the theme."""
    site = site_info(settings)
    theme = _theme(site, settings.site.theme, settings.site.content, _mtimes(settings))
    club = Club(
        now=now,
        applications=gather_applications(db),
        stories=(),
        pages=(),
        content_pages=theme.content_pages,
    )
    return site, club, theme


def _render(theme: Theme, output: Output) -> str:
    """The HTML of one planned page."""
    return str(theme.env.get_template(output.template).render(**output.made()))


def _mtimes(settings: Settings) -> tuple[float, ...]:
    """When the templates and the hand-written pages last changed: a new theme when they do."""
    files = [*(settings.site.theme / "templates").rglob("*"), *settings.site.content.rglob("*")]
    return tuple(sorted(p.stat().st_mtime for p in files if p.is_file()))


@lru_cache(maxsize=4)
def _theme(site: SiteInfo, theme: Path, content: Path, mtimes: tuple[float, ...]) -> Theme:
    """Pelican's generator environment and the content pages it reads, made as a build makes
    them (`mtimes` only makes a changed theme or content a new cache entry)."""
    from pelican.generators import Generator, PagesGenerator

    with tempfile.TemporaryDirectory(prefix="kwai-preview-") as output:
        settings = pelican_settings(site, theme, content, Path(output))
        context: dict[str, Any] = {
            "static_links": set(),
            "static_content": {},
            "generated_content": {},
            "localsiteurl": site.url,
        }
        args = (context, settings, settings["PATH"], settings["THEME"], output)
        pages = PagesGenerator(*args)
        pages.generate_context()
        env = Generator(*args).env
        found = content_pages(list(pages.pages) + list(pages.hidden_pages))
    return Theme(env, found)
