"""The outbox: mails rendered from their templates and queued in the caller's transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest

from kwai_api.core.database import Database, Row
from kwai_api.core.settings import Settings
from kwai_api.mail.outbox import queue_mail, render_mail

NOW = datetime(2026, 11, 26, 12, 0, 0)
EXPIRES = datetime(2026, 12, 3, 12, 0, 0)  # 13:00 in Brussels (winter time)
LINK = "http://127.0.0.1:8000/auth/invite/?uuid=4a3f&from=mail"


def invitation(**changes: Any) -> dict[str, Any]:
    """The context the invitations module passes."""
    context = {
        "first_name": "Jan",
        "last_name": "Peeters",
        "link": LINK,
        "expires_at": EXPIRES,
        "valid_days": 7,
    }
    return {**context, **changes}


def queue(
    empty_db: Database,
    settings: Settings,
    template: str = "invitation",
    language: str | None = None,
    context: dict[str, Any] | None = None,
    name: str = "Jan Peeters",
) -> Row:
    """Queue one mail and read back its row."""
    uuid = empty_db.write(
        lambda tx: queue_mail(
            tx,
            settings,
            template,
            "jan@example.com",
            name,
            language,
            invitation() if context is None else context,
            NOW,
        )
    )
    row = empty_db.fetchone("SELECT * FROM mails WHERE uuid = ?", [uuid])
    assert row is not None
    return row


def test_queued_invitation_is_rendered_in_dutch_by_default(
    empty_db: Database, settings: Settings
) -> None:
    row = queue(empty_db, settings)
    assert row["status"] == "queued"
    assert row["attempts"] == 0
    assert row["next_attempt_at"] == NOW
    assert row["created_at"] == NOW
    assert row["recipient"] == "jan@example.com"
    assert row["recipient_name"] == "Jan Peeters"
    assert row["subject"] == "Uitnodiging voor de website van Judokwai Kemzeke"
    assert row["text_body"].startswith("Dag Jan Peeters,\n")
    assert LINK in row["text_body"]
    assert "7 dagen geldig, tot donderdag 3 december 2026 om 13:00" in row["text_body"]
    assert 'href="http://127.0.0.1:8000/auth/invite/?uuid=4a3f&amp;from=mail"' in row["html_body"]
    assert "<title>Uitnodiging voor de website van Judokwai Kemzeke</title>" in row["html_body"]
    assert "donderdag 3 december 2026 om 13:00" in row["html_body"]


def test_english_when_asked_for(empty_db: Database, settings: Settings) -> None:
    row = queue(empty_db, settings, language="en")
    assert row["subject"] == "Invitation to the website of Judokwai Kemzeke"
    assert row["text_body"].startswith("Hello Jan Peeters,\n")
    assert "valid for 7 days, until Thursday, December 3, 2026 at 1:00" in row["text_body"]
    assert '<html lang="en">' in row["html_body"]


@pytest.mark.parametrize(
    ("languages", "asked", "greeting"),
    [
        (("nl", "en"), "fr", "Dag"),  # a language the club does not offer
        (("nl",), "en", "Dag"),  # English exists, but this club speaks only Dutch
        (("en", "nl"), None, "Hello"),  # the club's default language comes first
    ],
)
def test_language_falls_back_to_the_clubs_default(
    empty_db: Database,
    settings: Settings,
    languages: tuple[str, ...],
    asked: str | None,
    greeting: str,
) -> None:
    club = replace(settings, site=replace(settings.site, languages=languages))
    assert queue(empty_db, club, language=asked)["text_body"].startswith(f"{greeting} Jan Peeters,")


def test_recovery_shows_the_true_validity_in_the_clubs_summer_time(
    empty_db: Database, settings: Settings
) -> None:
    context = {
        "first_name": "An",
        "last_name": "Maes",
        "link": "http://x/auth/reset/?uuid=9",
        "expires_at": datetime(2026, 7, 3, 13, 0),
        "valid_hours": 2,
    }
    dutch = queue(empty_db, settings, "recovery", None, context)
    assert dutch["subject"] == "Nieuw wachtwoord voor de website van Judokwai Kemzeke"
    assert "2 uur geldig, tot vrijdag 3 juli 2026 om 15:00" in dutch["text_body"]
    english = queue(empty_db, settings, "recovery", "en", {**context, "valid_hours": 1})
    assert "valid for 1 hour, until Friday, July 3, 2026 at 3:00" in english["text_body"]


def test_html_part_escapes_what_people_typed(empty_db: Database, settings: Settings) -> None:
    row = queue(empty_db, settings, context=invitation(last_name="<script>x</script>"))
    assert "&lt;script&gt;x&lt;/script&gt;" in row["html_body"]
    assert "<script>" not in row["html_body"]
    assert "Dag Jan <script>x</script>," in row["text_body"]  # plain text stays as typed


def test_message_id_is_stable_and_the_sender_named_after_the_club(
    empty_db: Database, settings: Settings
) -> None:
    row = queue(empty_db, settings)
    assert row["message_id"] == f"<{row['uuid']}@example.org>"
    assert row["sender"] == "Judokwai Kemzeke <webmaster@example.org>"
    named = replace(settings, email=replace(settings.email, sender="Secretariaat <info@kwai.be>"))
    row = queue(empty_db, named)
    assert row["message_id"] == f"<{row['uuid']}@kwai.be>"
    assert row["sender"] == "Secretariaat <info@kwai.be>"


def test_recipient_name_is_kept_on_one_line(empty_db: Database, settings: Settings) -> None:
    row = queue(empty_db, settings, name=" Jan\r\nBcc: x@y.z ")
    assert row["recipient_name"] == "Jan Bcc: x@y.z"


def test_mail_is_queued_only_with_the_change(empty_db: Database, settings: Settings) -> None:
    def fail(tx: Any) -> None:
        queue_mail(tx, settings, "invitation", "jan@example.com", "Jan", None, invitation(), NOW)
        raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        empty_db.write(fail)
    sql = "SELECT count(*) FROM mails WHERE recipient = 'jan@example.com'"
    assert empty_db.fetchvalue(sql) == 0


def test_unknown_template_or_missing_context_is_refused(settings: Settings) -> None:
    with pytest.raises(ValueError, match="unknown mail template"):
        render_mail(settings, "newsletter", None, invitation())
    context = invitation()
    del context["link"]
    with pytest.raises(Exception, match="link"):
        render_mail(settings, "invitation", None, context)
