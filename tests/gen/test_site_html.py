"""Every planned HTML page, rendered with the theme: structure, languages, links, dates, marks."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pelican.readers import MarkdownReader
from pelican.settings import DEFAULT_CONFIG

from kwai_api.core.database import open_database
from kwai_api.demo import create_club
from kwai_gen.build import site_info
from kwai_gen.gather import gather
from kwai_gen.model import Club, ContentPage, Text, text_for
from kwai_gen.plan.outputs import Output, SiteInfo
from kwai_gen.plan.site import plan
from kwai_gen.plan.urls import story_path, week_path
from kwai_gen.render.filters import FILTERS
from tests.conftest import ANCHOR, NOW, make_settings

ROOT = Path(__file__).resolve().parents[2]
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
IGNORED = ("/theme/", "/images/", "/pagefind/", "/api/", "/auth/")


@dataclass
class Page:
    """What the checks need to know of one rendered page."""

    lang: str = ""
    title: str = ""
    h1: list[str] = field(default_factory=list)
    canonical: str = ""
    hreflang: dict[str, str] = field(default_factory=dict)
    links: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  # tag, url, attrs
    ids: list[str] = field(default_factory=list)
    pagefind_body: int = 0
    description: str = ""
    robots: str = ""
    problems: list[str] = field(default_factory=list)
    text: str = ""


class PageParser(HTMLParser):
    """Collects a page's facts and notes unbalanced tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[str] = []
        self.capture: str | None = None
        self.buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        page = self.page
        if tag == "html":
            page.lang = values.get("lang", "")
        if tag == "meta" and values.get("name") == "description":
            page.description = values.get("content", "")
        if tag == "meta" and values.get("name") == "robots":
            page.robots = values.get("content", "")
        if tag == "link" and values.get("rel") == "canonical":
            page.canonical = values["href"]
        if tag == "link" and values.get("rel") == "alternate" and "hreflang" in values:
            page.hreflang[values["hreflang"]] = values["href"]
        for name in ("href", "src"):
            if name in values:
                page.links.append((tag, values[name], values))
        if "id" in values:
            page.ids.append(values["id"])
        if "data-pagefind-body" in values:
            page.pagefind_body += 1
        if tag in ("title", "h1"):
            self.capture, self.buffer = tag, []
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.page.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == self.capture:
            text = " ".join("".join(self.buffer).split())
            if tag == "title":
                self.page.title = text
            else:
                self.page.h1.append(text)
            self.capture = None

    def handle_data(self, data: str) -> None:
        if self.capture:
            self.buffer.append(data)
        self.page.text += data


def parse(html: str) -> Page:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    if parser.stack:
        parser.page.problems.append(f"left open: {parser.stack}")
    return parser.page


def content_pages() -> tuple[ContentPage, ...]:
    """content/pages/*.md as Pelican's Markdown reader reads them for the build."""
    reader = MarkdownReader(DEFAULT_CONFIG)
    texts: dict[str, dict[str, Text]] = {}
    for source in sorted((ROOT / "content" / "pages").glob("*.md")):
        html, meta = reader.read(str(source))
        texts.setdefault(meta["slug"], {})[meta["lang"]] = Text(
            meta["lang"], meta["title"], str(meta.get("summary", "")), html
        )
    return tuple(ContentPage(slug, found) for slug, found in sorted(texts.items()))


def environment() -> Environment:
    """The plain environment the build renders with (Pelican's, over the same theme)."""
    env = Environment(
        loader=FileSystemLoader(ROOT / "theme" / "templates"), autoescape=select_autoescape()
    )
    env.filters.update(FILTERS)
    return env


@dataclass(frozen=True)
class Site:
    club: Club
    info: SiteInfo
    outputs: dict[str, Output]
    root: Path
    pages: dict[str, Page]

    def html(self, path: str) -> str:
        return (self.root / path).read_text(encoding="utf-8")


def build(club: Club, info: SiteInfo, root: Path) -> Site:
    """Render every planned HTML output into `root` and parse it."""
    outputs = {o.path: o for o in plan(club, info)}
    env, pages = environment(), {}
    for path, output in outputs.items():
        if output.template.endswith(".html"):
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            html = env.get_template(output.template).render(**output.made())
            target.write_text(html, encoding="utf-8")
            pages[path] = parse(html)
    return Site(club, info, outputs, root, pages)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo club's site, rendered once for this module."""
    settings = make_settings(tmp_path_factory.mktemp("html"))
    database = open_database(settings.database.path)
    create_club(database, seed=1, anchor=ANCHOR, timezone=settings.site.timezone)
    club = replace(gather(database, NOW), content_pages=content_pages())
    database.close()
    info = replace(site_info(settings), url="https://judo.example", search=False)
    yield build(club, info, tmp_path_factory.mktemp("release"))


