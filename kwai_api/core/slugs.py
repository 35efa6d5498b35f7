"""Readable, stable URL parts made from titles and names: the API stores a published page's
slug with it, the generator makes the other addresses with the same rule."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from functools import lru_cache

from kwai_api.core.visibility import shown_locale

MAX_LENGTH = 60
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)  # each story title is slugified for every link to it
def slugify(text: str, fallback: str = "item") -> str:
    """Lowercase ASCII words joined by dashes ("Één kata!" -> "een-kata"); `fallback` if empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_WORD.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_LENGTH:
        # cut at a word boundary so a slug never ends in half a word
        cut = slug[:MAX_LENGTH]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug or fallback


def title_slug(titles: dict[str, str], languages: Sequence[str]) -> str:
    """The slug of the title in the first of `languages` there is a text in (else any)."""
    for locale in (*languages, *sorted(titles)):
        if locale in titles:
            return slugify(titles[locale])
    return slugify("")


def address_slug(
    locale: str,
    title: str,
    own: str | None,
    kept: str | None,
    locales: Collection[str],
    languages: Sequence[str],
) -> str:
    """The slug of the address of an item's text in `locale` (of an item with texts in
    `locales`): `own`, the one saved with that text; for texts saved before texts had slugs,
    the item's `kept` slug if the default language shows this text (its address was made from
    it), else one made from its title."""
    if own:
        return own
    if kept and locale == shown_locale(locales, languages):
        return kept
    return slugify(title)
