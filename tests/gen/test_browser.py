"""The built demo site in headless Chromium, as a person sees it, in both languages and widths.

The seeded club is built once (with the Pagefind index) and served on 127.0.0.1; each test opens
pages at 360 and 1280 pixels wide, reads what is shown, follows the language switch and saves a
screenshot under test-output/screenshots/. The staff pages under /auth/ are checked the same way
(forms, checks before sending, nothing sent when a page opens).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kwai_api.core.database import open_database
from kwai_api.demo import create_club
from kwai_gen.build import build_site, site_info
from kwai_gen.gather import gather
from kwai_gen.model import Club, Training, text_for
from kwai_gen.plan.auth import PAGES, plan_auth
from kwai_gen.plan.frames import make_frame
from kwai_gen.plan.outputs import SiteInfo
from kwai_gen.plan.urls import href, story_path
from tests.conftest import ANCHOR, NOW, make_settings
from tests.support.browser import Browser, browser, chromium, scroll_width, static_server

__all__ = ["browser", "chromium"]  # the fixtures this module uses

LANGUAGES = ("nl", "en")
WIDTHS = (360, 1280)
OTHER = {"nl": "en", "en": "nl"}
AGENDA_TITLE = {"nl": "Trainingen", "en": "Trainings"}
CANCELLED = {"nl": "Geannuleerd", "en": "Cancelled"}
AUTH_TITLES = {
    "nl": {
        "login": "Aanmelden",
        "recover": "Wachtwoord vergeten",
        "reset": "Nieuw wachtwoord kiezen",
        "invite": "Uitnodiging aanvaarden",
    },
    "en": {
        "login": "Log in",
        "recover": "Forgotten password",
        "reset": "Choose a new password",
        "invite": "Accept the invitation",
    },
}


@dataclass(frozen=True)
class DemoSite:
    """The built site and the facts the tests look for in it."""

    root: Path  # the live release
    site: SiteInfo
    story_url: dict[str, str]  # by language
    story_title: dict[str, str]
    training: Training  # cancelled for the tests, later this week
    search_word: dict[str, str]


def cancel_next_training(db: Any) -> int:
    """Cancel the first training after NOW (in this week's agenda); its id."""
    training_id = db.fetchvalue(
        "SELECT id FROM trainings WHERE start_date > ? ORDER BY start_date LIMIT 1", [NOW]
    )
    db.execute("UPDATE trainings SET cancelled = true WHERE id = ?", [training_id])
    return int(training_id)


def search_word(title: str) -> str:
    """A word of a title that a person would search for."""
    result: str = max(re.findall(r"[^\W\d_]+", title), key=len).lower()
    return result


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    """The seeded club with one cancelled training, built with its search index."""
    settings = make_settings(tmp_path_factory.mktemp("browser"), KWAI_SITE_SEARCH="true")
    db = open_database(settings.database.path)
    try:
        create_club(db, seed=1, anchor=ANCHOR, timezone=settings.site.timezone)
        cancelled = cancel_next_training(db)
        build_site(settings, db, now=NOW)
        club = gather(db, NOW)
    finally:
        db.close()
    site = site_info(settings)
    story = next(s for s in club.stories if set(LANGUAGES) <= set(s.texts))  # translated
    titles = {lang: text_for(story.texts, lang, site.languages).text.title for lang in LANGUAGES}
    yield DemoSite(
        root=settings.site.output / "current",
        site=site,
        story_url={lang: href(site, lang, story_path(story, site, lang)) for lang in LANGUAGES},
        story_title=titles,
        training=next(t for t in club.trainings if t.id == cancelled),
        search_word={lang: search_word(title) for lang, title in titles.items()},
    )


@pytest.fixture(scope="module")
def site_url(demo: DemoSite) -> Iterator[str]:
    """The built site served on 127.0.0.1."""
    with static_server(demo.root) as url:
        yield url


def clock_time(training: Training, site: SiteInfo, lang: str) -> str:
    """The training's start as the club writes a time in every language: 19:30, never 7:30 PM."""
    start = training.start.astimezone(site.zone)
    return f"{start.hour:02d}:{start.minute:02d}"


def look(browser: Browser, page: Any, name: str, lang: str, width: int) -> None:
    """What every page owes a person: its language, one h1, no sideways scrolling; a picture."""
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").count() == 1
    if width <= 360:
        assert scroll_width(page) <= width, f"{name} scrolls sideways at {width} px"
    browser.screenshot(page, f"{name}-{lang}-{width}")
    browser.assert_clean()


def api_requests(browser: Browser) -> list[str]:
    """The requests to the API that the browser's pages make from now on (kept up to date)."""
    seen: list[str] = []
    browser.context.on("request", lambda r: seen.extend([r.url] if "/api/" in r.url else []))
    return seen


def switch_language(page: Any, lang: str, expected_path: str) -> None:
    """Follow the header's language link: the same page in the other language."""
    other = OTHER[lang]
    page.locator(f"header a.language-link[hreflang='{other}']").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == other
    assert page.url.endswith(expected_path), page.url


both = pytest.mark.parametrize("lang", LANGUAGES)
widths = pytest.mark.parametrize("width", WIDTHS)


@pytest.mark.browser
@both
@widths
def test_home(browser: Browser, site_url: str, demo: DemoSite, lang: str, width: int) -> None:
    page = browser.open(site_url + href(demo.site, lang, ""), width)
    assert page.locator("h1").inner_text() == demo.site.name
    story = page.get_by_role("link", name=demo.story_title[lang], exact=True).first
    assert story.is_visible()
    look(browser, page, "home", lang, width)
    story.click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == demo.story_title[lang]
    page.go_back()
    switch_language(page, lang, href(demo.site, OTHER[lang], ""))


@pytest.mark.browser
@both
@widths
def test_story(browser: Browser, site_url: str, demo: DemoSite, lang: str, width: int) -> None:
    page = browser.open(site_url + demo.story_url[lang], width)
    assert page.locator("h1").inner_text() == demo.story_title[lang]
    assert page.locator("article").first.inner_text().strip() != demo.story_title[lang]
    look(browser, page, "story", lang, width)
    switch_language(page, lang, demo.story_url[OTHER[lang]])
    assert page.locator("h1").inner_text() == demo.story_title[OTHER[lang]]


@pytest.mark.browser
@both
@widths
def test_agenda(browser: Browser, site_url: str, demo: DemoSite, lang: str, width: int) -> None:
    page = browser.open(site_url + href(demo.site, lang, "trainings/"), width)
    assert AGENDA_TITLE[lang] in page.locator("h1").inner_text()
    training = demo.training
    title = text_for(training.texts, lang, demo.site.languages).text.title
    start = training.start.astimezone(demo.site.zone).isoformat()
    item = page.locator("li.training").filter(has=page.locator(f"time[datetime='{start}']"))
    assert item.count() == 1
    seen = item.inner_text()
    assert title in seen
    assert clock_time(training, demo.site, lang) in seen
    assert item.get_by_text(CANCELLED[lang], exact=True).is_visible()
    ordinary = page.locator("li.training:not(.is-cancelled) .training-time").first
    assert re.search(r"\d{1,2}[:.]\d{2}", ordinary.inner_text())
    look(browser, page, "agenda", lang, width)
    switch_language(page, lang, href(demo.site, OTHER[lang], "trainings/"))


@pytest.mark.browser
@both
@widths
def test_search(browser: Browser, site_url: str, demo: DemoSite, lang: str, width: int) -> None:
    page = browser.open(site_url + href(demo.site, lang, "search/"), width)
    box = page.locator(".pagefind-ui__search-input")
    box.fill(demo.search_word[lang])
    results = page.locator(".pagefind-ui__result")
    results.first.wait_for(state="visible")
    assert results.count() > 0
    links = page.locator(".pagefind-ui__result-link")
    for url in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        # each result is a page of the language searched in
        assert url.startswith("/en/") == (lang == "en"), url
    look(browser, page, "search", lang, width)
    switch_language(page, lang, href(demo.site, OTHER[lang], "search/"))


@pytest.mark.browser
def test_search_finds_teams_and_coaches(browser: Browser, site_url: str) -> None:
    page = browser.open(f"{site_url}/en/search/", 390)
    # labelled in the page's language
    box = page.locator("#search").get_by_role("textbox", name="Search the site")
    for word, found in [("Veterans", "/en/trainings/"), ("Peeters", "/en/coaches/")]:
        box.fill(word)
        link = page.locator(f'.pagefind-ui__result-link[href="{found}"]')
        link.first.wait_for(state="visible")
    dutch = browser.open(f"{site_url}/search/", 390)
    assert dutch.locator("#search").get_by_role("textbox", name="Zoek op de site").count() == 1


def test_auth_pages_are_planned_in_every_language(demo: DemoSite) -> None:
    club = Club(now=NOW, applications=(), stories=(), pages=())
    outputs = [o for lang in LANGUAGES for o in plan_auth(make_frame(club, demo.site, lang))]
    assert {o.path: o.template for o in outputs} == {
        f"{prefix}auth/{name}/index.html": f"auth_{name}.html"
        for prefix in ("", "en/")
        for name in PAGES
    }
    assert all(o.page is None for o in outputs)  # not indexed, so not in the sitemap
    login = next(o for o in outputs if o.path == "en/auth/login/index.html").made()
    assert login["lang"] == "en" and login["title"] == "Log in"
    assert [a.url for a in login["alternates"]] == ["/auth/login/", "/en/auth/login/"]
    assert login["links"]["recover"] == "/en/auth/recover/"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_auth_pages_are_static_forms_out_of_search(demo: DemoSite, lang: str, name: str) -> None:
    prefix = "" if lang == "nl" else "en/"
    html = (demo.root / f"{prefix}auth/{name}/index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex' in html
    assert "data-pagefind-body" not in html
    assert "<noscript>" in html
    assert re.search(r'<script src="/theme/js/auth.js\?v=[0-9a-f]+" defer></script>', html)
    assert not re.search(r'src="(https?:)?//', html)  # no script or image from elsewhere
    fields = re.findall(r'<input id="([^"]+)"', html)
    assert fields
    for field in fields:
        assert re.search(f'<label (class="[^"]*" )?for="{field}">', html), field
    sitemaps = [demo.root / "sitemap.xml", *(demo.root / "sitemaps").glob("*.xml")]
    assert len(sitemaps) > 1 and not any("/auth/" in p.read_text() for p in sitemaps)


@pytest.mark.browser
@both
@pytest.mark.parametrize("width", (320, *WIDTHS))  # the staff forms are used on small phones
def test_auth_pages_open_without_calling_the_api(
    browser: Browser, site_url: str, demo: DemoSite, lang: str, width: int
) -> None:
    api_calls = api_requests(browser)
    link = f"?uuid={uuid.uuid4()}"
    for name in PAGES:
        query = link if name in ("reset", "invite") else ""
        page = browser.open(site_url + href(demo.site, lang, f"auth/{name}/") + query, width)
        assert page.locator("h1").inner_text() == AUTH_TITLES[lang][name]
        assert page.locator("#auth-form").is_visible()
        assert page.locator("#auth-form button[type=submit]").is_enabled()
        assert page.locator("#auth-message").inner_text() == ""
        look(browser, page, f"auth-{name}", lang, width)
    assert api_calls == []


@pytest.mark.browser
def test_forms_check_before_sending(browser: Browser, site_url: str) -> None:
    api_calls = api_requests(browser)
    page = browser.open(f"{site_url}/en/auth/login/", 360)
    page.get_by_role("button", name="Log in").click()
    assert page.locator("#username-error").inner_text() == "Fill in this field."
    assert page.locator("#username").get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "username"
    page.get_by_label("Email address").fill("not an address")
    page.keyboard.press("Enter")
    assert "not an email address" in page.locator("#username-error").inner_text()
    assert page.locator("#password-error").inner_text() == "Fill in this field."

    page = browser.open(f"{site_url}/auth/invite/?uuid={uuid.uuid4()}", 360)
    page.get_by_label("Voornaam").fill("Jan")
    page.get_by_label("Familienaam").fill("Peeters")
    page.get_by_label("Wachtwoord", exact=True).fill("kort")
    page.get_by_label("Herhaal het wachtwoord").fill("anders")
    page.get_by_role("button", name="Account maken").click()
    assert "minstens 8 tekens" in page.locator("#password-error").inner_text()
    assert page.locator("#password_repeat-error").inner_text() == (
        "De twee wachtwoorden zijn niet gelijk."
    )
    page.get_by_label("Wachtwoord", exact=True).fill("lang genoeg")
    assert page.locator("#password-error").inner_text() == ""  # put right, the error goes
    assert api_calls == []
    browser.screenshot(page, "auth-invite-errors-nl-360")


@pytest.mark.browser
def test_a_link_without_its_code_says_so(browser: Browser, site_url: str) -> None:
    said = {
        "/auth/reset/": "Deze link is onvolledig.",
        "/en/auth/invite/?uuid=not-a-code": "This link is incomplete.",
    }
    for path, words in said.items():
        page = browser.open(site_url + path, 360)
        assert page.locator("#auth-message").get_attribute("class") == "auth-message is-error"
        assert page.locator("#auth-message").inner_text().startswith(words)
        assert page.locator("#auth-form button[type=submit]").is_disabled()


@pytest.mark.browser
def test_language_switch_keeps_the_mails_code(browser: Browser, site_url: str) -> None:
    code = str(uuid.uuid4())
    page = browser.open(f"{site_url}/auth/reset/?uuid={code}", 1280)
    switch_language(page, "nl", f"/en/auth/reset/?uuid={code}")
    assert page.locator("h1").inner_text() == "Choose a new password"
    assert page.locator("#auth-form button[type=submit]").is_enabled()


@pytest.mark.browser
def test_login_says_what_the_api_answered(browser: Browser, site_url: str) -> None:
    # The API is stood in for by fixed answers: the page must say each one in words.
    answers = [
        {
            "status": 429,
            "headers": {"Retry-After": "42"},
            "content_type": "application/json",
            "body": '{"errors": [{"status": "429", "detail": "too many attempts"}]}',
        },
        {
            "status": 401,
            "content_type": "application/vnd.api+json",
            "body": '{"errors": [{"status": "401", "detail": "the password is wrong"}]}',
        },
        {"status": 502, "content_type": "text/html", "body": "<h1>Bad gateway</h1>"},
    ]
    said = [
        "Te veel pogingen. Probeer het opnieuw over 42 seconden.",
        "Het e-mailadres of het wachtwoord klopt niet.",  # not the API's English words
        "Er ging iets mis (fout 502). Probeer het later opnieuw.",
        "De server is niet bereikbaar. Controleer je verbinding en probeer opnieuw.",
    ]
    sent: list[dict[str, str]] = []

    def answer(route: Any) -> None:
        sent.append(dict(route.request.post_data_json or {}))
        if answers:
            route.fulfill(**answers.pop(0))
        else:
            route.abort()  # the server cannot be reached

    browser.expect_error(r"/api/v1/auth/login")  # each answer above is logged as an error
    page = browser.open(f"{site_url}/auth/login/", 360)
    page.route("**/api/v1/auth/login", answer)
    page.get_by_label("E-mailadres").fill(" an@example.com ")
    page.get_by_label("Wachtwoord").fill("geheim wachtwoord")
    message = page.locator("#auth-message")
    for words in said:
        page.get_by_role("button", name="Aanmelden").click()
        page.wait_for_function(
            "words => document.getElementById('auth-message').innerText === words", arg=words
        )
        assert message.get_attribute("class") == "auth-message is-error"
        assert page.locator("#auth-form button[type=submit]").is_enabled()
    assert sent[0] == {"username": "an@example.com", "password": "geheim wachtwoord"}
    assert len(sent) == len(said)
    browser.screenshot(page, "auth-login-offline-nl-360")


@pytest.mark.browser
def test_links_from_mails_say_what_went_wrong_in_the_page_language(
    browser: Browser, site_url: str
) -> None:
    def error(status: int, detail: str, pointer: str | None = None) -> dict[str, Any]:
        source = f', "source": {{"pointer": "{pointer}"}}' if pointer else ""
        return {
            "status": status,
            "content_type": "application/vnd.api+json",
            "body": f'{{"errors": [{{"status": "{status}", "detail": "{detail}"{source}}}]}}',
        }

    answers = [
        (
            error(410, "this recovery link has expired; ask for a new one"),
            "This link has been used already or has expired. Ask for a new one.",
        ),
        (error(404, "this recovery link is unknown"), "This link is unknown."),
        (error(422, "password too weak", "/password"), "Check the marked field."),
    ]
    browser.expect_error(r"/api/v1/auth/reset")
    page = browser.open(f"{site_url}/en/auth/reset/?uuid={uuid.uuid4()}", 360)
    page.route("**/api/v1/auth/reset", lambda route: route.fulfill(**answers.pop(0)[0]))
    said = [words for _, words in answers]
    page.get_by_label("New password").fill("long enough")
    page.get_by_label("Repeat the password").fill("long enough")
    for words in said:
        page.get_by_role("button", name="Save the password").click()
        page.wait_for_function(
            "words => document.getElementById('auth-message').innerText.startsWith(words)",
            arg=words,
        )
        assert "recovery link" not in page.locator("#auth-message").inner_text()
    assert page.locator("#password-error").inner_text().startswith("This password is not")
    assert page.locator("#password").get_attribute("aria-invalid") == "true"

    browser.expect_error(r"/api/v1/auth/users")
    page = browser.open(f"{site_url}/auth/invite/?uuid={uuid.uuid4()}", 360)
    page.route(
        "**/api/v1/auth/users",
        lambda route: route.fulfill(
            **error(
                422, "this invitation has been used already", "/data/relationships/user_invitation"
            )
        ),
    )
    page.get_by_label("Voornaam").fill("Jan")
    page.get_by_label("Familienaam").fill("Peeters")
    page.get_by_label("Wachtwoord", exact=True).fill("lang genoeg")
    page.get_by_label("Herhaal het wachtwoord").fill("lang genoeg")
    page.get_by_role("button", name="Account maken").click()
    page.wait_for_function("document.getElementById('auth-message').innerText.startsWith('Deze')")
    assert page.locator("#auth-message").inner_text() == (
        "Deze link is al gebruikt of verlopen. Vraag een nieuwe aan."
    )


@pytest.mark.browser
def test_a_parent_sees_one_teams_trainings(browser: Browser, site_url: str, demo: DemoSite) -> None:
    team = demo.training.teams[0]
    page = browser.open(site_url + href(demo.site, "nl", "trainings/") + f"?team={team.id}", 390)
    chosen = page.locator(".team-filter a[aria-current]")
    assert chosen.inner_text() == team.name
    visible = page.locator("li.training:visible")
    shown = visible.count()
    assert shown > 0
    for teams in visible.evaluate_all("items => items.map(i => i.dataset.teams)"):
        assert str(team.id) in teams.split()
    assert page.locator("li.training:not(:visible)").count() > 0  # the other teams' are hidden
    page.locator(".team-filter a").first.click()  # all teams again
    page.wait_for_url(lambda url: "team=" not in url)
    assert page.locator("li.training:visible").count() > shown
