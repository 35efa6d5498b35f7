"""The `texts` attribute that news items, pages and trainings (as `contents`) send alike, and
the single values per language of coaches (`bio`), teams (`name`) and images (`alt`)."""

from __future__ import annotations

from collections.abc import Container, Sequence
from typing import Any

from kwai_api.core.errors import ApiError
from kwai_api.core.markup import FORMATS, MarkupError, to_html
from kwai_api.core.texts import TextInput
from kwai_api.jsonapi import openapi
from kwai_api.jsonapi.documents import Attributes

# what a text object may hold: what clients write, the old API's names for the sources, and the
# rendered HTML that reads answer with (a client may send a text back as it read it)
TEXT_MEMBERS = (
    "locale",
    "format",
    "title",
    "summary",
    "content",
    "original_summary",
    "original_content",
    "html_summary",
    "html_content",
)


def parse_texts(
    attributes: Attributes, languages: Sequence[str], name: str = "texts"
) -> list[TextInput]:
    """The texts attribute `name`: at least one, one per known locale, each with a title; else 422.

    News items and pages send `texts`; trainings send the same objects as `contents`. Each
    text is rendered here, before the write transaction opens (call this off the event loop).
    """
    base = attributes.pointer(name)
    items = attributes.get(name, list, required=True)
    texts: list[TextInput] = []
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            raise ApiError(422, "each text should be an object", pointer=f"{base}/{n}")
        text = Attributes({"attributes": item}, base=f"{base}/{n}")
        text.only(TEXT_MEMBERS)
        locale = read_locale(text, languages, {t.locale for t in texts})
        text_format = text.text("format") or "md"
        if text_format not in FORMATS:
            raise ApiError(
                422, f"format should be one of {', '.join(FORMATS)}", pointer=text.pointer("format")
            )
        # clients of the old API send the source as original_* (summary was the rendered HTML)
        summary, content = (
            text.text(f"original_{part}") if text.has(f"original_{part}") else text.text(part)
            for part in ("summary", "content")
        )
        html = tuple(
            _render(text, part, value or "", text_format)
            for part, value in (("summary", summary), ("content", content))
        )
        texts.append(
            TextInput(
                locale,
                text.text("title", required=True) or "",
                summary or "",
                content or "",
                text_format,
                (html[0], html[1]),
            )
        )
    if not texts:
        raise ApiError(422, "at least one text with a title is required", pointer=base)
    return texts


def _render(text: Attributes, part: str, value: str, text_format: str) -> str:
    """The HTML of a summary or content, rendered here, before any write; else 422 naming it."""
    try:
        return to_html(value, text_format)
    except MarkupError as error:
        name = f"original_{part}" if text.has(f"original_{part}") else part
        raise ApiError(422, f"{name} {error}", pointer=text.pointer(name)) from None


# the texts attribute that parse_texts reads
TEXTS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": openapi.obj(
        {
            "locale": openapi.string(),
            "format": openapi.string(enum=list(FORMATS)),
            "title": openapi.string(minLength=1),
            "summary": openapi.string(),
            "content": openapi.string(),
        },
        ("locale", "title"),
    ),
}


def read_locale(text: Attributes, languages: Sequence[str], seen: Container[str]) -> str:
    """A text's `locale`: one of the site's languages, and not one of the texts before it."""
    locale = text.text("locale", required=True) or ""
    if locale not in languages:
        raise ApiError(
            422, f"locale should be one of {', '.join(languages)}", pointer=text.pointer("locale")
        )
    if locale in seen:
        raise ApiError(422, f"there is more than one {locale} text", pointer=text.pointer("locale"))
    return locale


def parse_locale_values(
    attributes: Attributes, languages: Sequence[str], member: str, empty: str | None = None
) -> dict[str, str]:
    """One value per language a document sends: `texts` [{locale, <member>}], and the flat
    `<member>` attribute as the default language's; stripped, by locale. 422 for anything else,
    and with an `empty` message for an empty value."""
    values: dict[str, str] = {}

    def value(source: Attributes) -> str:
        found = (source.text(member) or "").strip()
        if empty is not None and not found:
            raise ApiError(422, empty, pointer=source.pointer(member))
        return found

    if attributes.has("texts"):
        base = attributes.pointer("texts")
        for n, item in enumerate(attributes.get("texts", list, nullable=False)):
            if not isinstance(item, dict):
                raise ApiError(
                    422,
                    f"each text should be an object {{locale, {member}}}",
                    pointer=f"{base}/{n}",
                )
            text = Attributes({"attributes": item}, base=f"{base}/{n}")
            text.only(("locale", member))
            values[read_locale(text, languages, values)] = value(text)
    if attributes.has(member):
        values[languages[0]] = value(attributes)
    return values


def locale_values(
    values: dict[str, str], languages: Sequence[str], member: str
) -> list[dict[str, str]]:
    """Values by locale as a resource shows them: [{locale, <member>}] in the club's language
    order, locales it no longer has last."""
    rank = {locale: n for n, locale in enumerate(languages)}
    return [
        {"locale": locale, member: values[locale]}
        for locale in sorted(values, key=lambda lc: (rank.get(lc, len(rank)), lc))
    ]
