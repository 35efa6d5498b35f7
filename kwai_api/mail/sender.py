"""Send the mail that is due over SMTP: one connection per run, retries with backoff.

Delivery is at least once: the attempt is recorded before the mail is handed to the server, so a
crash mid-send leaves the mail to be tried again later, under the same Message-ID. A mail is
claimed (status `sending`) in one write transaction before it is sent, so two runs never send the
same mail.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import aiosmtplib
from anyio import to_thread

from kwai_api.core.clock import aware_utc, system_clock
from kwai_api.core.database import Database, Row, Transaction
from kwai_api.core.settings import EmailSettings, Settings

logger = logging.getLogger("kwai.mail")

FIRST_DELAY = timedelta(minutes=1)
LONGEST_DELAY = timedelta(hours=6)
# The server is gone or never answered: no mail is at fault, the run cannot go on.
CONNECTION_ERRORS = (aiosmtplib.SMTPException, OSError)
# What sending one mail may raise: SMTP replies and lost connections, or a message that cannot
# be written (a bad address or header).
SEND_ERRORS = (aiosmtplib.SMTPException, OSError, ValueError, MessageError)


@dataclass(frozen=True)
class Failure:
    """Why a mail was not sent, and what that means for it and for the run."""

    error: str
    permanent: bool  # a 5xx reply or an unsendable message: retrying will not help
    connection: bool  # the session is gone: stop this run, the other mails wait


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th attempt: 1 minute, doubling, at most 6 hours."""
    delay: timedelta = min(FIRST_DELAY * 2 ** min(max(attempts - 1, 0), 16), LONGEST_DELAY)
    return delay


async def dispatch(db: Database, settings: Settings, now: datetime | None = None) -> dict[str, int]:
    """Send the mail due at `now` (naive UTC) over one connection; count sent, retry and dead."""
    now = now or system_clock()
    max_attempts = settings.email.max_attempts
    counts = {"sent": 0, "retry": 0, "dead": 0}
    counts["dead"] += await to_thread.run_sync(_bury_exhausted, db, now, max_attempts)
    due = await to_thread.run_sync(_due, db, now)
    if not due:
        return counts
    client = _client(settings.email)
    try:
        await client.connect()
    except CONNECTION_ERRORS as error:
        logger.warning("cannot reach the mail server %s:%s: %s",
                       settings.email.host, settings.email.port, _describe(error))
        counts["retry"] += await to_thread.run_sync(_postpone, db, due, now)
        return counts
    try:
        await _send_all(client, db, due, now, max_attempts, counts)
    except BaseException:
        client.close()
        raise
    await _quit(client)
    return counts


async def _send_all(
    client: aiosmtplib.SMTP,
    db: Database,
    due: Sequence[int],
    now: datetime,
    max_attempts: int,
    counts: dict[str, int],
) -> None:
    """Claim and send the due mails one by one on the open connection."""
    for position, mail_id in enumerate(due):
        mail = await to_thread.run_sync(_claim, db, mail_id, now)
        if mail is None:  # another run claimed it first
            continue
        try:
            message = _message(mail)
            await client.send_message(
                message, sender=parseaddr(mail["sender"])[1], recipients=[mail["recipient"]]
            )
        except SEND_ERRORS as error:
            failure = _failure(error)
            logger.warning("mail %s to %s not sent: %s", mail["uuid"], mail["recipient"],
                           failure.error)
            outcome = await to_thread.run_sync(_failed, db, mail, failure, now, max_attempts)
            counts[outcome] += 1
            if failure.connection:
                counts["retry"] += await to_thread.run_sync(_postpone, db, due[position + 1:], now)
                return
        else:
            await to_thread.run_sync(_sent, db, mail_id, now)
            counts["sent"] += 1


def _client(email: EmailSettings) -> aiosmtplib.SMTP:
    """An SMTP client configured from the [email] settings (not yet connected)."""
    return aiosmtplib.SMTP(
        hostname=email.host,
        port=email.port,
        timeout=email.timeout,
        use_tls=email.security == "tls",
        start_tls=email.security == "starttls",
        username=email.user or None,
        password=email.password or None,
    )


async def _quit(client: aiosmtplib.SMTP) -> None:
    """Say goodbye politely; a server that already hung up is no error."""
    try:
        await client.quit()
    except CONNECTION_ERRORS:
        client.close()