def lang_of(path: str) -> str:
    return "en" if path.startswith("en/") else "nl"


def url_of(path: str) -> str:
    return "/" + path.removesuffix("index.html")


def test_the_content_pages_exist_in_both_languages(site: Site) -> None:
    slugs = {page.slug: set(page.texts) for page in site.club.content_pages}
    assert slugs == {"about": {"nl", "en"}, "privacy": {"nl", "en"}, "contact": {"nl", "en"}}
    assert site.pages["about/index.html"].h1 == ["Over de club"]
    assert site.pages["en/about/index.html"].h1 == ["About the club"]


def test_every_page_is_well_formed_with_one_h1_and_a_title(site: Site) -> None:
    assert len(site.pages) > 200
    for path, page in site.pages.items():
        assert page.problems == [], path
        assert len(page.h1) == 1 and page.h1[0], path
        assert page.title.endswith(site.info.name), path
        assert len(page.ids) == len(set(page.ids)), path
        assert site.html(path).startswith("<!doctype html>"), path


def test_every_page_has_its_language_canonical_and_alternates(site: Site) -> None:
    base = site.info.url
    for path, page in site.pages.items():
        lang = lang_of(path)
        assert page.lang == lang, path
        assert page.canonical == base + url_of(path), path
        assert set(page.hreflang) == {"nl", "en", "x-default"}, path
        assert page.hreflang[lang] == page.canonical, path  # itself included
        same = url_of(path.removeprefix("en/")).removeprefix("/")
        versions = dict(site.outputs[path].versions)  # a story's path differs by language
        dutch, english = (versions.get(lang, same) for lang in ("nl", "en"))
        assert page.hreflang["nl"] == page.hreflang["x-default"] == f"{base}/{dutch}", path
        assert page.hreflang["en"] == f"{base}/en/{english}", path
        other = "nl" if lang == "en" else "en"
        switch = [u for tag, u, a in page.links if tag == "a" and a.get("hreflang") == other]
        assert base + switch[0] == page.hreflang[other], path


ROUTE = "https://www.openstreetmap.org/search?query="


def test_every_internal_link_resolves_to_a_planned_file(site: Site) -> None:
    planned = set(site.outputs)
    registrations = {e.registration_url for e in site.club.events if e.registration_url}
    assert registrations  # the demo's events link to where one registers
    for path, page in site.pages.items():
        for tag, url, _ in page.links:
            if url.startswith(ROUTE) or url in registrations:
                assert tag == "a", (path, url)  # a plain link out, nothing embedded
                continue
            if url.startswith(("http://", "https://")):
                assert tag == "link" and url.startswith(site.info.url), (path, url)
                continue  # canonical, alternates and calendar feeds
            if url.startswith(("mailto:", "tel:", "#", "webcal://")):
                continue
            assert url.startswith("/"), (path, url)
            if url.startswith(IGNORED):
                continue
            target = url.split("#")[0].split("?")[0].lstrip("/")
            target = target + "index.html" if target == "" or target.endswith("/") else target
            assert target in planned, (path, url)


def test_the_theme_files_the_pages_use_exist(site: Site) -> None:
    static = ROOT / "theme" / "static"
    used = {
        url.split("?")[0]
        for page in site.pages.values()
        for _, url, _ in page.links
        if url.startswith("/theme/")
    }
    assert "/theme/css/kwai.css" in used
    for url in used:
        assert (static / url.removeprefix("/theme/")).is_file(), url


def test_stories_pages_events_coaches_and_this_weeks_trainings_are_searchable(
    site: Site,
) -> None:
    # lists and past or future weeks are not: they would only repeat what the others say
    this_week = {"trainings/index.html", "en/trainings/index.html"}
    searchable_templates = {"story.html", "page.html", "event.html", "coaches.html"}
    for path, output in site.outputs.items():
        if path in site.pages:
            searchable = output.template in searchable_templates or path in this_week
            assert site.pages[path].pagefind_body == (1 if searchable else 0), path


