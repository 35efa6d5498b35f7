"""Readable, stable URL parts made from titles and names (the API stores them, too)."""

from __future__ import annotations

from kwai_api.core.slugs import MAX_LENGTH, slugify

__all__ = ["MAX_LENGTH", "slugify"]
