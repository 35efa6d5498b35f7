"""Jinja2 filters: dates and times in the club's zone and the page's language, and images.

Each filter reads `site` (a SiteInfo) and `lang` from the page's context, so templates simply
write `{{ entry.published|local_date }}`. The model holds aware UTC datetimes; plain dates (an
agenda day) are shown as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_interval, format_time
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from kwai_gen.images import img_html
from kwai_gen.model import Image


def _local(context: Context, value: datetime) -> datetime:
    """`value` in the club's zone."""
    return _in_zone(value, context["site"].timezone)


# A full build writes the same days, times and hours on thousands of pages, and Babel's
# formatting costs tens of microseconds a call: each distinct value is worked out once.
@lru_cache(maxsize=16384)
def _in_zone(value: datetime, timezone: str) -> datetime:
    return value.astimezone(ZoneInfo(timezone))


def _locale(context: Context) -> str:
    """The locale of the page's language (en_GB for English on a Belgian club's site)."""
    return str(context["site"].locale_of(context["lang"]))


def _day(context: Context, value: date | datetime) -> date:
    """The calendar day of `value` in the club's zone."""
    return _local(context, value).date() if isinstance(value, datetime) else value


@lru_cache(maxsize=64)
def _hour_skeleton(lang: str) -> str:
    """ "hm" where the language counts hours to 12 (7:30 PM), else "Hm" (19:30)."""
    pattern = Locale.parse(lang).time_formats["short"].pattern
    return "hm" if "h" in pattern else "Hm"


@pass_context
def local_date(context: Context, value: date | datetime, format: str = "long") -> str:
    """A day as the page's language writes it: "26 november 2026", "26 November 2026"."""
    return _format_date(_day(context, value), format, _locale(context))


@lru_cache(maxsize=16384)
def _format_date(day: date, format: str, locale: str) -> str:
    return format_date(day, format, locale=locale)


@pass_context
def time_range(context: Context, start: datetime, end: datetime) -> str:
    """From start to end in the club's zone: "19:30–21:00" (a 12-hour locale: "7:30 – 9:00 PM")."""
    first, last = _local(context, start), _local(context, end)
    lang = _locale(context)
    if first.date() != last.date():
        return f"{format_time(first, 'short', locale=lang)} – {local_date(context, end)} " + (
            format_time(last, "short", locale=lang)
        )
    return _hours(time(first.hour, first.minute), time(last.hour, last.minute), lang)


@lru_cache(maxsize=4096)
def _hours(first: time, last: time, locale: str) -> str:
    return format_interval(first, last, _hour_skeleton(locale), locale=locale)


@pass_context
def day_range(context: Context, first: date, last: date) -> str:
    """A span of days: "23–29 nov 2026", "23–29 Nov 2026"."""
    return format_interval(first, last, "yMMMd", locale=_locale(context))


@pass_context
def iso(context: Context, value: date | datetime) -> str:
    """A machine-readable date or time (for <time datetime>), with the club's UTC offset."""
    if isinstance(value, datetime):
        return _iso(value, context["site"].timezone)
    return value.isoformat()


@lru_cache(maxsize=16384)
def _iso(value: datetime, timezone: str) -> str:
    return _in_zone(value, timezone).isoformat()


@pass_context
def language_name(context: Context, code: str) -> str:
    """The name of language `code` in the page's language: "Engels" on a Dutch page."""
    try:
        name: str = Locale.parse(context["lang"]).languages.get(code, code)
        return name
    except (ValueError, LookupError):
        return code


def lang_attr(code: str | None) -> Markup:
    """` lang="en"` for text in another language than the page's (`code`), else nothing: a
    filter, not a macro, as list pages write it dozens of times."""
    return Markup(' lang="%s"') % code if code else Markup("")


@pass_context
def picture(
    context: Context,
    image: Image,
    place: str,
    lazy: bool = True,
    css: str = "",
    alt: str | None = None,
) -> Markup:
    """An uploaded image in its published sizes, for a place ("text", "card", "portrait"),
    saying what it shows in the page's language (else in another, marked as such)."""
    lang = None
    if alt is None:
        alt, lang = image_alt(context, image)
    return Markup(img_html(image, place, alt=alt, lazy=lazy, css=css, lang=lang))


@pass_context
def image_alt(context: Context, image: Image) -> tuple[str, str | None]:
    """What an image shows in the page's language, and the language of the words when not
    the page's."""
    return image.alt_in(context["lang"], context["site"].default_language)


FILTERS: dict[str, Callable[..., Any]] = {
    "picture": picture,
    "image_alt": image_alt,
    "local_date": local_date,
    "time_range": time_range,
    "day_range": day_range,
    "iso": iso,
    "language_name": language_name,
    "lang_attr": lang_attr,
}
