"""The sitemaps (every page in every language, with its alternates, in chunks that an edit
rewrites one at a time), their index at sitemap.xml, and robots.txt."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from kwai_gen.plan.outputs import SiteInfo
from kwai_gen.plan.urls import href, language_prefix

_HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    ' xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)


def render_sitemap(context: dict[str, Any]) -> bytes:
    """The sitemap: context holds site and pages, a tuple of (path, modified or None,
    (language, path) of the language versions whose path differs)."""
    site: SiteInfo = context["site"]
    lines = [_HEADER]
    for path, modified, versions in context["pages"]:
        paths = dict(versions)
        urls = {lang: site.url + href(site, lang, paths.get(lang, path)) for lang in site.languages}
        alternates = "".join(
            f'    <xhtml:link rel="alternate" hreflang="{lang}" href={quoteattr(urls[lang])}/>\n'
            for lang in site.languages
        ) + (
            '    <xhtml:link rel="alternate" hreflang="x-default"'
            f" href={quoteattr(urls[site.default_language])}/>\n"
        )
        lastmod = f"    <lastmod>{_w3c(modified)}</lastmod>\n" if modified else ""
        for lang in site.languages:
            loc = escape(urls[lang])
            lines.append(f"  <url>\n    <loc>{loc}</loc>\n{lastmod}{alternates}  </url>\n")
    lines.append("</urlset>\n")
    return "".join(lines).encode("utf-8")


def render_sitemap_index(context: dict[str, Any]) -> bytes:
    """sitemap.xml: the index of the sitemaps; context holds their absolute URLs."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    lines.append('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
    lines += [f"  <sitemap><loc>{escape(url)}</loc></sitemap>\n" for url in context["sitemaps"]]
    lines.append("</sitemapindex>\n")
    return "".join(lines).encode("utf-8")


def _w3c(moment: datetime) -> str:
    """A sitemap date-time in UTC: 2026-11-18T11:00:00+00:00."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def render_robots(context: dict[str, Any]) -> bytes:
    """robots.txt: everything may be crawled but the staff pages, the workspace and the API."""
    site: SiteInfo = context["site"]
    prefixes = (language_prefix(site, lang) for lang in site.languages)
    workspace = "".join(f"Disallow: /{prefix}staff/\n" for prefix in prefixes)
    return (
        "User-agent: *\n"
        "Disallow: /auth/\n"
        f"{workspace}"
        "Disallow: /api/\n"
        f"\nSitemap: {site.url}/sitemap.xml\n"
    ).encode()