def _message(mail: Row) -> EmailMessage:
    """The MIME message of a queued mail: plain text with an HTML alternative."""
    message = EmailMessage()
    message["From"] = mail["sender"]
    message["To"] = Address(display_name=mail["recipient_name"], addr_spec=mail["recipient"])
    message["Subject"] = mail["subject"]
    message["Date"] = format_datetime(aware_utc(mail["created_at"]))
    message["Message-ID"] = mail["message_id"]
    message["Auto-Submitted"] = "auto-generated"  # no out-of-office replies to the club
    message.set_content(mail["text_body"])
    message.add_alternative(mail["html_body"], subtype="html")
    return message


def _failure(error: BaseException) -> Failure:
    """Classify a send error: 5xx and unsendable messages are permanent, the rest temporary."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        codes = [refused.code for refused in error.recipients]
        text = "; ".join(f"{r.code} {r.message}" for r in error.recipients)
        return Failure(text, permanent=all(code >= 500 for code in codes), connection=False)
    if isinstance(error, aiosmtplib.SMTPResponseException):
        # 421: the server is closing the session, so the next mail would fail for nothing.
        return Failure(_describe(error), permanent=error.code >= 500,
                       connection=error.code == 421)
    if isinstance(error, OSError):
        return Failure(_describe(error), permanent=False, connection=True)
    if isinstance(error, ValueError | MessageError | aiosmtplib.SMTPNotSupported):
        return Failure(_describe(error), permanent=True, connection=False)
    return Failure(_describe(error), permanent=False, connection=False)


def _describe(error: BaseException) -> str:
    """A one-line description of an error for logs and `last_error`."""
    if isinstance(error, aiosmtplib.SMTPResponseException):
        return f"{error.code} {error.message}"
    return str(error) or type(error).__name__


def _due(db: Database, now: datetime) -> list[int]:
    """The ids of the mails due now, oldest first (`sending` ones are left over from a crash)."""
    rows = db.fetchall(
        "SELECT id FROM mails WHERE status IN ('queued', 'sending') AND next_attempt_at <= ?"
        " ORDER BY next_attempt_at, id",
        [now],
    )
    return [row["id"] for row in rows]


def _bury_exhausted(db: Database, now: datetime, max_attempts: int) -> int:
    """Mark dead the due mails that used up their attempts (a crash left them mid-send)."""

    def bury(tx: Transaction) -> int:
        rows = tx.fetchall(
            "UPDATE mails SET status = 'dead', updated_at = ?,"
            " last_error = coalesce(last_error || '; ', '') || ?"
            " WHERE status IN ('queued', 'sending') AND next_attempt_at <= ? AND attempts >= ?"
            " RETURNING id",
            [now, f"gave up: all {max_attempts} attempts used", now, max_attempts],
        )
        return len(rows)

    return db.write(bury)


def _claim(db: Database, mail_id: int, now: datetime) -> Row | None:
    """Record an attempt and claim the mail for this run, or None when it is no longer due."""

    def claim(tx: Transaction) -> Row | None:
        row = tx.fetchone(
            "SELECT attempts FROM mails"
            " WHERE id = ? AND status IN ('queued', 'sending') AND next_attempt_at <= ?",
            [mail_id, now],
        )
        if row is None:
            return None
        attempts = row["attempts"] + 1
        return tx.fetchone(
            "UPDATE mails SET status = 'sending', attempts = ?, next_attempt_at = ?,"
            " updated_at = ? WHERE id = ? RETURNING *",
            [attempts, now + backoff(attempts), now, mail_id],
        )

    return db.write(claim)


def _sent(db: Database, mail_id: int, now: datetime) -> None:
    """Record a delivered mail."""
    db.execute(
        "UPDATE mails SET status = 'sent', sent_at = ?, updated_at = ? WHERE id = ?",
        [now, now, mail_id],
    )


def _failed(db: Database, mail: Row, failure: Failure, now: datetime, max_attempts: int) -> str:
    """Record a failed attempt: back in the queue (`retry`) or given up on (`dead`)."""
    dead = failure.permanent or mail["attempts"] >= max_attempts
    db.execute(
        "UPDATE mails SET status = ?, last_error = ?, updated_at = ? WHERE id = ?",
        ["dead" if dead else "queued", failure.error, now, mail["id"]],
    )
    return "dead" if dead else "retry"


def _postpone(db: Database, ids: Sequence[int], now: datetime) -> int:
    """Let due mails that were not attempted wait a minute; only their next attempt time moves."""
    if not ids:
        return 0

    def postpone(tx: Transaction) -> int:
        rows = tx.fetchall(
            "UPDATE mails SET next_attempt_at = ?"
            " WHERE list_contains(?, id) AND status IN ('queued', 'sending')"
            " AND next_attempt_at <= ? RETURNING id",
            [now + FIRST_DELAY, list(ids), now],
        )
        return len(rows)

    return db.write(postpone)
