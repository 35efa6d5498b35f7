"""The page plan: every file of the site (but static assets and the search index) as an Output.

Each output's context holds only what that file shows, so the build can skip every file whose
context did not change. Every page exists in every language: the default one at the root, the
others under /<lang>/; a text missing in a language falls back to another one, marked.
"""

from __future__ import annotations

from functools import partial
from itertools import islice
from pathlib import Path
from typing import cast

from kwai_api.core.images import PUBLIC_DIR
from kwai_gen.model import Club, ContentPage, Page, Story
from kwai_gen.plan import describe
from kwai_gen.plan.agenda import next_trainings, plan_agenda
from kwai_gen.plan.auth import plan_auth
from kwai_gen.plan.events import plan_events, section_events, today
from kwai_gen.plan.frames import Frame, make_frame
from kwai_gen.plan.heroes import home_hero
from kwai_gen.plan.memo import PlanMemo
from kwai_gen.plan.news import feed_path, plan_news, story_index
from kwai_gen.plan.outputs import Output, SiteInfo
from kwai_gen.plan.redirects import plan_redirects
from kwai_gen.plan.staff import plan_staff
from kwai_gen.plan.structured import club_jsonld, manifest
from kwai_gen.plan.urls import (
    AGENDA,
    EVENTS,
    application_dir,
    content_path,
    page_path,
    page_versions,
    sitemap_path,
)
from kwai_gen.plan.views import (
    Document,
    Link,
    document,
    entry,
    local_text,
    page_link,
    section_document,
    section_link,
)

HOME_NEWS = 5
FEATURED = 3
SECTION_NEWS = 5


def plan(
    club: Club, site: SiteInfo, memo: PlanMemo | None = None, image_store: Path | None = None
) -> list[Output]:
    """Every file of the site for every language, then the sitemap and robots.txt.

    With the `memo` of the last build (begun for this one), only the groups of files whose
    inputs changed are planned and returned; the memo holds every file's digest.
    """
    if memo is None:
        memo = PlanMemo()
        memo.begin("", site.default_language)
    for lang in site.languages:
        frame = _frame(club, site, lang, memo)
        memo.loose([_home(club, frame, memo)])
        memo.loose(_sections(club, frame, memo))
        memo.loose(page_output(page, club, frame) for page in club.pages)
        memo.loose(_content_page(page, frame) for page in club.content_pages)
        memo.loose([_coaches(club, frame)])
        memo.group(
            ("fixed", lang),
            (frame,),
            partial(_fixed_pages, frame),
        )
        plan_news(club, frame, memo)
        plan_agenda(club, frame, memo)
        memo.group(
            ("events", lang),
            (frame, club.events, club.applications, today(club, site)),
            partial(plan_events, club, frame),
        )
    for lang in site.languages:
        frame = _frame(club, site, lang, memo)
        memo.loose(plan_redirects(club, frame, memo.is_planned))
    memo.loose([Output("robots.txt", "robots", {"site": site}), manifest(site)])
    if image_store is not None:
        memo.group(("images",), (club.images, image_store), lambda: _images(club, image_store))
    memo.end()
    _sitemaps(memo, site)
    return memo.outputs


def _fixed_pages(frame: Frame) -> list[Output]:
    """The pages made of the frame alone: search, 404, sign-in and the staff workspace."""
    return [
        frame.page("search/", "search.html", title=frame.labels["search"]),
        frame.page("404.html", "404.html", title=frame.labels["not_found"]),
        *plan_auth(frame),
        *plan_staff(frame),
    ]


def _images(club: Club, store: Path) -> list[Output]:
    """The sized files of the uploaded images the site shows, linked from the image store."""
    return [
        Output(
            f"{PUBLIC_DIR}/{size.file}",
            "stored_image",
            {"file": size.file, "image": image.id, "store": str(store)},
        )
        for image in club.images
        for size in image.sizes
    ]


def _frame(club: Club, site: SiteInfo, lang: str, memo: PlanMemo) -> Frame:
    """The frame of `lang`, the same object as last build's while what it shows is the same."""
    has_events = bool(club.events) or any(app.events for app in club.applications)
    return cast(
        Frame,
        memo.value(
            ("frame", lang),
            (site, club.applications, club.content_pages, has_events),
            lambda: make_frame(club, site, lang),
        ),
    )