def test_dates_are_in_the_club_zone_and_the_page_language(site: Site) -> None:
    story = next(s for s in site.club.stories if s.id == 56)  # published 2026-11-16 (UTC)
    dutch = site.html(story_path(story, site.info))
    english = site.html("en/" + story_path(story, site.info, "en"))
    assert "16 november 2026" in dutch and "16 November 2026" in english  # en_GB, not US
    winter = week_path(NOW.date())  # Thursday 26 November: 18:30 UTC is 19:30 in Brussels
    assert "donderdag 26 november 2026" in site.html(winter + "index.html")
    assert "Thursday, 26 November 2026" in site.html("en/" + winter + "index.html")
    assert "19:30–21:00" in site.html(winter + "index.html")
    assert ">19:30–21:00<" in site.html("en/" + winter + "index.html")  # a 24-hour clock
    assert "PM<" not in site.html("en/" + winter + "index.html")
    summer = next(t for t in site.club.trainings if t.start.month == 7)  # CEST: UTC + 2
    local = summer.start.hour + 2
    page = site.html(week_path(summer.start.date()) + "index.html")
    assert f"{local}:{summer.start.minute:02d}" in page


def test_untranslated_texts_fall_back_and_are_marked(site: Site) -> None:
    english_only = next(s for s in site.club.stories if "nl" not in s.texts)
    path = story_path(english_only, site.info)
    dutch, english = site.html(path), site.html("en/" + story_path(english_only, site.info, "en"))
    assert 'class="fallback-note"' in dutch and "in het Engels" in dutch
    assert f'<h1 lang="en">{english_only.texts["en"].title}</h1>' in dutch
    assert "fallback-note" not in english
    news = site.html("news/index.html")  # in lists: the title carries its language and a tag
    assert f'lang="en">{english_only.texts["en"].title}</a>' in news
    assert '<abbr class="tag"' in news
    dutch_only = next(s for s in site.club.stories if "en" not in s.texts)
    assert "the Dutch text" in site.html("en/" + story_path(dutch_only, site.info, "en"))


def test_cancelled_trainings_keep_their_place_and_are_marked(site: Site) -> None:
    cancelled = next(t for t in site.club.trainings if t.cancelled)
    path = week_path(cancelled.start.date()) + "index.html"
    for lang, prefix, mark in (("nl", "", "Geannuleerd"), ("en", "en/", "Cancelled")):
        html = site.html(prefix + path)
        item = next(
            part
            for part in html.split('<li class="training')
            if cancelled.texts[lang].title in part.split("</li>")[0] and "is-cancelled" in part[:20]
        )
        assert f'<strong class="badge-cancelled">{mark}</strong>' in item
    same_week = [t for t in site.club.trainings if week_path(t.start.date()) + "index.html" == path]
    assert site.html(path).count('<li class="training') == len(same_week)


def test_the_agenda_shows_teams_coaches_and_the_head_coach(site: Site) -> None:
    training = next(
        t for t in site.club.trainings if t.start > NOW.astimezone() and len(t.coaches) == 2
    )
    html = site.html("en/" + week_path(training.start.date()) + "index.html")
    head = next(c for c in training.coaches if c.head)
    assert f'{head.name} <span class="head-coach">(head coach)</span>' in html
    assert training.teams[0].name_in("en") in html and training.location in html


def test_the_coaches_page_shows_each_bio_in_the_page_language(site: Site) -> None:
    dutch, english = site.html("coaches/index.html"), site.html("en/coaches/index.html")

    assert "<p>4e dan, jeugdtrainer en scheidsrechter.</p>" in dutch
    assert "<p>4th dan, youth coach and referee.</p>" in english  # no lang mark: it is English


def test_a_bio_missing_in_a_language_falls_back_marked(site: Site, tmp_path: Path) -> None:
    first, *others = site.club.coaches
    dutch_only = replace(first, bios={"nl": "Alleen in het Nederlands."})
    built = build(replace(site.club, coaches=(dutch_only, *others)), site.info, tmp_path)

    assert '<p lang="nl">Alleen in het Nederlands.</p>' in built.html("en/coaches/index.html")


def test_section_descriptions_are_rendered_markdown(site: Site) -> None:
    assert "<strong>De club</strong>: Wie we zijn" in site.html("club/index.html")
    assert "**" not in site.html("club/index.html")


