"""The dispatcher against a real SMTP server (aiosmtpd on 127.0.0.1); time is passed in."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import aiosmtplib
import pytest

from kwai_api.core.database import Database, Row
from kwai_api.core.settings import Settings
from kwai_api.mail.outbox import queue_mail
from kwai_api.mail.sender import MailServerUnreachable, dispatch
from tests.support.smtp import SmtpServer

NOW = datetime(2026, 11, 26, 12, 0, 0)
MINUTE = timedelta(minutes=1)
LINK = "http://127.0.0.1:8000/auth/invite/?uuid=4a3f"


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    """A running SMTP server, stopped after the test."""
    with SmtpServer() as smtp:
        yield smtp


@pytest.fixture
def mail_settings(settings: Settings, server: SmtpServer) -> Settings:
    """Settings that send to the test server."""
    return replace(settings, email=replace(settings.email, port=server.port, timeout=5.0))


def queue(
    empty_db: Database,
    settings: Settings,
    language: str | None = None,
    recipient: str = "jan@example.com",
) -> str:
    """Queue an invitation for Jan Peeters; return the mail's uuid."""
    context = {
        "first_name": "Jan",
        "last_name": "Peeters",
        "link": LINK,
        "expires_at": NOW + timedelta(days=7),
        "valid_days": 7,
    }
    return empty_db.write(
        lambda tx: queue_mail(
            tx, settings, "invitation", recipient, "Jan Peeters", language, context, NOW
        )
    )


def run(empty_db: Database, settings: Settings, now: datetime) -> dict[str, int]:
    """One dispatcher run at `now`."""
    return asyncio.run(dispatch(empty_db, settings, now=now))


def unreachable(empty_db: Database, settings: Settings, now: datetime) -> dict[str, int]:
    """One run at `now` that cannot reach the server: it says so, with what it counted."""
    with pytest.raises(MailServerUnreachable) as raised:
        run(empty_db, settings, now)
    assert "cannot reach the mail server" in str(raised.value)
    return raised.value.counts


def mail(empty_db: Database, uuid: str) -> Row:
    """The outbox row of a mail."""
    row = empty_db.fetchone("SELECT * FROM mails WHERE uuid = ?", [uuid])
    assert row is not None
    return row


def counts(sent: int = 0, retry: int = 0, dead: int = 0, cancelled: int = 0) -> dict[str, int]:
    """A dispatcher result."""
    return {"sent": sent, "retry": retry, "dead": dead, "cancelled": cancelled}


@pytest.mark.parametrize(
    ("language", "greeting", "subject"),
    [
        (None, "Dag Jan Peeters,", "Uitnodiging voor de website van Judokwai Kemzeke"),
        ("en", "Hello Jan Peeters,", "Invitation to the website of Judokwai Kemzeke"),
    ],
)
def test_invitation_arrives_exactly_once_with_both_parts(
    empty_db: Database,
    mail_settings: Settings,
    server: SmtpServer,
    language: str | None,
    greeting: str,
    subject: str,
) -> None:
    uuid = queue(empty_db, mail_settings, language)
    assert run(empty_db, mail_settings, NOW) == counts(sent=1)
    assert run(empty_db, mail_settings, NOW + 60 * MINUTE) == counts()
    [message] = server.mailbox.messages
    assert message["Subject"] == subject
    assert message["To"] == "Jan Peeters <jan@example.com>"
    assert message["From"] == "Judokwai Kemzeke <webmaster@example.org>"
    assert message["Message-ID"] == f"<{uuid}@example.org>"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert text.get_content().startswith(greeting)
    assert LINK in text.get_content()
    assert f'href="{LINK}"' in html.get_content()
    assert greeting in html.get_content()
    row = mail(empty_db, uuid)
    assert (row["status"], row["attempts"], row["sent_at"]) == ("sent", 1, NOW)


def test_one_connection_per_run(
    empty_db: Database, mail_settings: Settings, server: SmtpServer
) -> None:
    for n in range(3):
        queue(empty_db, mail_settings, recipient=f"member{n}@example.com")
    assert run(empty_db, mail_settings, NOW) == counts(sent=3)
    assert len(server.mailbox.messages) == 3
    assert len(set(server.mailbox.peers)) == 1


