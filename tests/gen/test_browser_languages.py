"""The demo site in headless Chromium: "older" leads through every story once, and every page
type speaks one language.

The language test knows words of the demo's Dutch and English texts and of the site's labels,
and reads what a person sees (`document.body.innerText`) of each page type in each language:
none of the other language's words may show, except in what says it is in the other language
(a fallback text or a language link, marked with `lang`) and the few proper names in ALLOWED.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kwai_api.core.database import open_database
from kwai_api.demo import create_club
from kwai_gen.build import build_site, site_info
from kwai_gen.gather import gather
from kwai_gen.model import Application, Club, Event, Page, Story
from kwai_gen.plan.urls import event_path, href, page_path, story_path, week_path
from tests.conftest import ANCHOR, NOW, make_settings
from tests.support.axe import violations
from tests.support.browser import Browser, browser, chromium, static_server

__all__ = ["browser", "chromium"]  # the fixtures this module uses

LANGUAGES = ("nl", "en")


def words(listed: str) -> list[str]:
    """The comma-separated words (or phrases) of a list over lines."""
    return [w.strip() for w in listed.replace("\n", ",").split(",") if w.strip()]


# Words only the Dutch pages may show: labels, team names, page titles, bios, dates of the demo.
DUTCH = words("""
Volwassenen, Kleuters, Jeugd, Veteranen, Competitie, Bestuur, Lidmaatschap, Trainingen
Tornooien, Activiteiten, Geannuleerd, Nieuws, Oudere, Nieuwere, Pagina, hoofdtrainer
jeugdtrainer, scheidsrechter, Wedstrijden, uitslagen, Aanmelden, Wachtwoord, Zoeken, maandag
dinsdag, woensdag, donderdag, vrijdag, zaterdag, zondag, januari, februari, maart, mei, juni
juli, augustus, oktober, Graden, gordel, Kalender, Judokamp, gratis, Inschrijven, Abonneren
Vorige, Volgende, proberen, Lees verder, Deze week, Niet gevonden, Wie we zijn
""")
# Words only the English pages may show.
ENGLISH = words("""
Adults, Toddlers, Youth, Veterans, Competition, Board, Membership, Trainings, Tournaments
Events, Cancelled, News, Older, Newer, Page, referee, Competitions, results, Password
Search, Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday, January, February
March, May, June, July, August, October, Grades, belt, Calendar, Register, Subscribe
Previous, Next, free, head coach, Judo camp, Log in, Read more, This week, Not found
Who we are, Come and try
""")
# Proper names and words both languages write alike, which the lists above must not hold.
ALLOWED = {"Judokwai", "Kemzeke", "Sporthal", "Kemp", "Kemphoekstraat", "Judo", "Etiquette"}
# What a person reads, without the texts marked as being in another language than the page.
VISIBLE_TEXT = """lang => {
  const hidden = [...document.querySelectorAll('body [lang]')]
    .filter(e => !e.lang.startsWith(lang));
  hidden.forEach(e => e.style.setProperty('display', 'none', 'important'));
  const text = document.body.innerText;
  hidden.forEach(e => e.style.removeProperty('display'));
  return text;
}"""


@dataclass(frozen=True)
class Demo:
    root: Path
    club: Club
    paths: dict[str, dict[str, str]]  # page type -> language -> site-absolute path
    words: dict[str, list[str]]  # language -> the words only its pages may show


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """The seeded club built once, with its search index, and a page of every public type."""
    settings = make_settings(tmp_path_factory.mktemp("languages"), KWAI_SITE_SEARCH="true")
    db = open_database(settings.database.path)
    try:
        create_club(db, seed=1, anchor=ANCHOR, timezone=settings.site.timezone)
        build_site(settings, db, now=NOW)
        club = gather(db, NOW)
    finally:
        db.close()
    site = site_info(settings)
    story = next(s for s in club.stories if set(LANGUAGES) <= set(s.texts))
    page = next(p for p in club.pages if set(LANGUAGES) <= set(p.texts))
    event = next(e for e in club.events if set(LANGUAGES) <= set(e.texts))
    year = story.publish_date.astimezone(site.zone).year
    paths: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        for kind, path in {
            "home": "",
            "section": "club/",
            "page": page_path(page, site, lang),
            "story": story_path(story, site, lang),
            "news": "news/",
            "archive": f"news/{year}/",
            "week": week_path(NOW.date()),
            "events": "calendar/",
            "event": event_path(event, site, lang),
            "coaches": "coaches/",
            "search": "search/",
            "not-found": "404.html",
            "login": "auth/login/",
        }.items():
            paths.setdefault(kind, {})[lang] = href(site, lang, path)
    titles = title_words(club)
    words = {
        "nl": DUTCH + sorted(titles["nl"] - titles["en"]),
        "en": ENGLISH + sorted(titles["en"] - titles["nl"]),
    }
    return Demo((settings.site.output / "current").resolve(), club, paths, words)


def title_words(club: Club) -> dict[str, set[str]]:
    """The longer words of the titles of the demo's translated texts, by language."""
    found: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    items: tuple[Application | Story | Page | Event, ...] = (
        *club.applications,
        *club.stories,
        *club.pages,
        *club.events,
    )
    for item in items:
        if set(LANGUAGES) <= set(item.texts):
            for lang in LANGUAGES:
                found[lang] |= set(re.findall(r"[^\W\d_]{6,}", item.texts[lang].title))
    for team in club.teams:
        for lang in LANGUAGES:
            found[lang].add(team.name_in(lang))
    return found


