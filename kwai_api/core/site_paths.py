"""The site's own top-level addresses, which an application's name must not take.

The generator puts an application's pages under /<name>/; the API refuses a name that would
land on a directory the site itself uses, a language's root or a hand-written content page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

# Top-level directories the generator writes for itself.
SITE_DIRECTORIES = frozenset(
    {
        "news",
        "feeds",
        "coaches",
        "search",
        "theme",
        "images",
        "pagefind",
        "api",
        "auth",
        "404",
        "calendar",
        "staff",
    }
)
_SLUG_LINE = re.compile(r"^slug:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)


def content_slugs(content: Path) -> set[str]:
    """The slugs of the hand-written pages in <content>/pages (their `Slug:` or file name)."""
    slugs = set()
    for source in (content / "pages").glob("*.md"):
        found = _SLUG_LINE.search(source.read_text(encoding="utf-8", errors="replace"))
        slugs.add(found.group(1) if found else source.name.split(".")[0])
    return slugs


def taken_by_site(name: str, languages: Sequence[str], content: Path) -> str | None:
    """What of the site already lives at /<name>/, or None when the name is free."""
    if name in SITE_DIRECTORIES:
        return "one of the site's own directories"
    if name in languages:
        return "a language's root"
    if name in content_slugs(content):
        return "a content page"
    return None
