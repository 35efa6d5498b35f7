"""A real SMTP server (aiosmtpd on 127.0.0.1) for the mail tests: it keeps what it accepts."""

from __future__ import annotations

import asyncio
import email
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.server import free_port


class Mailbox:
    """An aiosmtpd handler that keeps what it accepts and refuses or fails as a test asks."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.peers: list[Any] = []
        self.refuse: set[str] = set()
        self.rcpt_replies: list[str] = []
        self.data_replies: list[str] = []
        self.delay_seconds = 0.0  # a slow server: each message takes this long to accept

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if self.data_replies:
            return self.data_replies.pop(0)
        message = email.message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.peers.append(session.peer)
        return "250 Message accepted for delivery"


class SmtpServer:
    """The server on a fixed free port; a test may stop it and start it again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.mailbox = Mailbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        """Listen (again) on the server's port."""
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening; stopping a stopped server does nothing."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
