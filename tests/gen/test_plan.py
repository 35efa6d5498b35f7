"""The page plan on the seeded demo club: every page in every language, small contexts."""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from kwai_api.core.database import Database, Transaction, open_database
from kwai_api.core.settings import Settings
from kwai_api.demo import create_club
from kwai_gen.gather import gather
from kwai_gen.model import Club, ContentPage, Text
from kwai_gen.plan.agenda import EMPTY_WEEKS_AROUND_TODAY
from kwai_gen.plan.digest import Digester
from kwai_gen.plan.outputs import Output, SiteInfo
from kwai_gen.plan.site import plan
from kwai_gen.plan.slugs import slugify
from kwai_gen.plan.urls import page_path, story_path, team_calendar_path, week_path
from tests.conftest import ANCHOR, NOW, make_settings

ABOUT = ContentPage("about", {"nl": Text("nl", "Over ons", "<p>Wie</p>", "<p>Wij zijn</p>")})


def site_of(settings: Settings, **changes: object) -> SiteInfo:
    """The SiteInfo the build would make from the test settings."""
    site = settings.site
    info = SiteInfo(
        site.name,
        site.tagline.get(site.default_language),
        site.url,
        site.languages,
        site.timezone,
        site.news_per_page,
        site.search,
    )
    return replace(info, **changes)  # type: ignore[arg-type]


def club_at(db: Database, now: datetime) -> Club:
    """The demo club as the site shows it at `now`, with one hand-written page."""
    return replace(gather(db, now), content_pages=(ABOUT,))


def by_path(outputs: list[Output]) -> dict[str, Output]:
    return {o.path: o for o in outputs}


def digests(outputs: list[Output]) -> dict[str, str]:
    """What the build compares: a digest of each output's template and context (or its key)."""
    digester = Digester("")
    return {o.path: digester.output(o.template, o.context) for o in outputs}


def made(outputs: list[Output]) -> dict[str, bytes]:
    """Each output's context, made, as bytes: what rendering would receive."""
    return {o.path: pickle.dumps((o.template, o.made())) for o in outputs}


def assert_keys_complete(before: list[Output], after: list[Output]) -> None:
    """An output whose digest did not change must not have a changed context either."""
    same = {p for p, d in digests(before).items() if digests(after).get(p) == d}
    old, new = made(before), made(after)
    stale = sorted(p for p in same if old[p] != new[p])
    assert not stale, f"these outputs changed but their digest did not: {stale[:5]}"


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    """The files a build would have to write (or delete) after the change."""
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Settings]]:
    """The seeded club, built once for the tests that only read it."""
    settings = make_settings(tmp_path_factory.mktemp("demo"))
    database = open_database(settings.database.path)
    create_club(database, seed=1, anchor=ANCHOR, timezone=settings.site.timezone)
    yield database, settings
    database.close()


@pytest.fixture(scope="module")
def site(demo: tuple[Database, Settings]) -> SiteInfo:
    return site_of(demo[1])


@pytest.fixture(scope="module")
def club(demo: tuple[Database, Settings]) -> Club:
    return club_at(demo[0], NOW)


def test_every_page_type_is_planned_in_both_languages(club: Club, site: SiteInfo) -> None:
    paths = by_path(plan(club, site))
    story = club.stories[0]
    page = next(p for p in club.pages if p.application == "club")
    trainings_page = next(p for p in club.pages if p.application == "trainings")
    team = club.teams[0]
    for lang, prefix in (("nl", ""), ("en", "en/")):
        for path in (
            "index.html",
            "news/index.html",
            "news/page/1/index.html",
            story_path(story, site, lang),
            "news/2026/index.html",
            "news/2026/11/index.html",
            "club/index.html",
            "club/news/index.html",
            page_path(page, site, lang),
            "trainings/index.html",
            "trainings/2026-w48/index.html",
            "trainings/news/index.html",
            page_path(trainings_page, site, lang),
            "coaches/index.html",
            "search/index.html",
            "404.html",
            "about/index.html",
            "trainings.ics",
            team_calendar_path(team),
            "feeds/news.atom.xml",
            "feeds/club.atom.xml",
        ):
            assert prefix + path in paths, prefix + path
    assert paths["sitemap.xml"].template == "sitemap_index"
    assert paths["robots.txt"].template == "robots"
    assert "en/sitemap.xml" not in paths
    # the trainings application has no page of its own: the agenda is its page
    assert paths["trainings/index.html"].template == "agenda.html"
    assert paths["en/trainings/index.html"].made()["heading"] == "Trainings"
    assert paths["trainings/index.html"].made()["heading"] == "Trainingen"