def test_server_down_the_mail_waits_then_arrives_once(
    empty_db: Database, mail_settings: Settings, server: SmtpServer
) -> None:
    server.stop()
    uuid = queue(empty_db, mail_settings)
    assert unreachable(empty_db, mail_settings, NOW) == counts(retry=1)
    row = mail(empty_db, uuid)
    assert (row["status"], row["attempts"]) == ("queued", 1)  # the attempt counts
    assert "cannot reach the mail server" in row["last_error"]
    assert row["next_attempt_at"] == NOW + MINUTE
    assert run(empty_db, mail_settings, NOW + 30 * timedelta(seconds=1)) == counts()  # not due yet

    server.start()
    assert run(empty_db, mail_settings, NOW + MINUTE) == counts(sent=1)
    assert run(empty_db, mail_settings, NOW + 10 * MINUTE) == counts()
    assert [m["Message-ID"] for m in server.mailbox.messages] == [f"<{uuid}@example.org>"]
    assert mail(empty_db, uuid)["status"] == "sent"


def test_a_server_that_never_answers_is_a_temporary_failure(
    empty_db: Database, settings: Settings
) -> None:
    with socket.socket() as silent:  # accepts connections (backlog) but never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        quick = replace(settings, email=replace(settings.email, port=port, timeout=0.2))
        uuid = queue(empty_db, quick)
        assert unreachable(empty_db, quick, NOW) == counts(retry=1)
    row = mail(empty_db, uuid)
    assert (row["status"], row["attempts"], row["next_attempt_at"]) == ("queued", 1, NOW + MINUTE)


@pytest.mark.parametrize(
    "email_settings",
    [
        {"security": "starttls"},  # the server offers no STARTTLS
        {"user": "club", "password": "secret"},  # the server offers no AUTH
    ],
)
def test_a_session_that_cannot_start_keeps_the_mail_waiting(
    empty_db: Database, mail_settings: Settings, server: SmtpServer, email_settings: dict[str, Any]
) -> None:
    wrong = replace(mail_settings, email=replace(mail_settings.email, **email_settings))
    uuid = queue(empty_db, wrong)
    assert unreachable(empty_db, wrong, NOW) == counts(retry=1)
    row = mail(empty_db, uuid)
    assert (row["status"], row["attempts"], row["next_attempt_at"]) == ("queued", 1, NOW + MINUTE)
    assert server.mailbox.messages == []
    assert run(empty_db, mail_settings, NOW + MINUTE) == counts(sent=1)


@pytest.mark.parametrize("stage", ["rcpt", "data"])
def test_4xx_reply_is_retried_later_then_delivered(
    empty_db: Database, mail_settings: Settings, server: SmtpServer, stage: str
) -> None:
    replies = server.mailbox.rcpt_replies if stage == "rcpt" else server.mailbox.data_replies
    replies.append("451 4.3.0 Try again later")
    uuid = queue(empty_db, mail_settings)
    assert run(empty_db, mail_settings, NOW) == counts(retry=1)
    row = mail(empty_db, uuid)
    assert (row["status"], row["attempts"]) == ("queued", 1)
    assert row["last_error"] == "451 4.3.0 Try again later"
    assert row["next_attempt_at"] == NOW + MINUTE
    assert run(empty_db, mail_settings, NOW) == counts()
    assert server.mailbox.messages == []

    assert run(empty_db, mail_settings, NOW + MINUTE) == counts(sent=1)
    assert len(server.mailbox.messages) == 1
    assert (mail(empty_db, uuid)["status"], mail(empty_db, uuid)["attempts"]) == ("sent", 2)


