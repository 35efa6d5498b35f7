"""The staff workspace under /staff/: coaches, editors and the webmaster work here in a browser.

Each page is a static shell built with the site; theme/static/js/staff/app.js and the modules
it imports by relative paths (Preact with htm, vendored; no import map, since the site's
Content-Security-Policy allows no inline script) fill it from the JSON:API on the same origin
once the person is signed in through /auth/login/. The pages are not indexed, not in the
sitemap and not searched, and no public page loads anything of them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kwai_api.core.accounts import MIN_PASSWORD_LENGTH
from kwai_gen.plan.auth import API, auth_path
from kwai_gen.plan.frames import Frame
from kwai_gen.plan.outputs import Output
from kwai_gen.plan.staff_words import staff_words

# The views of the workspace: name, path under staff/, and whether only admins use it.
VIEWS: tuple[tuple[str, str, bool], ...] = (
    ("trainings", "", False),
    ("news", "news/", False),
    ("pages", "pages/", False),
    ("club", "club/", False),
    ("photos", "photos/", False),
    ("people", "people/", True),
    ("site", "site/", True),
    ("account", "account/", False),
)


def staff_path(view: str) -> str:
    """The language-neutral path of a workspace view: "staff/news/"."""
    return "staff/" + next(path for name, path, _ in VIEWS if name == view)


def plan_staff(frame: Frame) -> list[Output]:
    """The workspace's pages in the frame's language."""
    words = staff_words(frame.lang)
    menu = tuple(
        {
            "view": name,
            "url": frame.url(staff_path(name)),
            "title": words[f"view_{name}"],
            "admin": admin,
        }
        for name, _, admin in VIEWS
    )
    outputs = []
    for name, _, _ in VIEWS:
        config = _config(frame, name, words)
        output = frame.page(
            staff_path(name),
            "staff.html",
            title=words[f"view_{name}"],
            view=name,
            menu=menu,
            words=words,
            config=config,
        )
        outputs.append(replace(output, page=None))  # not indexed, so not in the sitemap
    return outputs


def _config(frame: Frame, view: str, words: dict[str, str]) -> dict[str, Any]:
    """What the page's script needs to know: where the API is, the club's languages and zone."""
    return {
        "view": view,
        "api": API,
        "lang": frame.lang,
        "languages": list(frame.site.languages),
        "timezone": frame.site.timezone,
        "locale": frame.site.locale_of(frame.lang).replace("_", "-"),  # as the site writes dates
        "site_url": frame.site.url,
        "login": frame.url(auth_path("login")),
        "home": frame.url(staff_path("trainings")),
        "min_password": MIN_PASSWORD_LENGTH,
        "words": words,
    }