def test_each_language_addresses_a_story_by_the_title_it_shows(club: Club, site: SiteInfo) -> None:
    english_only = next(s for s in club.stories if "nl" not in s.texts)
    both = next(s for s in club.stories if {"nl", "en"} <= s.texts.keys())
    paths = by_path(plan(club, site))
    nl, en = both.texts["nl"], both.texts["en"]
    nl_path, en_path = story_path(both, site, "nl"), story_path(both, site, "en")
    assert en_path == f"news/{both.id}-{slugify(en.title)}.html" != nl_path
    assert paths[nl_path].made()["story"].title == nl.title
    english = paths["en/" + en_path].made()
    assert english["story"].title == en.title
    # each language version points at every version's own address, itself included
    expected = [("nl", "/" + nl_path), ("en", "/en/" + en_path)]
    for made in (english, paths[nl_path].made()):
        assert [(a.lang, a.url) for a in made["alternates"]] == expected
    # an English-only story falls back on the Dutch site, marked, at the English slug
    shown = paths[story_path(english_only, site)].made()["story"]
    assert (shown.title, shown.lang) == (english_only.texts["en"].title, "en")
    assert story_path(english_only, site, "nl") == story_path(english_only, site, "en")
    assert paths["en/" + story_path(english_only, site, "en")].made()["story"].lang is None


def test_a_saved_slug_outlives_a_title_fix(club: Club, site: SiteInfo) -> None:
    story = next(s for s in club.stories if {"nl", "en"} <= s.texts.keys())
    saved = replace(story.texts["en"], slug="first-title", title="A fixed title")
    fixed = replace(story, texts={**story.texts, "en": saved})
    assert story_path(fixed, site, "en") == f"news/{story.id}-first-title.html"
    assert story_path(fixed, site, "nl") == story_path(story, site, "nl")


def test_a_scheduled_story_appears_only_once_its_date_has_come(
    demo: tuple[Database, Settings], site: SiteInfo
) -> None:
    db = demo[0]
    scheduled = db.fetchone(
        "SELECT id, publish_date FROM news_stories WHERE enabled AND publish_date > ?"
        " ORDER BY publish_date LIMIT 1",
        [NOW],
    )
    assert scheduled is not None
    due = scheduled["publish_date"].replace(tzinfo=UTC) + timedelta(minutes=1)
    before = [o.path for o in plan(club_at(db, NOW), site)]
    after_club = club_at(db, due)
    story = next(s for s in after_club.stories if s.id == scheduled["id"])
    assert story_path(story, site) not in before
    assert not any(p.startswith(f"news/{story.id}-") for p in before)
    assert story_path(story, site) in {o.path for o in plan(after_club, site)}


def test_an_expired_story_is_gone(demo: tuple[Database, Settings], site: SiteInfo) -> None:
    db = demo[0]
    expired = db.fetchone(
        "SELECT id, publish_date FROM news_stories WHERE enabled AND end_date <= ?"
        " ORDER BY end_date DESC LIMIT 1",
        [NOW],
    )
    assert expired is not None
    while_public = club_at(db, expired["publish_date"].replace(tzinfo=UTC) + timedelta(hours=1))
    assert any(s.id == expired["id"] for s in while_public.stories)
    paths = {o.path for o in plan(club_at(db, NOW), site)}
    assert not any(p.startswith(f"news/{expired['id']}-") for p in paths)
    feed = by_path(plan(club_at(db, NOW), site))["feeds/news.atom.xml"].made()
    assert expired["id"] not in {e.id for e in feed["entries"]}


