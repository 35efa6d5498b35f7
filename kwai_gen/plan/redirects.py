"""Old addresses that lead to new ones: an application's pages after it was renamed.

A link shared before the rename lands on a small page that sends the reader on and tells search
engines the new address is the canonical one.
"""

from __future__ import annotations

from collections.abc import Callable

from kwai_gen.model import Club
from kwai_gen.plan.frames import Frame
from kwai_gen.plan.outputs import Output
from kwai_gen.plan.urls import application_dir, output_file, page_path


def plan_redirects(club: Club, frame: Frame, taken: Callable[[str], bool]) -> list[Output]:
    """A redirect page for each former address of a section and its pages (not in `taken`)."""
    site, lang = frame.site, frame.lang
    moved: dict[str, str] = {}  # old path -> new path
    for move in club.moves:
        old, new = application_dir(move.name, site), application_dir(move.application, site)
        if old == new:
            continue
        moved[old] = new
        for page in club.pages:
            if page.application == move.application:
                path = page_path(page, site)
                moved[old + path.removeprefix(new)] = path
    outputs = []
    for old, new in sorted(moved.items()):
        file = output_file(site, lang, old)
        if not taken(file):
            outputs.append(Output(file, "redirect", {"to": site.url + frame.url(new)}))
    return outputs
