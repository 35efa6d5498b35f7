"""Every public page type in both languages, light and dark, at 390 px: no axe-core violation.

The seeded club is built once (with its search index) and served on 127.0.0.1; axe-core (the
vendored tests/support/vendor copy) checks each page against WCAG 2.2 A/AA and axe's best
practices. Each page is also saved as a screenshot at 390 and 1280 px to be looked at.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kwai_api.core.database import open_database
from kwai_api.demo import create_club
from kwai_gen.build import build_site, site_info
from kwai_gen.gather import gather
from kwai_gen.plan.urls import AGENDA, application_dir, page_path, story_path, week_path
from tests.conftest import ANCHOR, NOW, make_settings
from tests.support.axe import violations
from tests.support.browser import Browser, chromium, static_server

__all__ = ["chromium"]  # the fixture this module uses

LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class Built:
    root: Path
    paths: dict[str, str]  # page type -> its path (and query) in the default language
    english: dict[str, str]  # the page types whose path differs in English (slugs of titles)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The demo club built once, and a path of every public page type in it."""
    settings = make_settings(tmp_path_factory.mktemp("axe"), KWAI_SITE_SEARCH="true")
    db = open_database(settings.database.path)
    try:
        create_club(db, seed=1, anchor=ANCHOR, timezone=settings.site.timezone)
        build_site(settings, db, now=NOW)
        club = gather(db, NOW)
    finally:
        db.close()
    site = site_info(settings)
    story = club.stories[0]
    page = club.pages[0]
    section = application_dir(next(a.name for a in club.applications if a.name != AGENDA), site)
    year = story.publish_date.astimezone(site.zone)
    code = uuid.uuid4()
    return Built(
        settings.site.output / "current",
        {
            "home": "",
            "news": "news/",
            "news-page-1": "news/page/1/",
            "archive-year": f"news/{year.year}/",
            "archive-month": f"news/{year.year}/{year.month:02d}/",
            "story": story_path(story, site),
            "section": section,
            "section-news": f"{section}news/",
            "section-page": page_path(page, site),
            "content-page": "about/",
            "agenda": f"{AGENDA}/",
            "week": week_path(NOW.date()),
            "coaches": "coaches/",
            "search": "search/?q=judo",
            "not-found": "404.html",
            "login": "auth/login/",
            "recover": "auth/recover/",
            "reset": f"auth/reset/?uuid={code}",
            "invite": f"auth/invite/?uuid={code}",
            "invite-without-code": "auth/invite/",  # says so at once
            "login-errors": "auth/login/",  # submitted empty: each field says what is wrong
        },
        {"story": story_path(story, site, "en"), "section-page": page_path(page, site, "en")},
    )


@pytest.fixture(scope="module")
def site_url(built: Built) -> Iterator[str]:
    with static_server(built.root) as url:
        yield url


def open_page(visitor: Browser, kind: str, url: str, width: int) -> Any:
    page = visitor.open(url, width)
    if "/search/" in url:  # the results are part of what a visitor reads
        page.locator(".pagefind-ui__result").first.wait_for(state="visible")
    if kind == "login-errors":
        page.locator("#auth-form button[type=submit]").click()
        page.locator("#username-error:not(:empty)").wait_for()
    return page


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_breaks_an_accessibility_rule(
    chromium: Any, built: Built, site_url: str, lang: str, scheme: str
) -> None:
    context = chromium.new_context(service_workers="block", color_scheme=scheme)
    visitor = Browser(context)
    found: list[str] = []
    try:
        for kind, path in built.paths.items():
            assert (built.root / path.partition("?")[0]).exists() or path == "", path
            if lang == "en":
                path = "en/" + built.english.get(kind, path)
            url = f"{site_url}/{path}"
            page = open_page(visitor, kind, url, 390)
            found += [f"{kind}: {problem}" for problem in violations(page)]
            visitor.screenshot(page, f"all-{kind}-{lang}-390{'-dark' if scheme == 'dark' else ''}")
            if scheme == "light":
                page.set_viewport_size({"width": 1280, "height": 900})
                visitor.screenshot(page, f"all-{kind}-{lang}-1280")
            page.close()
        visitor.assert_clean()
    finally:
        context.close()
    assert found == []
