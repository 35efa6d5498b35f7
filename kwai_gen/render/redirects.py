"""The small page an old address answers with: on to the new address, which is canonical."""

from __future__ import annotations

from html import escape
from typing import Any


def render_redirect(context: dict[str, Any]) -> bytes:
    """A page that sends browsers to `to` at once and names it as the canonical address."""
    to = escape(context["to"], quote=True)
    return (
        "<!doctype html>\n"
        '<html><head><meta charset="utf-8">\n'
        f'<meta http-equiv="refresh" content="0; url={to}">\n'
        f'<link rel="canonical" href="{to}">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{to}</title></head>\n"
        f'<body><p><a href="{to}">{to}</a></p></body></html>\n'
    ).encode()