@pytest.mark.parametrize(
    ("stage", "reply"),
    [
        ("rcpt", "550 5.1.1 No such user here"),
        ("data", "554 5.7.1 Message rejected"),
    ],
)
def test_5xx_reply_makes_the_mail_dead_with_its_error(
    empty_db: Database, mail_settings: Settings, server: SmtpServer, stage: str, reply: str
) -> None:
    replies = server.mailbox.rcpt_replies if stage == "rcpt" else server.mailbox.data_replies
    replies.append(reply)
    refused = queue(empty_db, mail_settings, recipient="nobody@example.com")
    later = queue(empty_db, mail_settings, recipient="an@example.com")
    assert run(empty_db, mail_settings, NOW) == counts(sent=1, dead=1)
    row = mail(empty_db, refused)
    assert (row["status"], row["attempts"], row["last_error"]) == ("dead", 1, reply)
    assert run(empty_db, mail_settings, NOW + 24 * 60 * MINUTE) == counts()
    assert [m["To"] for m in server.mailbox.messages] == ["Jan Peeters <an@example.com>"]
    assert mail(empty_db, later)["status"] == "sent"


def test_too_many_attempts_make_the_mail_dead(
    empty_db: Database, mail_settings: Settings, server: SmtpServer
) -> None:
    limited = replace(mail_settings, email=replace(mail_settings.email, max_attempts=3))
    server.mailbox.data_replies.extend(["452 4.3.1 Insufficient storage"] * 5)
    uuid = queue(empty_db, limited)
    assert run(empty_db, limited, NOW) == counts(retry=1)
    assert run(empty_db, limited, NOW + MINUTE) == counts(retry=1)
    assert mail(empty_db, uuid)["next_attempt_at"] == NOW + 3 * MINUTE  # the wait doubles
    assert run(empty_db, limited, NOW + 3 * MINUTE) == counts(dead=1)
    row = mail(empty_db, uuid)
    assert (row["status"], row["attempts"]) == ("dead", 3)
    assert row["last_error"] == "452 4.3.1 Insufficient storage"
    assert run(empty_db, limited, NOW + 600 * MINUTE) == counts()
    assert server.mailbox.messages == []


def test_421_stops_the_run_and_the_other_mails_wait_untouched(
    empty_db: Database, mail_settings: Settings, server: SmtpServer
) -> None:
    server.mailbox.data_replies.append("421 4.3.2 Service shutting down")
    first = queue(empty_db, mail_settings, recipient="an@example.com")
    second = queue(empty_db, mail_settings, recipient="tom@example.com")
    assert run(empty_db, mail_settings, NOW) == counts(retry=2)
    assert (mail(empty_db, first)["attempts"], mail(empty_db, first)["status"]) == (1, "queued")
    row = mail(empty_db, second)
    assert (row["attempts"], row["status"], row["last_error"]) == (0, "queued", None)
    assert row["next_attempt_at"] == NOW + MINUTE
    assert run(empty_db, mail_settings, NOW + MINUTE) == counts(sent=2)


class Crash(BaseException):
    """The process dying in the middle of a send."""


