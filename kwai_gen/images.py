"""Uploaded images on the site: the `<img>` of an image in its published sizes, and embeds.

Markdown embeds an upload as `![alt text](image:ID)`; its saved HTML holds `<img src="image:ID">`,
which the build replaces with the image's published sizes. One function writes every such tag,
for the templates (the `picture` filter) and for embeds alike.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from kwai_gen.model import Image

# An embed in sanitized HTML; nh3 writes attributes quoted with double quotes.
_EMBED = re.compile(r'<img\b[^>]*?\bsrc="image:(\d{1,9})"[^>]*>')
_ALT = re.compile(r'\balt="([^"]*)"')
# How wide the theme (kwai.css) shows an image in each place: its `sizes` attribute there.
SIZES = {
    "text": "(min-width: 48rem) 43rem, calc(100vw - 4rem)",  # a story's or page's text column
    "card": "8rem",
    "portrait": "6rem",
    "hero": "(min-width: 74rem) 70rem, calc(100vw - 2rem)",  # the width of the page
}


def img_html(
    image: Image,
    place: str,
    alt: str | None = None,
    lazy: bool = True,
    css: str = "",
    lang: str | None = None,
) -> str:
    """An `<img>` offering every published size for a `place` of SIZES, with its width and
    height against reflow; `lang` is the language of its alt text when not the page's."""
    shown = image.sizes[min(1, len(image.sizes) - 1)]  # for browsers without srcset
    attributes = {
        "src": shown.url,
        "srcset": image.srcset,
        "sizes": SIZES[place],
        "width": str(image.largest.width),
        "height": str(image.largest.height),
        "alt": image.alt if alt is None else alt,
    }
    if lang:
        attributes["lang"] = lang
    if css:
        attributes["class"] = css
    if lazy:
        attributes["loading"] = "lazy"
    elif place == "hero":  # above the fold: the largest paint of the page
        attributes["fetchpriority"] = "high"
    attributes["decoding"] = "async"
    return "<img " + " ".join(f'{k}="{html.escape(v)}"' for k, v in attributes.items()) + ">"


def embed_images(text: str, find: Callable[[int], Image | None], language: str) -> str:
    """The HTML of a text in `language` with each embedded upload in its published sizes (an
    unknown one is left out, its alt text kept; an embed without one says what the image shows
    in the text's language)."""
    if "image:" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        alt_found = _ALT.search(match.group(0))
        alt = html.unescape(alt_found.group(1)) if alt_found else ""
        image = find(int(match.group(1)))
        if image is None:
            return html.escape(alt)
        return img_html(image, "text", alt=alt or image.alt_in(language)[0])

    return _EMBED.sub(replace, text)