def _sitemaps(memo: PlanMemo, site: SiteInfo) -> None:
    """A sitemap per chunk whose pages changed, and the index of them all at sitemap.xml."""
    changed = memo.sitemap_chunks()
    memo.add(
        Output(sitemap_path(chunk), "sitemap", {"site": site, "pages": entries})
        for chunk, entries in changed.items()
        if entries
    )
    memo.drop(sitemap_path(chunk) for chunk, entries in changed.items() if not entries)
    if changed:
        chunks = tuple(site.url + "/" + sitemap_path(chunk) for chunk in sorted(memo.chunks))
        memo.add([Output("sitemap.xml", "sitemap_index", {"sitemaps": chunks})])


def _home(club: Club, frame: Frame, memo: PlanMemo) -> Output:
    """The home page: the sections as cards, promoted stories, next trainings, latest news."""
    site, lang = frame.site, frame.lang
    sections = {app.name: section_link(app, site, lang) for app in club.applications}
    news = Link(frame.url("news/"), frame.labels["news"])
    # stories come newest first and sorting is stable: by priority, then newest
    promoted = cast(
        list[Story],
        memo.value(
            ("promoted",),
            (club.stories,),
            lambda: sorted((s for s in club.stories if s.promoted), key=lambda s: -s.priority),
        ),
    )[:FEATURED]
    shown = {s.id for s in promoted}
    latest = list(islice((s for s in club.stories if s.id not in shown), HOME_NEWS))
    return frame.page(
        "",
        "home.html",
        title=site.name,
        description=site.tagline_in(lang),
        jsonld=club_jsonld(site, lang),
        cards=tuple(section_link(app, site, lang, summary=True) for app in club.applications),
        featured=tuple(entry(s, site, lang, sections.get(s.application, news)) for s in promoted),
        latest=tuple(entry(s, site, lang, sections.get(s.application, news)) for s in latest),
        trainings=next_trainings(club, site, lang),
        agenda_url=frame.url(f"{AGENDA}/"),
        news_url=news.url,
        hero=home_hero(club, site),
        og_image=home_hero(club, site),
    )


def _sections(club: Club, frame: Frame, memo: PlanMemo) -> list[Output]:
    """A page per application (but the agenda's): description, pages, recent news, events."""
    site, lang = frame.site, frame.lang
    outputs = []
    for app in club.applications:
        if app.name == AGENDA:
            continue  # its description and pages are on the agenda
        intro = section_document(app, site, lang)
        link = section_link(app, site, lang)
        stories = story_index(club, memo, site.timezone).by_application.get(app.name, [])
        base = application_dir(app.name, site)
        has_news = app.news or bool(stories)
        outputs.append(
            frame.page(
                base,
                "section.html",
                title=intro.title,
                description=intro.summary or intro.content,
                intro=intro,
                pages=tuple(
                    page_link(p, site, lang) for p in club.pages if p.application == app.name
                ),
                news=tuple(entry(s, site, lang, link) for s in stories[:SECTION_NEWS]),
                news_url=frame.url(f"{base}news/") if has_news else None,
                feed_url=frame.url(feed_path(app.name, frame)) if has_news else None,
                events=section_events(club, frame, app.name) if app.events else (),
                events_url=frame.url(f"{EVENTS}/") if app.events else None,
                hero=app.image,
                og_image=app.image,
            )
        )
    return outputs


def page_output(page: Page, club: Club, frame: Frame) -> Output:
    """One page of an application, with a link back to its application."""
    app = next((a for a in club.applications if a.name == page.application), None)
    shown = document(page, frame.site, frame.lang)
    return frame.page(
        page_path(page, frame.site, frame.lang),
        "page.html",
        versions=page_versions(page, frame.site),
        title=shown.title,
        description=shown.summary or shown.content,
        modified=page.updated_at,
        og_image=shown.image,
        document=shown,
        section=section_link(app, frame.site, frame.lang) if app else None,
    )


def _content_page(page: ContentPage, frame: Frame) -> Output:
    """A hand-written page (about, privacy, contact) at /<slug>/."""
    text, marked = local_text(page.texts, frame.site, frame.lang)
    path = content_path(page.slug)
    # hand-written Markdown is trusted as it is; only its images are made to load lazily
    content = text.content.replace("<img ", '<img loading="lazy" ')
    shown = Document(frame.url(path), text.title or page.slug, text.summary, content, None, marked)
    return frame.page(
        path,
        "page.html",
        title=shown.title,
        description=shown.summary or shown.content,
        document=shown,
        section=None,
    )


def _coaches(club: Club, frame: Frame) -> Output:
    """The active coaches with their bios."""
    active = tuple(
        c.in_language(frame.lang, frame.site.languages) for c in club.coaches if c.active
    )
    return frame.page(
        "coaches/",
        "coaches.html",
        title=frame.labels["coaches"],
        description=describe.coaches(frame, (c.name for c in active)),
        coaches=active,
        agenda_url=frame.url(f"{AGENDA}/"),
    )