def test_a_crash_mid_send_never_loses_the_mail(
    empty_db: Database, mail_settings: Settings, server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    uuid = queue(empty_db, mail_settings)

    async def crash(*args: Any, **kwargs: Any) -> None:
        raise Crash()

    monkeypatch.setattr(aiosmtplib.SMTP, "send_message", crash)
    with pytest.raises(Crash):
        run(empty_db, mail_settings, NOW)
    monkeypatch.undo()
    row = mail(empty_db, uuid)
    assert (row["status"], row["attempts"], row["next_attempt_at"]) == ("sending", 1, NOW + MINUTE)
    assert run(empty_db, mail_settings, NOW) == counts()  # the recorded attempt holds it back

    assert run(empty_db, mail_settings, NOW + MINUTE) == counts(sent=1)
    assert [m["Message-ID"] for m in server.mailbox.messages] == [f"<{uuid}@example.org>"]
    assert (mail(empty_db, uuid)["status"], mail(empty_db, uuid)["attempts"]) == ("sent", 2)


def test_crashing_every_time_ends_dead(
    empty_db: Database, mail_settings: Settings, server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    limited = replace(mail_settings, email=replace(mail_settings.email, max_attempts=2))
    uuid = queue(empty_db, limited)

    async def crash(*args: Any, **kwargs: Any) -> None:
        raise Crash()

    monkeypatch.setattr(aiosmtplib.SMTP, "send_message", crash)
    for now in (NOW, NOW + MINUTE):
        with pytest.raises(Crash):
            run(empty_db, limited, now)
    assert run(empty_db, limited, NOW + 10 * MINUTE) == counts(dead=1)
    row = mail(empty_db, uuid)
    assert (row["status"], row["attempts"]) == ("dead", 2)
    assert "all 2 attempts used" in row["last_error"]


def test_concurrent_runs_send_each_mail_once(
    empty_db: Database, mail_settings: Settings, server: SmtpServer
) -> None:
    uuids = [queue(empty_db, mail_settings, recipient=f"member{n}@example.com") for n in range(4)]

    async def both() -> list[dict[str, int]]:
        return list(
            await asyncio.gather(
                dispatch(empty_db, mail_settings, now=NOW),
                dispatch(empty_db, mail_settings, now=NOW),
            )
        )

    results = asyncio.run(both())
    assert sum(result["sent"] for result in results) == 4
    received = sorted(m["Message-ID"] for m in server.mailbox.messages)
    assert received == sorted(f"<{uuid}@example.org>" for uuid in uuids)


def test_an_unsendable_address_is_dead_and_the_run_goes_on(
    empty_db: Database, mail_settings: Settings, server: SmtpServer
) -> None:
    broken = queue(empty_db, mail_settings, recipient="not an address")
    fine = queue(empty_db, mail_settings)
    assert run(empty_db, mail_settings, NOW) == counts(sent=1, dead=1)
    assert mail(empty_db, broken)["status"] == "dead"
    assert mail(empty_db, broken)["last_error"]
    assert mail(empty_db, fine)["status"] == "sent"
    assert len(server.mailbox.messages) == 1


def test_nothing_due_means_no_connection(empty_db: Database, settings: Settings) -> None:
    # settings point at port 1, where nothing listens: a connection attempt would count a retry
    assert run(empty_db, settings, NOW) == counts()


def test_an_unreachable_server_makes_mail_dead_after_the_documented_attempts(
    empty_db: Database, mail_settings: Settings, server: SmtpServer
) -> None:
    server.stop()
    limited = replace(mail_settings, email=replace(mail_settings.email, max_attempts=3))
    uuid = queue(empty_db, limited)
    assert unreachable(empty_db, limited, NOW) == counts(retry=1)
    assert unreachable(empty_db, limited, NOW + MINUTE) == counts(retry=1)
    assert unreachable(empty_db, limited, NOW + 3 * MINUTE) == counts(dead=1)
    row = mail(empty_db, uuid)
    assert (row["status"], row["attempts"]) == ("dead", 3)
    assert run(empty_db, limited, NOW + 600 * MINUTE) == counts()  # nothing due: no connection


def test_overlapping_runs_on_a_slow_server_send_each_mail_once(
    empty_db: Database,
    mail_settings: Settings,
    server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two runs that overlap for longer than a backoff (the scheduler and cron) never share."""
    uuids = [queue(empty_db, mail_settings, recipient=f"member{n}@example.com") for n in range(6)]
    server.mailbox.delay_seconds = 0.2  # 20 s on the clock below
    started = time.monotonic()

    def fast_clock() -> datetime:  # ten milliseconds here are a second there: runs last minutes
        return NOW + timedelta(seconds=(time.monotonic() - started) * 100)

    async def later() -> dict[str, int]:
        await asyncio.sleep(0.75)  # the second starts 75 s later, the first still sending
        return await dispatch(empty_db, mail_settings, clock=fast_clock)

    async def both() -> list[dict[str, int]]:
        first = dispatch(empty_db, mail_settings, clock=fast_clock)
        return list(await asyncio.gather(first, later()))

    results = asyncio.run(both())
    assert sum(result["sent"] for result in results) == 6
    received = sorted(m["Message-ID"] for m in server.mailbox.messages)
    assert received == sorted(f"<{uuid}@example.org>" for uuid in uuids)


def test_superseded_mail_is_cancelled_not_sent(
    empty_db: Database, mail_settings: Settings, server: SmtpServer
) -> None:
    """Mail about an invitation or recovery that no longer holds never leaves."""
    context = {
        "first_name": "Jan",
        "last_name": "Peeters",
        "link": LINK,
        "expires_at": NOW + timedelta(days=7),
        "valid_days": 7,
    }

    def invitation(email: str, **columns: Any) -> str:
        uuid = f"00000000-0000-0000-0000-{len(email):012d}"
        values = {
            "uuid": uuid,
            "email": email,
            "first_name": "Jan",
            "last_name": "Peeters",
            "expired_at": NOW + timedelta(days=7),
            **columns,
        }
        marks = ", ".join("?" * len(values))
        empty_db.execute(
            f"INSERT INTO user_invitations ({', '.join(values)}) VALUES ({marks})",
            list(values.values()),
        )
        return empty_db.write(
            lambda tx: queue_mail(
                tx,
                mail_settings,
                "invitation",
                email,
                "Jan",
                None,
                context,
                NOW,
                about=("invitation", uuid),
            )
        )

    withdrawn = invitation("a@example.com", revoked=True)
    accepted = invitation("bb@example.com", confirmed_at=NOW)
    expired = invitation("ccc@example.com", expired_at=NOW - MINUTE)
    fine = invitation("dddd@example.com")
    assert mail(empty_db, fine)["status"] == "queued"
    resent = empty_db.write(
        lambda tx: queue_mail(
            tx,
            mail_settings,
            "invitation",
            "e@example.com",
            "Jan",
            None,
            context,
            NOW,
            about=("invitation", "ffffffff-0000-0000-0000-000000000000"),
        )
    )
    assert run(empty_db, mail_settings, NOW) == counts(sent=1, cancelled=4)
    assert [m["To"] for m in server.mailbox.messages] == ["Jan <dddd@example.com>"]
    assert mail(empty_db, fine)["status"] == "sent"
    for uuid, why in [
        (withdrawn, "withdrawn"),
        (accepted, "accepted"),
        (expired, "expired"),
        (resent, "sent again"),
    ]:
        row = mail(empty_db, uuid)
        assert row["status"] == "cancelled"
        assert why in row["last_error"]
    mailed = empty_db.fetchone(
        "SELECT mailed_at FROM user_invitations WHERE email = 'dddd@example.com'"
    )
    assert mailed is not None and mailed["mailed_at"] == NOW


def test_a_timeout_in_data_is_retried_and_never_lost(
    empty_db: Database, mail_settings: Settings, server: SmtpServer
) -> None:
    """The server takes longer than the timeout to accept: ambiguous, so the mail is tried again.

    It may then arrive twice (the documented window), always under one Message-ID.
    """
    quick = replace(mail_settings, email=replace(mail_settings.email, timeout=0.3))
    server.mailbox.delay_seconds = 1.0
    uuid = queue(empty_db, quick)
    assert run(empty_db, quick, NOW) == counts(retry=1)
    row = mail(empty_db, uuid)
    assert (row["status"], row["attempts"]) == ("queued", 1)
    server.mailbox.delay_seconds = 0.0
    assert run(empty_db, quick, NOW + MINUTE) == counts(sent=1)
    assert run(empty_db, quick, NOW + 600 * MINUTE) == counts()
    ids = {m["Message-ID"] for m in server.mailbox.messages}
    assert ids == {f"<{uuid}@example.org>"} and 1 <= len(server.mailbox.messages) <= 2


def test_a_crash_between_send_and_mark_sends_at_most_once_more(
    empty_db: Database, mail_settings: Settings, server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    uuid = queue(empty_db, mail_settings)

    def crash(*args: Any, **kwargs: Any) -> None:
        raise Crash()

    monkeypatch.setattr("kwai_api.mail.sender._sent", crash)
    with pytest.raises(Crash):
        run(empty_db, mail_settings, NOW)
    monkeypatch.undo()
    assert len(server.mailbox.messages) == 1
    assert run(empty_db, mail_settings, NOW) == counts()  # held until its next attempt
    assert run(empty_db, mail_settings, NOW + MINUTE) == counts(sent=1)
    assert run(empty_db, mail_settings, NOW + 600 * MINUTE) == counts()
    assert [m["Message-ID"] for m in server.mailbox.messages] == [f"<{uuid}@example.org>"] * 2
    assert mail(empty_db, uuid)["status"] == "sent"
