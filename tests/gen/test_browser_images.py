"""The demo club's photos in headless Chromium: each page picks the size it needs, and no image
pushes a narrow page sideways."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kwai_api.core.database import open_database
from kwai_api.demo import create_club
from kwai_gen.build import build_site, site_info
from kwai_gen.gather import gather
from kwai_gen.plan.urls import href, story_path
from tests.conftest import ANCHOR, NOW, make_settings
from tests.support.browser import Browser, browser, chromium, scroll_width, static_server

__all__ = ["browser", "chromium"]  # the fixtures this module uses


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The demo club with its drawn photos, built and served: (site URL, the story's path)."""
    settings = make_settings(tmp_path_factory.mktemp("photos"))
    db = open_database(settings.database.path)
    try:
        create_club(
            db, seed=1, anchor=ANCHOR, timezone=settings.site.timezone, images=settings.images.path
        )
        build_site(settings, db, now=NOW)
        story = next(s for s in gather(db, NOW).stories if s.image is not None)
    finally:
        db.close()
    site = site_info(settings)
    with static_server(settings.site.output / "current") as url:
        yield url, href(site, site.default_language, story_path(story, site))


def shown(page: object, selector: str) -> dict[str, object]:
    """What the browser made of an image: the file it chose, whether it loaded, its width.

    A lazy image loads once it is near the viewport: scroll to it and give it time to arrive.
    """
    image = page.locator(selector).first  # type: ignore[attr-defined]
    image.scroll_into_view_if_needed()
    image.evaluate(
        "img => img.complete ? null : new Promise(done => {"
        " img.addEventListener('load', done); img.addEventListener('error', done); })"
    )
    return image.evaluate(  # type: ignore[no-any-return]
        "img => ({src: img.currentSrc.split('/').pop(), loaded: img.complete"
        " && img.naturalWidth > 0, width: img.getBoundingClientRect().width})"
    )


@pytest.mark.browser
@pytest.mark.parametrize(("width", "chosen"), [(360, "-480.webp"), (1280, "-960.webp")])
def test_a_story_page_loads_the_size_its_width_needs(
    browser: Browser, photos: tuple[str, str], width: int, chosen: str
) -> None:
    url, story = photos
    page = browser.open(url + story, width)

    lead = shown(page, ".lead-image img")
    assert lead["loaded"] and str(lead["src"]).endswith(chosen)
    assert scroll_width(page) <= width
    browser.screenshot(page, f"story-photo-{width}")
    browser.assert_clean()


@pytest.mark.browser
def test_cards_and_portraits_load_the_smallest_size(
    browser: Browser, photos: tuple[str, str]
) -> None:
    url, _ = photos
    for path, selector in (("/news/", "img.card-image"), ("/coaches/", "img.coach-photo")):
        page = browser.open(url + path, 1280)
        image = shown(page, selector)
        assert image["loaded"] and str(image["src"]).endswith("-480.webp"), path
        assert 90 <= float(image["width"]) <= 130, path  # type: ignore[arg-type]
        browser.screenshot(page, f"photos{path.strip('/')}")
    browser.assert_clean()
