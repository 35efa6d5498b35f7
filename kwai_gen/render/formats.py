"""Outputs that are not HTML templates: each renderer turns a context into a file's bytes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kwai_gen.render.feeds import render_atom
from kwai_gen.render.ical import render_ical
from kwai_gen.render.redirects import render_redirect
from kwai_gen.render.sitemap import render_robots, render_sitemap

RENDERERS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "atom": render_atom,
    "ical": render_ical,
    "sitemap": render_sitemap,
    "robots": render_robots,
    "redirect": render_redirect,
}