def test_news_pages_are_numbered_from_the_oldest(club: Club, site: SiteInfo) -> None:
    site = replace(site, news_per_page=10)
    paths = by_path(plan(club, site))
    total = len(club.stories)
    assert total == 51  # the seeded club
    index = paths["news/index.html"].made()
    # four full pages of the oldest forty; the index holds the eleven that no page holds
    assert [e.id for e in index["entries"]] == [s.id for s in club.stories[:11]]
    oldest = paths["news/page/1/index.html"].made()
    assert [e.id for e in oldest["entries"]] == [s.id for s in club.stories[-10:]]
    assert "news/page/5/index.html" not in paths
    assert index["older"] == "/news/page/4/"
    page4 = paths["news/page/4/index.html"].made()
    assert [e.id for e in page4["entries"]] == [s.id for s in club.stories[11:21]]
    assert (page4["older"], page4["newer"]) == ("/news/page/3/", "/news/")
    assert (oldest["older"], oldest["newer"]) == (None, "/news/page/2/")
    assert (index["position"], page4["position"]) == ("Pagina 5 van 5", "Pagina 4 van 5")
    assert [link.title if link else None for link in oldest["pages"]] == ["1", "2", "3", None, "5"]
    assert oldest["pages"][0].url == "" and oldest["pages"][-1].url == "/news/"


def test_every_story_is_reached_exactly_once_through_older(club: Club, site: SiteInfo) -> None:
    for size in (1, 7, 10, 25, 51, 60):
        paths = by_path(plan(club, replace(site, news_per_page=size)))
        seen: list[int] = []
        url: str | None = "/news/"
        while url is not None:
            page = paths[url.lstrip("/") + "index.html"].made()
            seen += [e.id for e in page["entries"]]
            url = page["older"]
        assert seen == [s.id for s in club.stories], size


def test_weeks_are_contiguous_and_linked(club: Club, site: SiteInfo) -> None:
    weeks = sorted(
        (o for o in plan(club, site) if o.path.startswith("trainings/20")),
        key=lambda o: o.made()["week"],
    )
    assert len(weeks) == 41  # the seeded club: 20 weeks before the anchor's week, 20 after
    mondays = [o.made()["week"] for o in weeks]
    assert all(b - a == timedelta(days=7) for a, b in zip(mondays, mondays[1:], strict=False))
    assert weeks[0].made()["previous"] is None and weeks[-1].made()["next"] is None
    for earlier, later in zip(weeks, weeks[1:], strict=False):
        assert earlier.made()["next"] == "/" + later.path.removesuffix("index.html")
        assert later.made()["previous"] == "/" + earlier.path.removesuffix("index.html")
    this_week = by_path(plan(club, site))["trainings/index.html"].made()
    assert this_week["week"].isoformat() == "2026-11-23"
    assert this_week["previous"] == "/trainings/2026-w47/"
    assert this_week["next"] == "/trainings/2026-w49/"


def test_a_training_in_a_far_year_adds_its_week_not_every_week_between(
    club: Club, site: SiteInfo
) -> None:
    last = max(club.trainings, key=lambda t: t.start)
    far = replace(
        last, id=10**6, start=last.start.replace(year=9999), end=last.end.replace(year=9999)
    )
    far_club = replace(club, trainings=(*club.trainings, far))
    week = re.compile(r"trainings/\d+-w\d+/index.html")
    weeks = [o.path for o in plan(far_club, site) if week.fullmatch(o.path)]
    # the seeded weeks, the empty ones up to a year from now, and the far one
    assert len(weeks) <= 41 + EMPTY_WEEKS_AROUND_TODAY + 1
    assert week_path(far.start.date()) + "index.html" in weeks


