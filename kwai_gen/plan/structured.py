"""What search engines and chat apps read besides the page: JSON-LD and the web manifest."""

from __future__ import annotations

from typing import Any

from kwai_gen.plan.outputs import Output, SiteInfo
from kwai_gen.plan.views import Entry


def club_jsonld(site: SiteInfo, lang: str) -> dict[str, Any]:
    """The club as a schema.org SportsClub, with how to reach it."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "SportsClub",
        "name": site.name,
        "description": site.tagline_in(lang),
        "url": site.url + "/",
        "logo": site.url + "/theme/images/icon-512.png",
    }
    if site.contact:
        data["address"] = site.contact.address
        if site.contact.email:
            data["email"] = site.contact.email
        if site.contact.phone:
            data["telephone"] = site.contact.phone
    return data


def article_jsonld(story: Entry, site: SiteInfo) -> dict[str, Any]:
    """A story as a schema.org NewsArticle."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "datePublished": story.published.isoformat(),
        "url": site.url + story.url,
        "publisher": {"@type": "SportsClub", "name": site.name, "url": site.url + "/"},
    }
    if story.updated is not None:
        data["dateModified"] = story.updated.isoformat()
    return data


def manifest(site: SiteInfo) -> Output:
    """The web manifest: a phone can put the club on its home screen, with the club's icon."""
    lang = site.default_language
    return Output(
        "manifest.webmanifest",
        "manifest",
        {
            "name": site.name,
            "short_name": site.name,
            "description": site.tagline_in(lang),
            "lang": lang,
            "start_url": "/",
            "display": "standalone",
            "background_color": "#f3f6fa",
            "theme_color": "#1b3a5c",
            "icons": [
                {
                    "src": f"/theme/images/icon-{size}.png",
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": "any",
                }
                for size in (192, 512)
            ],
        },
    )
