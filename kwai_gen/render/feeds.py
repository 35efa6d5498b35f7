"""Atom feeds of the news: the newest stories of a list, with absolute links to their pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import feedgenerator

from kwai_gen.plan.views import Entry


class _StableAtomFeed(feedgenerator.Atom1Feed):  # type: ignore[misc]  # an untyped library
    """An Atom feed whose <updated> comes from the data, never from the clock."""

    def __init__(self, updated: datetime, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._updated = updated

    def latest_post_date(self) -> datetime:
        """The newest story's last change (also for an empty feed: a fixed date)."""
        return self._updated


def render_atom(context: dict[str, Any]) -> bytes:
    """An Atom feed: context holds site, lang, title, feed_url, link, updated, entries."""
    site = context["site"]
    host = urlsplit(site.url).hostname or "kwai"
    feed = _StableAtomFeed(
        updated=context["updated"],
        title=context["title"],
        link=context["link"],
        description=site.tagline_in(context["lang"]),
        language=context["lang"],
        feed_url=context["feed_url"],
        feed_guid=context["feed_url"],
    )
    entries: tuple[Entry, ...] = context["entries"]
    for item in entries:
        feed.add_item(
            title=item.title,
            link=site.url + item.url,
            description=item.summary,
            content=item.content or None,
            unique_id=f"tag:{host},2000:{context['lang']}/news/{item.id}",
            pubdate=item.published,
            updateddate=item.updated or item.published,
            categories=(item.section.title,),
        )
    text: str = feed.writeString("utf-8")
    return text.encode("utf-8")
