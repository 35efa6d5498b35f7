"""The live site while releases switch: every visitor gets the old release or the new one."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from kwai_api.server.files import SiteFiles
from tests.conftest import NOW
from tests.support.server import SECRETS, running_server

JOB = {"X-Kwai-Job-Secret": SECRETS["KWAI_SECURITY_JOB_SECRET"]}


def two_releases(site: Path) -> None:
    """site/current -> releases/old; releases/new next to it; each with a home and a 404 page."""
    for name in ("old", "new"):
        release = site / "releases" / name
        (release / "news").mkdir(parents=True)
        (release / "index.html").write_text(f"<p>home {name}</p>")
        (release / "news" / "index.html").write_text(f"<p>news {name}</p>")
        (release / "404.html").write_text(f"<p>missing {name}</p>")
    (site / "current").symlink_to("releases/old")


def switch(site: Path) -> None:
    """Point `current` at the other release, atomically (as a build does)."""
    other = "new" if os.readlink(site / "current").endswith("old") else "old"
    (site / ".current.tmp").symlink_to(f"releases/{other}")
    os.replace(site / ".current.tmp", site / "current")


def test_a_switch_between_two_lookups_serves_one_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build switching `current` between any two path resolutions of one request."""
    site = tmp_path / "site"
    two_releases(site)
    resolve: Callable[..., str] = os.path.realpath

    def resolve_then_switch(path: str, *args: object, **kwargs: object) -> str:
        resolved = resolve(path, *args, **kwargs)
        switch(site)
        return resolved

    monkeypatch.setattr(os.path, "realpath", resolve_then_switch)
    app = Starlette(routes=[Mount("/", app=SiteFiles(site / "current"))])
    with TestClient(app) as client:
        for url, status, text in [
            ("/", 200, "home"),
            ("/news/", 200, "news"),
            ("/news", 307, ""),
            ("/index.html", 200, "home"),
            ("/gone/", 404, "missing"),
        ]:
            for _ in range(2):  # starting from either release
                answer = client.get(url, follow_redirects=False)
                assert answer.status_code == status, url
                assert answer.text in {f"<p>{text} old</p>", f"<p>{text} new</p>"} or not text


def test_a_path_out_of_the_release_is_not_served(tmp_path: Path) -> None:
    site = tmp_path / "site"
    two_releases(site)
    (site / "releases" / "old" / "escape.html").symlink_to(tmp_path / "secret.html")
    (tmp_path / "secret.html").write_text("secret")
    app = Starlette(routes=[Mount("/", app=SiteFiles(site / "current"))])
    with TestClient(app) as client:
        assert client.get("/escape.html").status_code == 404
        assert client.get("/../secret.html").status_code == 404
        shutil.rmtree(site / "releases")
        assert client.get("/").status_code == 503


def test_a_missing_english_page_gets_the_english_404(tmp_path: Path) -> None:
    site = tmp_path / "site"
    two_releases(site)
    english = site / "releases" / "old" / "en"
    english.mkdir()
    (english / "index.html").write_text("<p>home en</p>")
    (english / "404.html").write_text("<p>not found</p>")
    app = Starlette(routes=[Mount("/", app=SiteFiles(site / "current"))])
    with TestClient(app) as client:
        for url in ("/en/gone/", "/en/news/2020/nope.html"):
            answer = client.get(url)
            assert (answer.status_code, answer.text) == (404, "<p>not found</p>"), url
        dutch = client.get("/news/gone/")
        assert (dutch.status_code, dutch.text) == (404, "<p>missing old</p>")
        assert client.get("/en/").text == "<p>home en</p>"
        assert client.get("/news/en/gone").text == "<p>missing old</p>"  # only a first segment


def complete(url: str, body: bytes, expected: dict[str, bytes]) -> bool:
    """The whole file: an asset byte for byte, a page or feed up to its closing tag."""
    if url in expected:
        return body == expected[url]
    return body.rstrip().endswith((b"</html>", b"</feed>", b"</urlset>", b"</sitemapindex>"))


def test_visitors_never_get_an_error_while_releases_go_live(
    tmp_path: Path, club_file: Path
) -> None:
    """Readers of pages, feeds and assets through `kwai serve` during 20 builds (the full ones
    always publish, the others when the clock changed a page), among them releases recycled a
    few seconds after they were replaced: all 200."""
    shutil.copyfile(club_file, tmp_path / "kwai.duckdb")
    theme = Path(__file__).resolve().parents[3] / "theme" / "static"
    assets = {"/theme/css/kwai.css": (theme / "css" / "kwai.css").read_bytes()}
    urls = ["/", "/en/", "/news/", "/feeds/news.atom.xml", "/sitemap.xml", *assets]
    with running_server(tmp_path) as url:
        first = httpx.post(f"{url}/api/v1/site/builds", headers=JOB, timeout=120)
        assert first.json()["data"]["attributes"]["status"] == "success"
        building = threading.Event()
        building.set()
        answers: list[tuple[str, int, bool]] = []

        def read() -> None:
            with httpx.Client(base_url=url, timeout=30) as client:
                while building.is_set():
                    for path in urls:
                        answer = client.get(path)
                        ok = complete(path, answer.content, assets)
                        answers.append((path, answer.status_code, ok))

        readers = [threading.Thread(target=read) for _ in range(4)]
        for reader in readers:
            reader.start()
        statuses, published = [], set()
        try:
            for n in range(20):
                when = (NOW + timedelta(days=n)).strftime("%Y-%m-%d %H:%M:%S")
                attributes = {"full": n % 4 == 0, "now": when}
                build = httpx.post(
                    f"{url}/api/v1/site/builds",
                    headers={**JOB, "Content-Type": "application/vnd.api+json"},
                    json={"data": {"type": "site_builds", "attributes": attributes}},
                    timeout=120,
                )
                statuses.append(build.json()["data"]["attributes"]["status"])
                published.add(build.json()["data"]["attributes"]["release"])
                time.sleep(0.5)  # older releases become old enough to be recycled
        finally:
            building.clear()
            for reader in readers:
                reader.join()
    assert statuses == ["success"] * 20
    assert len(published) >= 15  # most days change the home page or the agenda
    failures = [(path, status) for path, status, ok in answers if status != 200 or not ok]
    assert len(answers) > 200
    assert failures == []
