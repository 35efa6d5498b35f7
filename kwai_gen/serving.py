"""How the site's files are served, wherever they are: which are sent compressed, and how long
a browser or a CDN may keep each. The release writer, the API's static files and the bucket
publisher all ask here, so a page never gets one lifetime from nginx and another from S3.
"""

from __future__ import annotations

import gzip
import mimetypes

from kwai_api.core.images import PUBLIC_DIR

# Text compresses to a fifth or less; images, fonts and Pagefind's chunks are compressed already.
TEXT_SUFFIXES = (".html", ".xml", ".ics", ".css", ".js", ".json", ".txt", ".svg")
# What changes with every edit: pages, feeds, calendars, the sitemap, the search entry point.
PAGE_SUFFIXES = (".html", ".xml", ".ics", ".txt", ".json")
# The theme's assets are always linked with `?v=<digest of the assets>`, so a URL never changes
# meaning and may be kept for a year.
VERSIONED_PREFIX = "theme/"
# The staff workspace's modules import each other by plain paths (no ?v=): revalidated like pages.
UNVERSIONED_DIR = "/theme/js/staff/"
GZIP_SUFFIX = ".gz"

PAGE_MAX_AGE = 60
ASSET_MAX_AGE = 7 * 24 * 3600
VERSIONED_MAX_AGE = 365 * 24 * 3600


def is_text(path: str) -> bool:
    """True for the files that are kept precompressed next to themselves (`path.gz`)."""
    return path.endswith(TEXT_SUFFIXES)


def is_gzip_form(path: str) -> bool:
    """True for the gzip form of a text file (`index.html.gz`), which follows its file."""
    return path.endswith(GZIP_SUFFIX) and is_text(path[: -len(GZIP_SUFFIX)])


def gzipped(content: bytes) -> bytes:
    """The gzip form of `content`, the same bytes for the same content (no time stamp)."""
    return gzip.compress(content, compresslevel=9, mtime=0)


def cache_control(path: str, versioned: bool) -> str:
    """The Cache-Control of the file at `path` (relative to the site's root).

    `versioned` says whether the URL carries the asset version: a request's query string, or in
    a bucket every theme file (the pages link them only that way).
    """
    if path.endswith(PAGE_SUFFIXES) or UNVERSIONED_DIR in f"/{path}":
        return f"public, max-age={PAGE_MAX_AGE}"
    if path.startswith(f"{PUBLIC_DIR}/"):  # uploaded images: new content, new name
        return f"public, max-age={VERSIONED_MAX_AGE}, immutable"
    if versioned and path.startswith(VERSIONED_PREFIX):
        return f"public, max-age={VERSIONED_MAX_AGE}, immutable"
    return f"public, max-age={ASSET_MAX_AGE}"


def content_type(path: str) -> str:
    """The Content-Type of the file at `path`: by its name, text in UTF-8."""
    guessed = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if guessed.startswith("text/") or guessed in ("application/xml", "application/json"):
        return f"{guessed}; charset=utf-8"
    return guessed
