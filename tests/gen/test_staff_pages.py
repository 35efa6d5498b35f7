"""The workspace's pages as the build plans and renders them: every view in every language,
not indexed, out of the sitemap and robots, nothing of it on public pages, and small."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kwai_api.core.database import open_database
from kwai_api.demo import create_club
from kwai_api.server.files import SiteFiles
from kwai_gen.build import site_info
from kwai_gen.gather import gather
from kwai_gen.plan.staff import VIEWS, staff_path
from kwai_gen.plan.staff_words import STAFF_WORDS
from kwai_gen.render.sitemap import render_robots
from kwai_gen.serving import ASSET_MAX_AGE, PAGE_MAX_AGE, cache_control
from tests.conftest import ANCHOR, NOW, make_settings
from tests.gen.test_site_html import Site, build

STATIC = Path(__file__).resolve().parents[2] / "theme" / "static"
BUDGET = 60 * 1024  # bytes of gzipped JavaScript a workspace page may load
IMPORT = re.compile(r"""(?:from|import)\s*\(?\s*["']([^"']+)["']""")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo club's site, rendered once for this module."""
    settings = make_settings(tmp_path_factory.mktemp("staff"))
    database = open_database(settings.database.path)
    create_club(database, seed=1, anchor=ANCHOR, timezone=settings.site.timezone)
    club = gather(database, NOW)
    database.close()
    info = replace(
        site_info(settings), url="https://judo.example", search=False, asset_version="abc"
    )
    yield build(replace(club, content_pages=()), info, tmp_path_factory.mktemp("release"))


def staff_files(site: Site) -> list[str]:
    return [path for path in site.pages if "staff/" in path]


def test_every_view_exists_in_every_language_and_is_not_indexed(site: Site) -> None:
    expected = {
        f"{prefix}{staff_path(view)}index.html" for view, _, _ in VIEWS for prefix in ("", "en/")
    }
    assert set(staff_files(site)) == expected
    for path in expected:
        html = site.html(path)
        assert '<meta name="robots" content="noindex, nofollow">' in html, path
        assert site.outputs[path].page is None, path  # so not in the sitemap
    assert site.pages["en/staff/news/index.html"].h1 == ["News"]
    assert site.pages["staff/news/index.html"].h1 == ["Nieuws"]


def test_the_script_knows_the_view_language_and_zone(site: Site) -> None:
    html = site.html("en/staff/people/index.html")
    found = re.search(r'<script type="application/json" id="staff-config">(.*?)</script>', html)
    assert found is not None
    config = json.loads(found.group(1))
    assert config["view"] == "people"
    assert config["lang"] == "en" and config["languages"] == ["nl", "en"]
    assert config["timezone"] == "Europe/Brussels" and config["locale"] == "en-GB"
    assert config["login"] == "/en/auth/login/"
    assert config["words"] == STAFF_WORDS["en"]
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == [
        '<script type="module" src="/theme/js/staff/app.js?v=abc">',
        '<script type="application/json" id="staff-config">',
    ]  # nothing inline


def test_public_pages_carry_nothing_of_the_workspace(site: Site) -> None:
    public = [path for path in site.pages if "staff/" not in path]
    assert len(public) > 100
    for path in public:
        html = site.html(path)
        assert "/theme/js/staff/" not in html, path
        assert "staff.css" not in html and "importmap" not in html, path
        assert "/staff/" not in html or path.endswith("auth/login/index.html"), path


def test_robots_keeps_crawlers_out_of_the_workspace(site: Site) -> None:
    robots = render_robots({"site": site.info}).decode().splitlines()
    assert "Disallow: /staff/" in robots and "Disallow: /en/staff/" in robots


def modules() -> dict[Path, list[Path]]:
    """Every module of the workspace with the modules it imports, from the entry on."""
    found: dict[Path, list[Path]] = {}
    todo = [STATIC / "js" / "staff" / "app.js"]
    while todo:
        module = todo.pop()
        if module in found:
            continue
        source = module.read_text(encoding="utf-8")
        found[module] = [(module.parent / name).resolve() for name in IMPORT.findall(source)]
        todo += found[module]
    return found


def test_every_import_is_a_file_of_the_theme() -> None:
    found = modules()
    for module, imports in found.items():
        for imported in imports:
            assert imported.is_file(), f"{module.name} imports {imported}, which is missing"
            assert imported.is_relative_to(STATIC), imported
    staff = set((STATIC / "js" / "staff").glob("*.js"))
    assert staff <= set(found), staff - set(found)  # no module is left out


def test_each_page_loads_less_than_60_kb_of_gzipped_script() -> None:
    sizes = {path.name: len(gzip.compress(path.read_bytes(), 9)) for path in modules()}
    # every module at once is more than any one page loads (it loads only its own view)
    assert sum(sizes.values()) < BUDGET, sizes
    assert (STATIC / "vendor" / "preact-11.2.0" / "LICENSE").is_file()
    assert (STATIC / "vendor" / "htm-3.1.1" / "LICENSE").is_file()


def test_the_workspace_modules_are_revalidated_like_pages(tmp_path: Path) -> None:
    for name in ("theme/js/staff/app.js", "theme/vendor/preact-11.2.0/preact.module.js"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("export {};\n")
    client = TestClient(SiteFiles(tmp_path))  # no lifespan: the files alone
    staff = client.get("/theme/js/staff/app.js")
    vendor = client.get("/theme/vendor/preact-11.2.0/preact.module.js")
    assert staff.headers["cache-control"] == f"public, max-age={PAGE_MAX_AGE}"
    assert vendor.headers["cache-control"] == f"public, max-age={ASSET_MAX_AGE}"
    in_bucket = cache_control("theme/js/staff/app.js", versioned=True)  # a bucket: all versioned
    assert in_bucket == f"public, max-age={PAGE_MAX_AGE}"
