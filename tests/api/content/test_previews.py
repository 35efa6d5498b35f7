"""Previews: the page the site would publish for a draft story or page, storing nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_gen.build import build_site
from tests.conftest import NOW, Builds, app_id
from tests.support.images import photo

API = "/api/v1"
MARKDOWN = "Een **sterke** worp.\n\n## Verloop\n\n- opwarming\n- randori"


def draft(
    db: Database,
    type: str = "news_items",
    id: int | None = None,
    texts: list[dict[str, str]] | None = None,
    **attributes: Any,
) -> dict[str, Any]:
    """A draft document: a new judo story (or page), or item `id` with what is sent."""
    if texts is not None:
        attributes["texts"] = texts
    data: dict[str, Any] = {"type": type, "attributes": attributes}
    if id is None:
        data["relationships"] = {
            "application": {"data": {"type": "applications", "id": str(app_id(db, "judo"))}}
        }
        if type == "news_items":
            attributes.setdefault("publish_date", "2026-11-20 10:00:00")
    else:
        data["id"] = str(id)
    return {"data": data}


def dutch(title: str, content: str = MARKDOWN) -> list[dict[str, str]]:
    """One Dutch Markdown text."""
    return [
        {
            "locale": "nl",
            "format": "md",
            "title": title,
            "summary": "Kort *nieuws*.",
            "content": content,
        }
    ]


def stored(db: Database) -> list[Any]:
    """Everything a preview must leave as it was."""
    return [
        db.fetchall(f"SELECT * FROM {table} ORDER BY ALL")
        for table in ("news_stories", "news_story_texts", "pages", "page_texts", "site_builds")
    ]


def html(response: Any) -> str:
    """The HTML page of a successful preview."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    return str(response.text)


def test_a_new_story_is_shown_in_the_sites_layout_and_nothing_is_stored(
    client: TestClient, db: Database, settings: Settings, admin: dict[str, str], builds: Builds
) -> None:
    before = stored(db)
    page = html(
        client.post(
            f"{API}/news_items/preview",
            headers=admin,
            json=draft(db, texts=dutch("Randori met gasten")),
        )
    )

    assert re.search(r"<h1>Randori met gasten</h1>", page)
    assert "<strong>sterke</strong>" in page and "<h2>Verloop</h2>" in page
    assert "<li>randori</li>" in page and '<div class="lead"><p>Kort <em>nieuws</em>.</p>' in page
    assert page.startswith("<!doctype html>") and '<html lang="nl">' in page
    assert "<title>Randori met gasten · Judokwai Kemzeke</title>" in page
    assert '<link rel="stylesheet" href="/theme/css/kwai.css' in page  # the site's own frame
    assert 'href="/about/"' in page and 'href="/en/news/0-randori-met-gasten.html"' in page
    assert '<a href="/judo/">Judo</a>' in page  # its section, from the draft's application
    assert stored(db) == before and builds.changes == 0
    assert not settings.site.output.exists()  # no release, no manifest: the next build is as it was


