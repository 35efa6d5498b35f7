"""Each language's own address: a story's, page's or event's slug comes from the title that
language shows and is kept once saved; addresses other languages had before lead on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from kwai_api.core import database
from kwai_api.core.database import Database, migrate
from kwai_api.core.settings import Settings
from kwai_gen.build import build_site
from tests.api.content.test_events import new_event
from tests.api.content.test_news import new_story
from tests.conftest import NOW, Builds

API = "/api/v1"


def built(settings: Settings, db: Database) -> Path:
    build_site(settings, db, now=NOW)
    return (settings.site.output / "current").resolve()


def texts(**titles: str) -> list[dict[str, str]]:
    return [{"locale": locale, "title": title} for locale, title in titles.items()]


def patch_texts(client: TestClient, admin: dict[str, str], id: int, **titles: str) -> None:
    doc = {"data": {"type": "news_items", "id": str(id), "attributes": {"texts": texts(**titles)}}}
    answer = client.patch(f"{API}/news_items/{id}", json=doc, headers=admin)
    assert answer.status_code == 200, answer.text


def post_story(client: TestClient, db: Database, admin: dict[str, str], **titles: str) -> int:
    doc: dict[str, Any] = new_story(db)
    doc["data"]["attributes"]["texts"] = texts(**titles)
    answer = client.post(f"{API}/news_items", json=doc, headers=admin)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["data"]["id"])


def redirect_target(html: str) -> str:
    assert 'http-equiv="refresh"' in html
    return html.split('rel="canonical" href="', 1)[1].split('"', 1)[0]


def test_each_language_has_the_slug_of_its_own_title_and_keeps_it(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds, settings: Settings
) -> None:
    story = post_story(client, db, admin, nl="Kampioen!", en="Champion!")
    site = built(settings, db)
    base = settings.site.url
    dutch, english = f"news/{story}-kampioen.html", f"en/news/{story}-champion.html"
    assert not (site / f"en/news/{story}-kampioen.html").exists()
    for file in (dutch, english):
        html = (site / file).read_text()
        assert f'hreflang="nl" href="{base}/{dutch}"' in html
        assert f'hreflang="en" href="{base}/{english}"' in html
    sitemap = "".join(p.read_text() for p in sorted((site / "sitemaps").glob("*.xml")))
    assert f"<loc>{base}/{english}</loc>" in sitemap
    assert f'hreflang="en" href="{base}/{english}"' in sitemap
    assert f"/en/news/{story}-kampioen.html" not in sitemap
    assert f'href="/{english}"' in (site / "en/news/index.html").read_text()
    # a title fix in either language moves neither address
    patch_texts(client, admin, story, nl="Kampioenen in Gent", en="Champions in Ghent")
    after = built(settings, db)
    assert "Champions in Ghent" in (after / english).read_text()
    assert "Kampioenen in Gent" in (after / dutch).read_text()
    assert not list(after.rglob(f"{story}-champions*")) + list(after.rglob(f"{story}-kampioenen*"))


def test_a_translation_gets_its_own_address_and_the_old_one_leads_there(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds, settings: Settings
) -> None:
    story = post_story(client, db, admin, nl="Kampioen!")
    site = built(settings, db)
    fallback = f"en/news/{story}-kampioen.html"  # English shows the Dutch text, at its slug
    assert 'lang="nl"' in (site / fallback).read_text()
    patch_texts(client, admin, story, nl="Kampioen!", en="Champion!")
    after = built(settings, db)
    assert "Champion!" in (after / f"en/news/{story}-champion.html").read_text()
    target = redirect_target((after / fallback).read_text())
    assert target == f"{settings.site.url}/en/news/{story}-champion.html"
    assert (after / f"news/{story}-kampioen.html").exists()


def test_rows_from_before_language_slugs_keep_their_addresses(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    every = database.migrations()
    monkeypatch.setattr(database, "migrations", lambda: [m for m in every if m[0] < 9])
    db = Database(settings.database.path)
    migrate(db)
    db.execute(
        "INSERT INTO applications (id, name, weight, news, pages, events, created_at)"
        " VALUES (1, 'judo', 1, true, true, false, ?)",
        [NOW],
    )
    db.execute(
        "INSERT INTO application_texts (application_id, locale, title) VALUES (1, 'nl', 'Judo')"
    )
    db.execute(
        "INSERT INTO news_stories (id, application_id, enabled, publish_date, slug, created_at)"
        " VALUES (7, 1, true, ?, 'kampioen', ?)",
        [NOW.replace(year=2025), NOW],
    )
    for locale, title in (("nl", "Kampioen!"), ("en", "Champion!")):
        db.execute(
            "INSERT INTO news_story_texts (story_id, locale, title, html_summary, html_content,"
            " created_at) VALUES (7, ?, ?, '', '<p>x</p>', ?)",
            [locale, title, NOW],
        )
    monkeypatch.setattr(database, "migrations", lambda: every)
    migrate(db)
    assert db.fetchvalue("SELECT shared_slug FROM news_stories WHERE id = 7") is True
    site = built(settings, db)
    db.close()
    assert (site / "news/7-kampioen.html").exists()
    assert "Champion!" in (site / "en/news/7-champion.html").read_text()
    target = redirect_target((site / "en/news/7-kampioen.html").read_text())
    assert target == f"{settings.site.url}/en/news/7-champion.html"


def test_an_events_addresses_are_kept_in_every_language(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds, settings: Settings
) -> None:
    answer = client.post(f"{API}/events", json=new_event(db, enabled=True), headers=admin)
    assert answer.status_code == 201, answer.text
    event = int(answer.json()["data"]["id"])
    site = built(settings, db)
    dutch, english = (
        f"calendar/{event}-lentetornooi.html",
        f"en/calendar/{event}-spring-tournament.html",
    )
    assert (site / dutch).exists() and (site / english).exists()
    doc = {
        "data": {
            "type": "events",
            "id": str(event),
            "attributes": {"texts": texts(nl="Voorjaarstornooi", en="Spring cup")},
        }
    }
    assert client.patch(f"{API}/events/{event}", json=doc, headers=admin).status_code == 200
    after = built(settings, db)
    assert "Voorjaarstornooi" in (after / dutch).read_text()
    assert "Spring cup" in (after / english).read_text()


def test_the_default_language_keeps_its_address_when_it_gets_its_own_text(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds, settings: Settings
) -> None:
    doc = new_event(db, enabled=True, texts=texts(en="Spring tournament"))
    answer = client.post(f"{API}/events", json=doc, headers=admin)
    assert answer.status_code == 201, answer.text
    event = int(answer.json()["data"]["id"])
    dutch = f"calendar/{event}-spring-tournament.html"  # the Dutch site shows the English text
    assert 'lang="en"' in (built(settings, db) / dutch).read_text()
    patch = {
        "data": {
            "type": "events",
            "id": str(event),
            "attributes": {"texts": texts(nl="Lentetornooi", en="Spring tournament")},
        }
    }
    assert client.patch(f"{API}/events/{event}", json=patch, headers=admin).status_code == 200
    after = built(settings, db)
    assert "Lentetornooi" in (after / dutch).read_text()
    assert "Spring tournament" in (after / f"en/{dutch}").read_text()
    assert not list(after.glob(f"calendar/{event}-lentetornooi*"))