@pytest.fixture(scope="module")
def site_url(demo: Demo) -> Iterator[str]:
    with static_server(demo.root) as url:
        yield url


def words_in(text: str, words: list[str]) -> list[str]:
    """The words of `words` that stand as whole words in `text`."""
    return [w for w in words if w not in ALLOWED and re.search(rf"\b{re.escape(w)}\b", text)]


def test_older_leads_through_every_live_story_exactly_once(
    browser: Browser, demo: Demo, site_url: str
) -> None:
    for lang in LANGUAGES:
        page = browser.open(f"{site_url}{href_of(lang, 'news/')}", 390)
        seen: list[int] = []
        visited = 0
        while True:
            visited += 1
            links = page.locator("main article h2 a, main article h3 a").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))"
            )
            seen += [int(re.findall(r"/news/(\d+)-", url)[0]) for url in links]
            older = page.locator("nav.pager a.pager-older")
            if older.count() == 0:
                break
            older.click()
            page.wait_for_load_state("load")
        assert visited > 2, "the demo has more than two pages of news"
        assert len(seen) == len(set(seen)), f"a story shown twice on the way: {seen}"
        assert sorted(seen) == sorted(s.id for s in demo.club.stories)
        page.close()


def href_of(lang: str, path: str) -> str:
    return "/" + ("" if lang == "nl" else f"{lang}/") + path


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_type_speaks_one_language(
    browser: Browser, demo: Demo, site_url: str, lang: str
) -> None:
    own, foreign = demo.words[lang], demo.words["en" if lang == "nl" else "nl"]
    found = {}
    for kind, by_lang in demo.paths.items():
        page = browser.open(site_url + by_lang[lang], 1280)
        if kind == "search":  # with the results of a search
            page.locator(".pagefind-ui__search-input").fill("judo")
            page.locator(".pagefind-ui__result").first.wait_for()
        text = page.evaluate(VISIBLE_TEXT, lang)
        assert words_in(text, own), f"{kind}: none of the page's own words, is it empty?"
        mixed = words_in(text, foreign)
        if mixed:
            found[kind] = mixed
        assert violations(page) == [], kind
        page.close()
    assert found == {}, f"words of the other language on {lang} pages: {found}"
