"""The mail outbox: render a mail from its templates and queue it with the change that causes it.

Mail is written to the `mails` table in the caller's transaction, so it exists exactly when the
change does; `kwai_api.mail.sender` sends it later.
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.utils import parseaddr
from functools import cache
from typing import Any

from babel.dates import format_date, format_time
from jinja2 import Environment, PackageLoader, StrictUndefined, TemplateNotFound, select_autoescape

from kwai_api.core.clock import aware_utc
from kwai_api.core.database import Transaction
from kwai_api.core.settings import Settings

TEMPLATES = ("invitation", "recovery")
FALLBACK_LANGUAGE = "en"  # every template exists in English, whatever the club's languages


@dataclass(frozen=True)
class RenderedMail:
    """A mail ready to queue: its language, subject and both parts."""

    language: str
    subject: str
    text: str
    html: str


@cache
def _environment() -> Environment:
    """The Jinja2 environment of the mail templates; HTML parts are autoescaped."""
    return Environment(
        loader=PackageLoader("kwai_api.mail", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,  # a missing context key is a bug in the caller: fail loudly
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def mail_language(settings: Settings, language: str | None) -> str:
    """The language of a mail: the one asked for when the club offers it, else the default."""
    if language in settings.site.languages:
        return str(language)
    return settings.site.default_language


def render_mail(
    settings: Settings, template: str, language: str | None, context: dict[str, Any]
) -> RenderedMail:
    """Render the subject, text and HTML of a mail template in the mail's language."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown mail template {template!r}")
    wanted = mail_language(settings, language)
    environment = _environment()
    for candidate in dict.fromkeys((wanted, settings.site.default_language, FALLBACK_LANGUAGE)):
        try:
            text_template = environment.get_template(f"{template}.{candidate}.txt")
            html_template = environment.get_template(f"{template}.{candidate}.html")
        except TemplateNotFound:
            continue
        values = _context(settings, candidate, context)
        text_module = text_template.make_module(values)
        subject = " ".join(str(getattr(text_module, "subject", "")).split())
        html = html_template.render(values, subject=subject)
        return RenderedMail(candidate, subject, str(text_module), html)
    raise ValueError(f"mail template {template!r} has no {wanted} or {FALLBACK_LANGUAGE} version")


def _context(settings: Settings, language: str, context: dict[str, Any]) -> dict[str, Any]:
    """What every template may use: the caller's context, the site, and local expiry times."""
    values = {
        "site_name": settings.site.name,
        "site_url": settings.site.url,
        "language": language,
        **context,
    }
    expires_at = context.get("expires_at")
    if isinstance(expires_at, datetime):
        local = aware_utc(expires_at).astimezone(settings.site.zone)
        values["expires_date"] = format_date(local, "full", locale=language)
        values["expires_time"] = format_time(local, "short", locale=language)
    return values


def sender_address(settings: Settings) -> str:
    """The From header: the configured sender, named after the club unless it carries a name."""
    name, address = parseaddr(settings.email.sender)
    username, _, domain = address.rpartition("@")
    if not username:
        return settings.email.sender
    return str(Address(display_name=name or settings.site.name, username=username, domain=domain))


def message_id(mail_uuid: str, sender: str) -> str:
    """A Message-ID that stays the same on every attempt, so receivers can drop duplicates."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<{mail_uuid}@{domain}>"


def queue_mail(
    tx: Transaction,
    settings: Settings,
    template: str,
    recipient: str,
    recipient_name: str,
    language: str | None,
    context: dict[str, Any],
    now: datetime,
    about: tuple[str, str] | None = None,
) -> str:
    """Render a mail and queue it in the caller's transaction; return the mail's uuid.

    `about` names what the mail is about (`("invitation", uuid)`, `("recovery", uuid)`), so the
    sender can check at send time that it still holds.
    """
    mail = render_mail(settings, template, language, context)
    mail_uuid = str(uuid_module.uuid4())
    sender = sender_address(settings)
    # Header values may not hold line breaks; a name is one line of words.
    name = " ".join(recipient_name.split())
    tx.execute(
        "INSERT INTO mails (uuid, sender, recipient, recipient_name, subject, text_body,"
        " html_body, message_id, status, attempts, next_attempt_at, created_at, updated_at,"
        " about, about_uuid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?)",
        [
            mail_uuid,
            sender,
            recipient.strip(),
            name,
            mail.subject,
            mail.text,
            mail.html,
            message_id(mail_uuid, sender),
            now,
            now,
            now,
            *(about or (None, None)),
        ],
    )
    return mail_uuid