def test_an_untranslated_draft_falls_back_in_another_language(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    page = html(
        client.post(
            f"{API}/news_items/preview",
            params={"lang": "en"},
            headers=admin,
            json=draft(db, texts=dutch("Randori met gasten")),
        )
    )
    assert '<html lang="en">' in page
    assert '<h1 lang="nl">Randori met gasten</h1>' in page
    assert 'class="fallback-note"' in page


def test_a_patched_story_shows_what_is_sent_over_what_is_stored(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    story = db.fetchone(
        "SELECT s.id, t.title FROM news_stories s JOIN news_story_texts t"
        " ON t.story_id = s.id AND t.locale = 'nl' ORDER BY s.id LIMIT 1"
    )
    assert story is not None
    kept = html(
        client.post(
            f"{API}/news_items/preview",
            headers=admin,
            json=draft(db, id=story["id"], enabled=False),
        )
    )
    assert f">{story['title']}</h1>" in kept
    retitled = html(
        client.post(
            f"{API}/news_items/preview",
            headers=admin,
            json=draft(db, id=story["id"], texts=dutch("Nieuwe titel")),
        )
    )
    assert ">Nieuwe titel</h1>" in retitled and "<h2>Verloop</h2>" in retitled
    assert (
        db.fetchvalue(
            "SELECT title FROM news_story_texts WHERE story_id = ? AND locale = 'nl'", [story["id"]]
        )
        == story["title"]
    )


def test_the_preview_of_a_stored_story_is_the_published_page(
    client: TestClient, db: Database, settings: Settings, admin: dict[str, str], builds: Builds
) -> None:
    build_site(settings, db, now=NOW)
    live = settings.site.output / "current"
    for lang, prefix in (("nl", ""), ("en", "en/")):
        (published,) = (live / prefix / "news").glob("57-*.html")
        page = html(
            client.post(
                f"{API}/news_items/preview",
                params={"lang": lang},
                headers=admin,
                json=draft(db, id=57),
            )
        )
        # the preview is saved now: only its modification time differs
        modified = re.compile(
            r'<meta property="article:modified_time" content="[^"]*">|"dateModified": "[^"]*"'
        )
        assert modified.sub("", page) == modified.sub("", published.read_text(encoding="utf-8"))


def test_a_new_page_is_shown_as_a_page_of_its_section(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    before = stored(db)
    page = html(
        client.post(
            f"{API}/pages/preview",
            headers=admin,
            json=draft(db, "pages", texts=dutch("Scheidsrechters"), priority=3),
        )
    )
    assert '<article class="page" data-pagefind-body>' in page
    assert "<h1>Scheidsrechters</h1>" in page and "<strong>sterke</strong>" in page
    assert '<nav class="breadcrumb"' in page and '<a href="/judo/">Judo</a>' in page
    assert stored(db) == before and builds.changes == 0


@pytest.mark.parametrize(
    ("path", "document", "params", "status", "source"),
    [
        ("news_items", lambda db: draft(db), {}, 422, {"pointer": "/data/attributes/texts"}),
        (
            "news_items",
            lambda db: draft(db, texts=dutch("x"), publish_date="gisteren"),
            {},
            422,
            {"pointer": "/data/attributes/publish_date"},
        ),
        (
            "news_items",
            lambda db: draft(db, texts=dutch("x"), end_date="2026-01-01 00:00:00"),
            {},
            422,
            {"pointer": "/data/attributes/end_date"},
        ),
        (
            "news_items",
            lambda db: draft(db, texts=dutch("x"), publish_date="9999-12-31 23:30:00"),
            {},
            422,
            {"pointer": "/data/attributes"},
        ),
        (
            "news_items",
            lambda db: draft(db, texts=[{"locale": "fr", "title": "x"}]),
            {},
            422,
            {"pointer": "/data/attributes/texts/0/locale"},
        ),
        (
            "news_items",
            lambda db: {
                "data": {
                    "type": "news_items",
                    "attributes": {"texts": dutch("x"), "publish_date": "2026-11-20 10:00:00"},
                }
            },
            {},
            422,
            {"pointer": "/data/relationships/application"},
        ),
        (
            "news_items",
            lambda db: draft(db, texts=dutch("x")),
            {"lang": "fr"},
            400,
            {"parameter": "lang"},
        ),
        (
            "news_items",
            lambda db: draft(db, "pages", texts=dutch("x")),
            {},
            409,
            {"pointer": "/data/type"},
        ),
        (
            "pages",
            lambda db: draft(db, "pages", texts=dutch("x"), priority="hoog"),
            {},
            422,
            {"pointer": "/data/attributes/priority"},
        ),
        (
            "pages",
            lambda db: draft(db, "pages", texts=[{"locale": "nl", "title": ""}]),
            {},
            422,
            {"pointer": "/data/attributes/texts/0/title"},
        ),
    ],
)
def test_bad_drafts_are_refused_naming_the_field(
    client: TestClient,
    db: Database,
    admin: dict[str, str],
    builds: Builds,
    path: str,
    document: Any,
    params: dict[str, str],
    status: int,
    source: dict[str, str],
) -> None:
    response = client.post(f"{API}/{path}/preview", params=params, headers=admin, json=document(db))
    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["source"] == source


def test_unknown_items_and_anonymous_callers_get_no_preview(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    for path, missing in (("news_items", 99999), ("pages", 99999)):
        unknown = client.post(
            f"{API}/{path}/preview", headers=admin, json=draft(db, path, id=missing)
        )
        assert unknown.status_code == 404, unknown.text
        anonymous = client.post(f"{API}/{path}/preview", json=draft(db, path, texts=dutch("x")))
        assert anonymous.status_code == 401


def test_an_embedded_upload_is_shown_in_its_published_sizes(
    client: TestClient, db: Database, admin: dict[str, str], builds: Builds
) -> None:
    uploaded = client.post(
        f"{API}/images",
        files={"file": ("mat.jpg", photo(1600, 1200), "image/jpeg")},
        data={"alt": "The mat"},
        headers=admin,
    )
    assert uploaded.status_code == 201, uploaded.text
    image = uploaded.json()["data"]["id"]
    text = dutch("Nieuwe mat", f"Kijk:\n\n![De nieuwe mat](image:{image})")
    for kind in ("news_items", "pages"):
        page = html(
            client.post(f"{API}/{kind}/preview", headers=admin, json=draft(db, kind, texts=text))
        )
        assert f"image:{image}" not in page
        img = re.search(r'<img [^>]*src="/images/u/[^"]+" srcset="([^"]+)"[^>]*>', page)
        assert img is not None, page
        assert img.group(1).count(" 480w") == 1 and 'alt="De nieuwe mat"' in img.group(0)
        assert 'width="' in img.group(0) and 'height="' in img.group(0)