def test_the_home_page_shows_the_rest_of_this_week(
    demo: tuple[Database, Settings], site: SiteInfo
) -> None:
    db = demo[0]
    home = by_path(plan(club_at(db, NOW), site))["index.html"].made()
    starts = [item.start for day in home["trainings"] for item in day.items]
    # Thursday noon: Thursday evening, Friday and Saturday are left (nothing on Sunday)
    assert [s.date().isoformat() for s in starts] == ["2026-11-26", "2026-11-27", "2026-11-28"]
    assert all(s > NOW.replace(tzinfo=UTC) for s in starts)
    sunday = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)
    later = by_path(plan(club_at(db, sunday), site))["index.html"].made()
    upcoming = [item.start for day in later["trainings"] for item in day.items]
    assert len(upcoming) == 5 and min(upcoming) > sunday  # none left: the next few
    assert home["featured"] and all(e.promoted for e in home["featured"])


def test_contexts_are_plain_and_the_same_for_the_same_data(club: Club, site: SiteInfo) -> None:
    first, second = plan(club, site), plan(club, site)
    assert digests(first) == digests(second)
    for output in first:
        assert not output.path.startswith("/")
        pickle.loads(pickle.dumps(output.made()))


def test_editing_a_training_changes_few_outputs(db: Database, site: SiteInfo) -> None:
    club = club_at(db, NOW)
    planned = plan(club, site)
    before = digests(planned)
    training = next(t for t in club.trainings if t.start.date().isoformat() == "2026-11-27")
    db.write(
        lambda tx: tx.execute(
            "UPDATE trainings SET cancelled = true, revision = revision + 1, updated_at = ?"
            " WHERE id = ?",
            [NOW, training.id],
        )
    )
    replanned = plan(club_at(db, NOW), site)
    touched = changed(before, digests(replanned))
    assert_keys_complete(planned, replanned)
    team = training.teams[0]
    assert {
        "trainings/2026-w48/index.html",
        "en/trainings/2026-w48/index.html",
        "trainings.ics",
        "en/trainings.ics",
        team_calendar_path(team),
    } <= touched
    assert len(touched) < 20, sorted(touched)


def test_adding_a_story_changes_few_outputs(db: Database, site: SiteInfo) -> None:
    planned = plan(club_at(db, NOW), site)
    before = digests(planned)
    published = NOW - timedelta(hours=1)

    def add(tx: Transaction) -> int:
        judo = tx.fetchone("SELECT id FROM applications WHERE name = 'judo'")
        assert judo is not None
        app = judo["id"]
        story: int = tx.insert(
            "INSERT INTO news_stories (application_id, enabled, publish_date, created_at,"
            " updated_at) VALUES (?, true, ?, ?, ?) RETURNING id",
            [app, published, NOW, NOW],
        )
        for locale, title in (("nl", "Nieuwe gordels"), ("en", "New belts")):
            tx.execute(
                "INSERT INTO news_story_texts (story_id, locale, title, html_summary,"
                " html_content, created_at) VALUES (?, ?, ?, '<p>Kort</p>', '<p>Lang</p>', ?)",
                [story, locale, title, NOW],
            )
        return story

    story_id = db.write(add)
    after = plan(club_at(db, NOW), site)
    touched = changed(before, digests(after))
    assert_keys_complete(planned, after)
    assert f"news/{story_id}-nieuwe-gordels.html" in touched
    assert f"en/news/{story_id}-new-belts.html" in touched
    assert {"news/index.html", "judo/index.html", "feeds/news.atom.xml"} <= touched
    assert any(p.startswith("sitemaps/news-") for p in touched)  # the chunk that lists it
    assert not any(p.startswith("news/page/") for p in touched)  # older pages keep their stories
    assert len(touched) < 20, sorted(touched)


def test_two_things_claiming_one_file_fail_the_plan(club: Club, site: SiteInfo) -> None:
    clash = ContentPage("news", {"nl": Text("nl", "Nieuws?", "", "<p>x</p>")})
    with pytest.raises(ValueError, match="news/index.html"):
        plan(replace(club, content_pages=(clash,)), site)