def test_the_home_page_shows_sections_news_and_trainings(site: Site) -> None:
    home = site.html("index.html")
    assert site.pages["index.html"].h1 == [site.info.name]
    for section in ("/club/", "/judo/", "/trainings/", "/tournaments/", "/events/"):
        assert f'href="{section}"' in home
    assert "Volgende trainingen" in home and "Laatste nieuws" in home
    assert 'class="card story-card promoted"' in home


def test_the_search_page_says_when_search_is_off(site: Site, tmp_path: Path) -> None:
    off = site.html("search/index.html")
    assert "niet beschikbaar" in off and "/pagefind/" not in off
    on = build(site.club, replace(site.info, search=True), tmp_path)
    html = on.html("en/search/index.html")
    assert '<script src="/pagefind/pagefind-ui.js" defer></script>' in html
    assert 'id="search-unavailable"' in html and "hidden" in html


def test_no_page_asks_another_site_for_anything(site: Site) -> None:
    for path, page in site.pages.items():
        for tag, url, _ in page.links:
            if tag in ("img", "script") or (tag == "link" and url.endswith((".css", ".svg"))):
                assert url.startswith("/"), (path, url)
        assert "cookie" not in site.html(path).lower() or "privacy" in path, path


def assert_links_resolve(site: Site) -> None:
    for path, page in site.pages.items():
        assert page.problems == [] and len(page.h1) == 1, path
        for _, url, _ in page.links:
            if url.startswith("/") and not url.startswith(IGNORED):
                target = url.split("?")[0].lstrip("/")
                target = target + "index.html" if target == "" or target.endswith("/") else target
                assert target in site.outputs, (path, url)


def test_an_empty_club_renders(site: Site, tmp_path: Path) -> None:
    empty = Club(now=site.club.now, applications=(), stories=(), pages=())
    built = build(empty, site.info, tmp_path)
    assert_links_resolve(built)
    assert "Geen trainingen deze week." in built.html("trainings/index.html")
    assert "Nog geen nieuws." in built.html("news/index.html")
    assert "Ontdek de club" not in built.html("index.html")  # no heading over no sections


def test_a_one_language_site_with_a_section_named_news_renders(site: Site, tmp_path: Path) -> None:
    news = replace(site.club.applications[1], name="news")
    club = replace(
        site.club,
        applications=(site.club.applications[0], news, *site.club.applications[2:]),
        stories=tuple(
            replace(s, application="news") if s.application == "judo" else s
            for s in site.club.stories
        ),
        pages=tuple(
            replace(p, application="news") if p.application == "judo" else p
            for p in site.club.pages
        ),
    )
    built = build(club, replace(site.info, languages=("nl",)), tmp_path)
    assert_links_resolve(built)
    assert not any(path.startswith("en/") for path in built.outputs)
    assert "news-info/index.html" in built.outputs and "news/index.html" in built.outputs
    assert set(built.pages["index.html"].hreflang) == {"nl", "x-default"}


def test_pages_stay_small(site: Site) -> None:
    sizes = {path: (site.root / path).stat().st_size for path in site.pages}
    assert max(sizes.values()) < 40_000, max(sizes, key=sizes.__getitem__)


def test_section_descriptions_cannot_carry_scripts(site: Site, tmp_path: Path) -> None:
    club_app = site.club.applications[0]
    texts = {
        "nl": replace(
            club_app.texts["nl"],
            summary="Wij & <b>jij</b>",
            content='<p onclick="x()">Hallo</p><script>alert(1)</script>',
        )
    }
    club = replace(
        site.club, applications=(replace(club_app, texts=texts), *site.club.applications[1:])
    )
    built = build(club, site.info, tmp_path)
    html = built.html("club/index.html")
    assert "<p>Hallo</p>" in html and "<script>alert" not in html and "onclick" not in html
    assert "Wij &amp; jij</span>" in built.html("index.html")  # the card's text, tags stripped


def test_every_week_page_offers_its_feeds_as_subscriptions(site: Site) -> None:
    weeks = [p for p in site.pages if p.startswith(("trainings/20", "en/trainings/20"))]
    assert weeks
    feeds = 1 + len(site.club.teams)
    for path in [*weeks, "trainings/index.html", "en/trainings/index.html"]:
        html = site.html(path)
        assert html.count('<link rel="alternate" type="text/calendar"') == feeds, path
        assert html.count('href="webcal://judo.example/') == feeds, path
        assert 'data-copy="https://judo.example/' in html, path
        assert '<script src="/theme/js/agenda.js?v=' in html, path
    assert "agenda.js" not in site.html("index.html")  # only agenda pages carry its script


