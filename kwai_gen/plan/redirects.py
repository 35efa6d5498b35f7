"""Old addresses that lead to new ones: an application's pages after it was renamed, and the
addresses other languages had before each language had its own slug.

A link shared before the change lands on a small page that sends the reader on and tells search
engines the new address is the canonical one.
"""

from __future__ import annotations

from collections.abc import Callable

from kwai_gen.model import Club, Story
from kwai_gen.plan.frames import Frame
from kwai_gen.plan.outputs import Output
from kwai_gen.plan.urls import application_dir, event_path, output_file, page_path, story_path


def plan_redirects(club: Club, frame: Frame, taken: Callable[[str], bool]) -> list[Output]:
    """A redirect page for each former address of a section and its pages, and of the pages and
    events whose language once shared the default language's slug (not in `taken`; a story's
    is planned with its page: `story_redirect`)."""
    site, lang = frame.site, frame.lang
    moved: dict[str, str] = {}  # old path -> new path
    for move in club.moves:
        old, new = application_dir(move.name, site), application_dir(move.application, site)
        if old == new:
            continue
        moved[old] = new
        for page in club.pages:
            if page.application == move.application:
                path = page_path(page, site, lang)
                moved[old + path.removeprefix(new)] = path
    moved.update(shared_slug_moves(club, frame))
    outputs = []
    for old, new in sorted(moved.items()):
        file = output_file(site, lang, old)
        if not taken(file):
            outputs.append(Output(file, "redirect", {"to": site.url + frame.url(new)}))
    return outputs


def shared_slug_moves(club: Club, frame: Frame) -> dict[str, str]:
    """Old path -> new path, in the frame's language, of the pages and events that it
    once served at the default language's slug: those saved before each language had its own
    slug, and those it showed in another language before it had a text of its own."""
    site, lang = frame.site, frame.lang
    if lang == site.default_language:
        return {}
    moved = {}
    for page in club.pages:
        if page.shared_slug:
            moved[page_path(page, site)] = page_path(page, site, lang)
    for event in club.events:
        if event.shared_slug:
            moved[event_path(event, site)] = event_path(event, site, lang)
    return {old: new for old, new in moved.items() if old != new}


def story_redirect(story: Story, frame: Frame) -> list[Output]:
    """The redirect from the address a story had in the frame's language when it shared the
    default language's slug, to its own."""
    site, lang = frame.site, frame.lang
    if lang == site.default_language or not story.shared_slug:
        return []
    old, new = story_path(story, site), story_path(story, site, lang)
    if old == new:
        return []
    return [Output(output_file(site, lang, old), "redirect", {"to": site.url + frame.url(new)})]
