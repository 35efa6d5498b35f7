"""Outputs that are not HTML templates: each renderer turns a context into a file's bytes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from kwai_gen.render.feeds import render_atom
from kwai_gen.render.ical import render_ical
from kwai_gen.render.redirects import render_redirect
from kwai_gen.render.sitemap import render_robots, render_sitemap, render_sitemap_index


def render_json(context: dict[str, Any]) -> bytes:
    """A JSON file (the web manifest): the context as it is."""
    return json.dumps(context, ensure_ascii=False, indent=1, sort_keys=True).encode()


RENDERERS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "atom": render_atom,
    "ical": render_ical,
    "sitemap": render_sitemap,
    "sitemap_index": render_sitemap_index,
    "robots": render_robots,
    "manifest": render_json,
    "redirect": render_redirect,
}
