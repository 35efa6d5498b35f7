"""Uploaded images on the site: lead images, cards, embeds, Open Graph, files reused by releases."""

from __future__ import annotations

import os
import re
from pathlib import Path

from PIL import Image

from kwai_api.content.image_routes import insert_image, update_image
from kwai_api.core.database import Database
from kwai_api.core.images import ImageStore
from kwai_api.core.markup import to_html
from kwai_api.core.settings import Settings
from kwai_gen.build import build_site, site_info
from kwai_gen.gather import gather
from kwai_gen.plan.urls import page_path, story_path
from tests.conftest import NOW
from tests.support.images import has_metadata, photo


def add_image(settings: Settings, db: Database, width: int = 1200, alt: str = "A throw") -> int:
    """Store an upload as the images route does; its id."""
    stored = ImageStore(settings.images.path).store(photo(width, width * 2 // 3))
    return insert_image(db, stored, alt, None, NOW, "nl")


def live(settings: Settings) -> Path:
    return (settings.site.output / "current").resolve()


def img_tags(html: str) -> list[str]:
    return re.findall(r"<img [^>]*>", html)


def test_a_lead_image_on_the_story_page_its_card_and_as_open_graph_image(
    settings: Settings, db: Database
) -> None:
    image = add_image(settings, db)
    story = gather(db, NOW).stories[0]  # the newest: on the home page and the news list
    db.execute("UPDATE news_stories SET image_id = ? WHERE id = ?", [image, story.id])

    build_site(settings, db, now=NOW)

    sizes = db.fetchall("SELECT * FROM image_sizes WHERE image_id = ? ORDER BY width", [image])
    assert [s["width"] for s in sizes] == [480, 960, 1200]
    for size in sizes:
        published = live(settings) / "images" / "u" / size["file"]
        assert has_metadata(published) == []
        with Image.open(published) as picture:
            assert picture.size == (size["width"], size["height"])
    page = (live(settings) / story_path(story, site_info(settings))).read_text()
    srcset = ", ".join(f"/images/u/{s['file']} {s['width']}w" for s in sizes)
    lead = next(tag for tag in img_tags(page) if "srcset" in tag)
    assert f'srcset="{srcset}"' in lead
    assert 'width="1200" height="800"' in lead and 'alt="A throw"' in lead
    assert "loading" not in lead  # above the fold
    assert (
        f'<meta property="og:image" content="{settings.site.url}/images/u/{sizes[-1]["file"]}">'
    ) in page
    assert '<meta property="og:image:width" content="1200">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    for listing in ("index.html", "news/index.html", "en/news/index.html"):
        card = next(
            tag for tag in img_tags((live(settings) / listing).read_text()) if "card-image" in tag
        )
        assert f'srcset="{srcset}"' in card and 'loading="lazy"' in card
        assert 'width="1200" height="800"' in card


def test_an_image_embedded_in_markdown_is_shown_in_its_sizes(
    settings: Settings, db: Database
) -> None:
    image = add_image(settings, db, width=700, alt="The mat")
    club = gather(db, NOW)
    page = club.pages[0]
    db.execute(
        "UPDATE page_texts SET html_content = ? WHERE page_id = ?",
        [to_html(f"Look:\n\n![Our new mat](image:{image})"), page.id],
    )

    build_site(settings, db, now=NOW)

    html = (live(settings) / page_path(page, site_info(settings))).read_text()
    embedded = next(tag for tag in img_tags(html) if "srcset" in tag)
    assert 'alt="Our new mat"' in embedded and 'width="700"' in embedded
    assert 'loading="lazy"' in embedded
    assert "image:" not in html
    assert "og:image" not in html  # an embed is not the page's lead image
    files = db.fetchall("SELECT file FROM image_sizes WHERE image_id = ?", [image])
    assert all((live(settings) / "images" / "u" / f["file"]).exists() for f in files)


def test_only_images_the_site_shows_are_published(settings: Settings, db: Database) -> None:
    add_image(settings, db)  # uploaded, but shown nowhere

    build_site(settings, db, now=NOW)

    assert not (live(settings) / "images" / "u").exists()


def test_a_rebuild_links_the_same_image_files_and_an_edit_does_not_rewrite_them(
    settings: Settings, db: Database
) -> None:
    image = add_image(settings, db)
    story = gather(db, NOW).stories[0]
    db.execute("UPDATE news_stories SET image_id = ? WHERE id = ?", [image, story.id])
    build_site(settings, db, now=NOW)
    first = {p.name: p.stat().st_ino for p in (live(settings) / "images" / "u").iterdir()}

    db.execute(
        "UPDATE news_story_texts SET html_content = '<p>Changed</p>' WHERE story_id = ?", [story.id]
    )
    build_site(settings, db, now=NOW)

    again = {p.name: p.stat().st_ino for p in (live(settings) / "images" / "u").iterdir()}
    assert again == first  # the very same files, not copies
    store = ImageStore(settings.images.path)
    assert all(
        os.path.samefile(store.sized(name), live(settings) / "images" / "u" / name)
        for name in first
    )


def test_a_page_leads_with_an_image_and_a_coach_shows_a_portrait(
    settings: Settings, db: Database
) -> None:
    lead, portrait = add_image(settings, db, alt="The dojo"), add_image(settings, db, width=500)
    club = gather(db, NOW)
    page, coach = club.pages[0], next(c for c in club.coaches if c.active)
    db.execute("UPDATE pages SET image_id = ? WHERE id = ?", [lead, page.id])
    db.execute("UPDATE coaches SET photo_id = ? WHERE id = ?", [portrait, coach.id])

    build_site(settings, db, now=NOW)

    html = (live(settings) / page_path(page, site_info(settings))).read_text()
    shown = next(tag for tag in img_tags(html) if "srcset" in tag)
    assert 'alt="The dojo"' in shown and 'width="1200" height="800"' in shown
    assert '<meta property="og:image" content="' in html
    coaches = (live(settings) / "coaches" / "index.html").read_text()
    photo_tag = next(tag for tag in img_tags(coaches) if "coach-photo" in tag)
    assert 'width="500"' in photo_tag and 'loading="lazy"' in photo_tag
    assert len(list((live(settings) / "images" / "u").iterdir())) == 3 + 2


def test_each_language_says_what_an_image_shows_in_its_own_words(
    settings: Settings, db: Database
) -> None:
    described = add_image(settings, db, alt="Twee judoka's groeten elkaar")
    update_image(db, described, {}, NOW, {"en": "Two judoka bow to each other"})
    dutch_only = add_image(settings, db, alt="De dojo bij nacht")
    club = gather(db, NOW)
    story = next(s for s in club.stories if {"nl", "en"} <= s.texts.keys())
    page = club.pages[0]
    db.execute("UPDATE news_stories SET image_id = ? WHERE id = ?", [described, story.id])
    db.execute("UPDATE pages SET image_id = ? WHERE id = ?", [dutch_only, page.id])
    db.execute(  # an embed without words of its own: the image's, in the text's language
        "UPDATE news_story_texts SET html_content = ? WHERE story_id = ?",
        [to_html(f"Before the fight:\n\n![](image:{described})"), story.id],
    )

    build_site(settings, db, now=NOW)

    site = site_info(settings)
    dutch = (live(settings) / story_path(story, site)).read_text()
    english = (live(settings) / "en" / story_path(story, site, "en")).read_text()
    lead = [tag for tag in img_tags(english) if "srcset" in tag]
    assert len(lead) == 2 and all(
        'alt="Two judoka bow to each other"' in tag for tag in lead
    )  # and embed
    shown_nl = [tag for tag in img_tags(dutch) if "srcset" in tag]
    assert len(shown_nl) == 2 and all('alt="Twee judoka' in tag for tag in shown_nl)
    assert '<meta property="og:image:alt" content="Two judoka bow to each other">' in english
    # a language without its own words says the default language's, and which language it is
    page_en = (live(settings) / "en" / page_path(page, site, "en")).read_text()
    shown = next(tag for tag in img_tags(page_en) if "srcset" in tag)
    assert 'alt="De dojo bij nacht"' in shown and 'lang="nl"' in shown
    page_nl = (live(settings) / page_path(page, site)).read_text()
    assert "lang=" not in next(tag for tag in img_tags(page_nl) if "srcset" in tag)


def test_words_in_another_language_beat_no_words(settings: Settings, db: Database) -> None:
    english_only = add_image(settings, db, alt="")
    update_image(db, english_only, {}, NOW, {"en": "The empty dojo at dawn"})
    page = gather(db, NOW).pages[0]
    db.execute("UPDATE pages SET image_id = ? WHERE id = ?", [english_only, page.id])

    build_site(settings, db, now=NOW)

    html = (live(settings) / page_path(page, site_info(settings))).read_text()
    shown = next(tag for tag in img_tags(html) if "srcset" in tag)
    assert 'alt="The empty dojo at dawn"' in shown and 'lang="en"' in shown
