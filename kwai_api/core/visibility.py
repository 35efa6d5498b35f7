"""Who sees what, and in which language: the rules the API and the generator share.

The story rules are SQL conditions on `news_stories` aliased `s`; each `?` is the moment asked
about (naive UTC).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

LIVE_STORY = "s.enabled AND s.publish_date <= ? AND (s.end_date IS NULL OR s.end_date > ?)"
"""A story visitors see: enabled, published and not ended (two parameters: now, now)."""

PROMOTED_STORY = "s.promotion > 0 AND (s.promotion_end_date IS NULL OR s.promotion_end_date > ?)"
"""A story featured on the home page while its promotion lasts (one parameter: now)."""


def shown_locale(available: Collection[str], order: Sequence[str]) -> str | None:
    """The locale whose text is shown: the first of `order` that has one, else the
    alphabetically first that exists; None when there is no text at all."""
    for locale in order:
        if locale in available:
            return locale
    return min(available, default=None)
