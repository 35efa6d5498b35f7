"""Links that keep working: a published page keeps its address when its title or section is
renamed through the API, and an old section address leads to the new one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_gen.build import build_site
from tests.api.content.test_news import new_story
from tests.conftest import NOW, Builds, app_id

API = "/api/v1"


def built(settings: Settings, db: Database) -> Path:
    build_site(settings, db, now=NOW)
    return (settings.site.output / "current").resolve()


def retitle(client: TestClient, admin: dict[str, str], kind: str, id: int, title: str) -> None:
    texts = [{"locale": "nl", "title": title}, {"locale": "en", "title": title}]
    doc = {"data": {"type": kind, "id": str(id), "attributes": {"texts": texts}}}
    answer = client.patch(f"{API}/{kind}/{id}", json=doc, headers=admin)
    assert answer.status_code == 200, answer.text


def test_a_new_story_keeps_its_address_when_its_title_is_fixed(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds, settings: Settings
) -> None:
    created = client.post(f"{API}/news_items", json=new_story(db), headers=admin)
    story = int(created.json()["data"]["id"])
    assert (built(settings, db) / f"news/{story}-kampioen.html").exists()
    retitle(client, admin, "news_items", story, "Kampioenen in Gent!")
    site = built(settings, db)
    assert "Kampioenen in Gent!" in (site / f"news/{story}-kampioen.html").read_text()
    assert not list(site.glob(f"news/{story}-kampioenen*"))


def test_published_stories_and_pages_keep_their_address(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds, settings: Settings
) -> None:
    site = built(settings, db)
    story = int(db.fetchvalue("SELECT max(id) FROM news_stories WHERE publish_date < ?", [NOW]))
    page = db.fetchone(
        "SELECT p.id, a.name FROM pages p JOIN applications a"
        " ON a.id = p.application_id WHERE p.enabled ORDER BY p.id LIMIT 1"
    )
    assert page is not None
    [story_file] = site.glob(f"news/{story}-*.html")
    [page_file] = site.glob(f"{page['name']}/{page['id']}-*.html")
    retitle(client, admin, "news_items", story, "Een nieuwe titel")
    retitle(client, admin, "pages", page["id"], "Nog een nieuwe titel")
    after = built(settings, db)
    for old in (story_file, page_file):
        moved = after / old.relative_to(site)
        assert moved.exists() and "nieuwe titel" in moved.read_text()
    assert not list(after.rglob("*-een-nieuwe-titel.html"))
    assert not list(after.rglob("*-nog-een-nieuwe-titel.html"))


def test_a_renamed_section_answers_its_old_addresses_with_a_redirect(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds, settings: Settings
) -> None:
    judo = app_id(db, "judo")
    page = int(
        db.fetchvalue("SELECT min(id) FROM pages WHERE enabled AND application_id = ?", [judo])
    )
    site = built(settings, db)
    [old_page] = site.glob(f"judo/{page}-*.html")
    doc: dict[str, Any] = {
        "data": {"type": "applications", "id": str(judo), "attributes": {"name": "judo-club"}}
    }
    assert (
        client.patch(f"{API}/portal/applications/{judo}", json=doc, headers=admin).status_code
        == 200
    )
    after = built(settings, db)
    base = settings.site.url
    for old, new in (
        ("judo/index.html", "/judo-club/"),
        ("en/judo/index.html", "/en/judo-club/"),
        (f"judo/{old_page.name}", f"/judo-club/{old_page.name}"),
    ):
        html = (after / old).read_text()
        assert f'<link rel="canonical" href="{base}{new}">' in html, old
        assert f'http-equiv="refresh" content="0; url={base}{new}"' in html, old
        assert (after / new.strip("/")).exists() or (after / new.strip("/") / "index.html").exists()
    # renamed back: the section lives at its first address again, without a redirect
    doc["data"]["attributes"]["name"] = "judo"
    assert (
        client.patch(f"{API}/portal/applications/{judo}", json=doc, headers=admin).status_code
        == 200
    )
    again = built(settings, db)
    assert "refresh" not in (again / "judo/index.html").read_text()
    assert "refresh" in (again / "judo-club/index.html").read_text()
