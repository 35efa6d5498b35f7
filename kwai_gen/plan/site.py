"""The page plan: every file of the site (but static assets and the search index) as an Output.

Each output's context holds only what that file shows, so the build can skip every file whose
context did not change. Every page exists in every language: the default one at the root, the
others under /<lang>/; a text missing in a language falls back to another one, marked.
"""

from __future__ import annotations

from collections import Counter

from kwai_gen.model import Club, ContentPage, Page
from kwai_gen.plan import describe
from kwai_gen.plan.agenda import next_trainings, plan_agenda
from kwai_gen.plan.auth import plan_auth
from kwai_gen.plan.events import plan_events, section_events
from kwai_gen.plan.frames import Frame, make_frame
from kwai_gen.plan.heroes import home_hero
from kwai_gen.plan.news import feed_path, plan_news
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
UNLISTED = frozenset({"404.html", "search.html"})  # pages that are not in the sitemap


def plan(club: Club, site: SiteInfo) -> list[Output]:
    """Every file of the site for every language, then the sitemap and robots.txt."""
    outputs: list[Output] = []
    for lang in site.languages:
        frame = make_frame(club, site, lang)
        outputs.append(_home(club, frame))
        outputs += _sections(club, frame)
        outputs += [page_output(page, club, frame) for page in club.pages]
        outputs += [_content_page(page, frame) for page in club.content_pages]
        outputs.append(_coaches(club, frame))
        outputs.append(frame.page("search/", "search.html", title=frame.labels["search"]))
        outputs.append(frame.page("404.html", "404.html", title=frame.labels["not_found"]))
        outputs += plan_news(club, frame)
        outputs += plan_agenda(club, frame)
        outputs += plan_events(club, frame)
        outputs += plan_auth(frame)
        outputs += plan_staff(frame)
    taken = {o.path for o in outputs}
    for lang in site.languages:
        outputs += plan_redirects(club, make_frame(club, site, lang), taken)
    outputs.append(_sitemap(outputs, site))
    outputs.append(Output("robots.txt", "robots", {"site": site}))
    outputs.append(manifest(site))
    _check_unique(outputs)
    return outputs


def _home(club: Club, frame: Frame) -> Output:
    """The home page: the sections as cards, promoted stories, next trainings, latest news."""
    site, lang = frame.site, frame.lang
    sections = {app.name: section_link(app, site, lang) for app in club.applications}
    news = Link(frame.url("news/"), frame.labels["news"])
    # stories come newest first and sorting is stable: by priority, then newest
    promoted = sorted((s for s in club.stories if s.promoted), key=lambda s: -s.priority)
    promoted = promoted[:FEATURED]
    shown = {s.id for s in promoted}
    latest = [s for s in club.stories if s.id not in shown][:HOME_NEWS]
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


def _sections(club: Club, frame: Frame) -> list[Output]:
    """A page per application (but the agenda's): description, pages, recent news, events."""
    site, lang = frame.site, frame.lang
    outputs = []
    for app in club.applications:
        if app.name == AGENDA:
            continue  # its description and pages are on the agenda
        intro = section_document(app, site, lang)
        link = section_link(app, site, lang)
        stories = [s for s in club.stories if s.application == app.name]
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


def _sitemap(outputs: list[Output], site: SiteInfo) -> Output:
    """One sitemap of every listed page; each lists its language versions."""
    pages = tuple(
        (o.page, o.modified, o.versions)
        for o in outputs
        if o.lang == site.default_language
        and o.page is not None
        and o.template.endswith(".html")
        and o.template not in UNLISTED
    )
    return Output("sitemap.xml", "sitemap", {"site": site, "pages": pages})


def _check_unique(outputs: list[Output]) -> None:
    """Refuse a plan where two things claim one file (a content page named like a section)."""
    clashes = [path for path, count in Counter(o.path for o in outputs).items() if count > 1]
    if clashes:
        raise ValueError(f"these site files are planned twice: {', '.join(sorted(clashes))}")
