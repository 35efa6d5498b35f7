"""Send the mail that is due over SMTP: one connection per run, retries with backoff.

Delivery is at least once: the attempt is recorded before the mail is handed to the server, so a
crash mid-send leaves the mail to be tried again later, under the same Message-ID. A mail is
claimed (status `sending`, its next attempt a backoff away) in one statement before it is sent,
on a clock that moves while the run goes on, so two runs never hold the same mail; only a run
that died lets its mail go, when that next attempt comes.
Just before sending, the claim also checks that the mail still holds (an invitation not
withdrawn, accepted or re-sent; a recovery not used or expired); if not, it is `cancelled`.
An unreachable mail server counts as an attempt for every due mail, so mail goes dead after
`max_attempts` even when the server never answers, and the run says so (MailServerUnreachable).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
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


class MailServerUnreachable(Exception):
    """The mail server could not be reached; every due mail counted an attempt."""

    def __init__(self, message: str, counts: dict[str, int]) -> None:
        super().__init__(message)
        self.counts = counts


async def dispatch(
    db: Database,
    settings: Settings,
    now: datetime | None = None,
    clock: Callable[[], datetime] = system_clock,
) -> dict[str, int]:
    """Send the mail due over one connection; count what became of it.

    A run reads `clock` as it goes (it can take minutes with a slow server), so a mail it claims
    late is held until a backoff after that moment, not after the run began; tests fix `now`.
    Raises MailServerUnreachable (after recording the attempts) when no connection could be made.
    """
    if now is not None:
        fixed = now
        clock = lambda: fixed  # noqa: E731 - a fixed moment
    start = clock()

    max_attempts = settings.email.max_attempts
    counts = {"sent": 0, "retry": 0, "dead": 0, "cancelled": 0}
    counts["dead"] += await to_thread.run_sync(_bury_exhausted, db, start, max_attempts)
    due = await to_thread.run_sync(_due, db, start)
    if not due:
        return counts
    client = _client(settings.email)
    try:
        await client.connect()
    except CONNECTION_ERRORS as error:
        reason = f"cannot reach the mail server {settings.email.host}:{settings.email.port}: "
        reason += _describe(error)
        logger.warning("%s", reason)
        for outcome in await to_thread.run_sync(_unreachable, db, due, start, reason, max_attempts):
            counts[outcome] += 1
        raise MailServerUnreachable(reason, counts) from error
    try:
        await _send_all(client, db, due, clock, max_attempts, counts)
    except BaseException:
        client.close()
        raise
    await _quit(client)
    return counts


async def _send_all(
    client: aiosmtplib.SMTP,
    db: Database,
    due: Sequence[int],
    clock: Callable[[], datetime],
    max_attempts: int,
    counts: dict[str, int],
) -> None:
    """Claim and send the due mails one by one on the open connection."""
    for position, mail_id in enumerate(due):
        mail = await to_thread.run_sync(_claim, db, mail_id, clock())
        if mail is None:  # another run holds it, or it is no longer due
            continue
        if mail["status"] == "cancelled":
            counts["cancelled"] += 1
            continue
        try:
            message = _message(mail)
            await client.send_message(
                message, sender=parseaddr(mail["sender"])[1], recipients=[mail["recipient"]]
            )
        except SEND_ERRORS as error:
            failure = _failure(error)
            logger.warning(
                "mail %s to %s not sent: %s", mail["uuid"], mail["recipient"], failure.error
            )
            outcome = await to_thread.run_sync(_failed, db, mail, failure, clock(), max_attempts)
            counts[outcome] += 1
            if failure.connection:
                rest = due[position + 1 :]
                counts["retry"] += await to_thread.run_sync(_postpone, db, rest, clock())
                return
        else:
            await to_thread.run_sync(_sent, db, mail, clock())
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
        return Failure(_describe(error), permanent=error.code >= 500, connection=error.code == 421)
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
    rows = db.fetchall(f"SELECT id FROM mails WHERE {_DUE} ORDER BY next_attempt_at, id", [now])
    return [row["id"] for row in rows]


_DUE = "status IN ('queued', 'sending') AND next_attempt_at <= ?"


def _bury_exhausted(db: Database, now: datetime, max_attempts: int) -> int:
    """Mark dead the due mails that used up their attempts (a crash left them mid-send)."""

    def bury(tx: Transaction) -> int:
        rows = tx.fetchall(
            "UPDATE mails SET status = 'dead', updated_at = ?,"
            " last_error = coalesce(last_error || '; ', '') || ?"
            " WHERE " + _DUE + " AND attempts >= ? RETURNING id",
            [now, f"gave up: all {max_attempts} attempts used", now, max_attempts],
        )
        return len(rows)

    return db.write(bury)


def _claim(db: Database, mail_id: int, now: datetime) -> Row | None:
    """Record an attempt and hold the mail for this run: the mail (maybe `cancelled`), or None.

    The writer runs one transaction at a time, so of two runs only one gets the mail. A mail
    whose invitation or recovery no longer holds is cancelled instead of sent.
    """

    def claim(tx: Transaction) -> Row | None:
        row = tx.fetchone(f"SELECT attempts FROM mails WHERE id = ? AND {_DUE}", [mail_id, now])
        if row is None:
            return None
        attempts = row["attempts"] + 1
        mail = tx.fetchone(
            "UPDATE mails SET status = 'sending', attempts = ?, next_attempt_at = ?,"
            " updated_at = ? WHERE id = ? RETURNING *",
            [attempts, now + backoff(attempts), now, mail_id],
        )
        assert mail is not None  # read in this transaction
        reason = _no_longer_holds(tx, mail, now)
        if reason is not None:
            return tx.fetchone(
                "UPDATE mails SET status = 'cancelled', last_error = ? WHERE id = ? RETURNING *",
                [reason, mail_id],
            )
        return mail

    return db.write(claim)


def _no_longer_holds(tx: Transaction, mail: Row, now: datetime) -> str | None:
    """Why the mail must not go any more (its link would not work), or None."""
    if mail["about"] == "invitation":
        row = tx.fetchone(
            "SELECT revoked, confirmed_at, expired_at FROM user_invitations WHERE uuid = ?",
            [mail["about_uuid"]],
        )
        if row is None:
            return "cancelled: the invitation was sent again with a new link"
        if row["revoked"]:
            return "cancelled: the invitation was withdrawn"
        if row["confirmed_at"] is not None:
            return "cancelled: the invitation was accepted"
        if row["expired_at"] <= now:
            return "cancelled: the invitation expired"
    elif mail["about"] == "recovery":
        row = tx.fetchone(
            "SELECT r.confirmed_at, r.expired_at, u.revoked FROM user_recoveries r"
            " JOIN users u ON u.id = r.user_id WHERE r.uuid = ?",
            [mail["about_uuid"]],
        )
        if row is None or row["confirmed_at"] is not None:
            return "cancelled: the recovery link was used"
        if row["revoked"]:
            return "cancelled: the account is blocked"
        if row["expired_at"] <= now:
            return "cancelled: the recovery link expired"
    return None


def _sent(db: Database, mail: Row, now: datetime) -> None:
    """Record a delivered mail, and when what it is about was mailed."""

    def sent(tx: Transaction) -> None:
        tx.execute(
            "UPDATE mails SET status = 'sent', sent_at = ?, updated_at = ? WHERE id = ?",
            [now, now, mail["id"]],
        )
        table = {"invitation": "user_invitations", "recovery": "user_recoveries"}.get(
            mail["about"] or ""
        )
        if table is not None:
            sql = f"UPDATE {table} SET mailed_at = ? WHERE uuid = ?"
            tx.execute(sql, [now, mail["about_uuid"]])

    db.write(sent)


def _failed(db: Database, mail: Row, failure: Failure, now: datetime, max_attempts: int) -> str:
    """Record a failed attempt: back in the queue (`retry`) or given up on (`dead`)."""
    dead = failure.permanent or mail["attempts"] >= max_attempts
    db.execute(
        "UPDATE mails SET status = ?, last_error = ?, updated_at = ? WHERE id = ?",
        ["dead" if dead else "queued", failure.error, now, mail["id"]],
    )
    return "dead" if dead else "retry"


def _unreachable(
    db: Database, ids: Sequence[int], now: datetime, reason: str, max_attempts: int
) -> list[str]:
    """Count an attempt for each due mail the server could not be reached for: retry or dead."""

    def record(tx: Transaction) -> list[str]:
        rows = tx.fetchall(
            "UPDATE mails SET attempts = attempts + 1, last_error = ?, updated_at = ?,"
            " status = 'queued' WHERE list_contains(?, id) AND " + _DUE + " RETURNING id, attempts",
            [reason, now, list(ids), now],
        )
        outcomes = []
        for row in rows:
            dead = row["attempts"] >= max_attempts
            tx.execute(
                "UPDATE mails SET status = ?, next_attempt_at = ? WHERE id = ?",
                ["dead" if dead else "queued", now + backoff(row["attempts"]), row["id"]],
            )
            outcomes.append("dead" if dead else "retry")
        return outcomes

    return db.write(record)


def _postpone(db: Database, ids: Sequence[int], now: datetime) -> int:
    """Let due mails that were not attempted wait a minute; only their next attempt time moves."""
    if not ids:
        return 0

    def postpone(tx: Transaction) -> int:
        rows = tx.fetchall(
            "UPDATE mails SET next_attempt_at = ?, status = 'queued'"
            " WHERE list_contains(?, id) AND " + _DUE + " RETURNING id",
            [now + FIRST_DELAY, list(ids), now],
        )
        return len(rows)

    return db.write(postpone)
