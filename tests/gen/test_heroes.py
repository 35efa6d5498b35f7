"""Hero images: the section's own at the top of its page, the one [club] hero names on the home
page, in every language; the home page stays small."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kwai_api.core.database import open_database
from kwai_api.demo import create_club
from kwai_gen.build import build_site
from tests.conftest import ANCHOR, NOW, make_settings
from tests.support.axe import violations
from tests.support.browser import Browser, browser, chromium, static_server

__all__ = ["browser", "chromium"]  # the fixtures this module uses


def demo_site(tmp: Path, **env: str) -> Path:
    """The demo club, with its pictures, built with the settings `env` overrides."""
    settings = make_settings(tmp, **env)
    db = open_database(settings.database.path)
    try:
        create_club(db, seed=1, anchor=ANCHOR, images=settings.images.path)
        build_site(settings, db, now=NOW)
    finally:
        db.close()
    return (settings.site.output / "current").resolve()


def hero_of(html: str) -> str | None:
    if '<figure class="hero-image">' not in html:
        return None
    return html.split('<figure class="hero-image">', 1)[1].split("</figure>", 1)[0]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_site(tmp_path_factory.mktemp("heroes"))


def test_the_home_page_and_the_sections_are_headed_by_their_hero(site: Path) -> None:
    for prefix in ("", "en/"):
        home = (site / f"{prefix}index.html").read_text()
        club = (site / f"{prefix}club/index.html").read_text()
        shown = hero_of(home)
        assert shown is not None and shown == hero_of(club)  # [club] hero = "club"
        assert shown.count("w, ") == 2 and 'sizes="' in shown  # three widths to choose from
        assert 'width="1600"' in shown and 'height="' in shown and "loading" not in shown
        assert home.index("hero-image") < home.index("<h1")
        og = home.split('<meta property="og:image" content="', 1)[1].split('"', 1)[0]
        assert og.endswith("-1600.webp") and og.split("/")[-1] in shown
        assert len(home.encode()) < 50_000
        judo = hero_of((site / f"{prefix}judo/index.html").read_text())
        assert judo is not None and judo != shown
        assert hero_of((site / f"{prefix}news/index.html").read_text()) is None


def test_a_home_page_without_a_hero_setting_shows_none(tmp_path: Path) -> None:
    site = demo_site(tmp_path, KWAI_CLUB_HERO="")
    home = (site / "index.html").read_text()
    assert hero_of(home) is None and 'property="og:image"' not in home
    assert hero_of((site / "club/index.html").read_text()) is not None


@pytest.fixture(scope="module")
def site_url(site: Path) -> Iterator[str]:
    with static_server(site) as url:
        yield url


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_hero_is_a_band_across_the_page_that_breaks_no_rule(
    browser: Browser, site_url: str, lang: str, width: int
) -> None:
    prefix = "" if lang == "nl" else "en/"
    for name, path in (("home", ""), ("section", "club/"), ("section-judo", "judo/")):
        page = browser.open(f"{site_url}/{prefix}{path}", width)
        image = page.locator(".hero-image img")
        box = image.bounding_box()
        assert box is not None
        # a band as wide as the text, cropped to 16:9 on a phone and 3:1 wider up
        ratio = 16 / 9 if width < 768 else 3
        assert abs(box["width"] / box["height"] - ratio) < 0.05, (name, box)
        assert box["y"] < page.locator("h1").bounding_box()["y"]
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        assert violations(page) == [], name
        browser.screenshot(page, f"hero-{name}-{lang}-{width}")
        page.close()
