"""The relationship to an uploaded image that stories, pages (`image`) and coaches (`photo`) send
alike: read from a document, checked against the images, written in a resource."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from kwai_api.core.database import Transaction
from kwai_api.core.errors import ApiError
from kwai_api.core.images import check_image
from kwai_api.core.texts import TextInput
from kwai_api.jsonapi import openapi
from kwai_api.jsonapi.documents import MISSING, identifier, reference_id, relationship

TYPE = "images"
# An upload embedded in a text: ![alt](image:12) in Markdown, <img src="image:12"> in HTML.
EMBED = re.compile(r"""(?:\]\(\s*|\bsrc=["']?)image:(\d{1,9})(?![0-9])""")
IMAGE_RELATIONSHIP = openapi.nullable(openapi.identifier_schema(TYPE))  # its OpenAPI schema


def image_relationship(doc: dict[str, Any], name: str) -> int | None:
    """The image id a document's relationship `name` sends: an id, None to remove, or MISSING."""
    value = relationship(doc, name)
    if value is None:
        return None
    if value is MISSING:
        missing: int | None = MISSING
        return missing
    found = reference_id(value["id"])
    if value.get("type") != TYPE or found is None:
        raise ApiError(
            422, f"relationship {name} should name an image", pointer=f"/data/relationships/{name}"
        )
    return found


def image_identifier(image_id: int | None) -> dict[str, str] | None:
    """The relationship data of a lead image or portrait."""
    return identifier(TYPE, image_id) if image_id is not None else None


def check_reference(tx: Transaction, changes: dict[str, Any], column: str, name: str) -> None:
    """422 when the changes point a column at an image that does not exist."""
    if column in changes:
        check_image(tx, changes[column], f"/data/relationships/{name}")


def check_embeds(tx: Transaction, texts: Sequence[TextInput], name: str = "texts") -> None:
    """422 when a text embeds an image that does not exist (the site could not show it)."""
    for n, text in enumerate(texts):
        for field in ("summary", "content"):
            for found in EMBED.findall(getattr(text, field)):
                check_image(tx, int(found), f"/data/attributes/{name}/{n}/{field}")