def test_search_engines_and_phones_read_the_club(site: Site) -> None:
    home = site.html("index.html")
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', home)
    assert found is not None
    data = json.loads(found[1])
    assert data["@type"] == "SportsClub" and data["address"] and data["name"] == site.info.name
    story = site.club.stories[0]
    page = site.html(story_path(story, site.info))
    found = re.search(r'application/ld\+json">(.*?)</script>', page)
    assert found is not None
    article = json.loads(found[1])
    assert article["@type"] == "NewsArticle"
    assert article["url"].endswith(story_path(story, site.info))
    assert '<link rel="manifest" href="/manifest.webmanifest">' in home
    manifest = site.outputs["manifest.webmanifest"].made()
    for icon in manifest["icons"]:
        assert (ROOT / "theme" / "static" / icon["src"].removeprefix("/theme/")).is_file()
    assert '<link rel="apple-touch-icon"' in home


def test_each_language_reads_its_own_tagline_and_contact(site: Site) -> None:
    dutch, english = site.html("index.html"), site.html("en/index.html")
    assert "Judo voor jong en oud" in dutch and "Judo for young and old" not in dutch
    assert "Judo for young and old" in english and "Judo voor jong en oud" not in english
    assert "Kom eens proberen" in dutch and "Come and try" in english
    assert "https://www.openstreetmap.org/search?query=" in dutch
    assert 'content="nl_BE"' in dutch and 'content="en_GB"' in english  # og:locale


def test_each_language_names_the_teams_in_its_own_words(site: Site) -> None:
    weeks = [p for p in site.pages if p.startswith("en/trainings/20")]
    english = " ".join(site.html(p) for p in [*weeks, "en/trainings/index.html"])
    dutch = " ".join(site.html(p.removeprefix("en/")) for p in weeks)
    assert "Adults" in english and "Volwassenen" not in english
    assert "Volwassenen" in dutch and "Adults" not in dutch
    feeds = [
        o.made()
        for path, o in site.outputs.items()
        if path.startswith("en/") and o.template == "ical"
    ]
    assert any(feed["name"].endswith(": Adults") for feed in feeds)
    filters = re.findall(r'data-team="\d+">([^<]+)<', site.html("en/trainings/index.html"))
    assert filters == ["Adults", "Competition", "Toddlers", "Veterans", "Youth"]  # by English name
    events = [e for feed in feeds for e in feed["events"]]
    assert not any("Volwassenen" in e.title + e.description for e in events)
    assert any("Teams: Adults" in e.description for e in events)


def test_every_indexable_page_describes_itself(site: Site) -> None:
    missing = [
        path
        for path, page in site.pages.items()
        if "noindex" not in page.robots and not page.description.strip()
    ]
    assert missing == []
    pages = site.pages
    week = next(p for p in pages if p.startswith("en/trainings/20") and "Adults" in site.html(p))
    assert pages[week].description.startswith("Trainings – Week ")
    assert ". Teams: " in pages[week].description and "Adults" in pages[week].description
    assert "Jigoro Peeters" in pages["en/coaches/index.html"].description
    newest = text_for(site.club.stories[0].texts, "nl", site.info.languages).text.title
    assert pages["news/index.html"].description.startswith(f"Nieuws – {site.info.name}: ")
    assert newest in pages["news/index.html"].description
    assert pages["news/2026/index.html"].description.startswith("Nieuws 2026")


def test_the_home_page_stays_under_50_kb_before_images(site: Site) -> None:
    for path in ("index.html", "en/index.html"):
        html = site.html(path)
        assets = re.findall(
            r'<(?:link rel="stylesheet"|script) (?:href|src)="/theme/([^"?]+)', html
        )
        assert "css/kwai.css" in assets
        size = len(html.encode()) + sum(
            (ROOT / "theme" / "static" / asset).stat().st_size for asset in assets
        )
        assert size < 50_000, (path, size)
        print(f"{path}: {len(html.encode())} bytes of HTML, {size} bytes with CSS and scripts")


def test_a_story_without_a_summary_is_described_by_its_text(site: Site) -> None:
    story = site.club.stories[0]
    texts = {lang: replace(text, summary="") for lang, text in story.texts.items()}
    club = replace(site.club, stories=(replace(story, texts=texts), *site.club.stories[1:]))
    path = story_path(story, site.info)
    made = next(o for o in plan(club, site.info) if o.path == path).made()
    assert made["description"] == texts[next(iter(texts))].content != ""
