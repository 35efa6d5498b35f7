"""The server's scheduled work: rebuilding the site and dispatching mail (APScheduler)."""

from __future__ import annotations

from kwai_api.database import Database
from kwai_api.settings import Settings


class Jobs:
    """Placeholder until the scheduler lands."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.running = False
        self.last_mail_run: str | None = None

    async def start(self) -> None:
        """Start the scheduler."""
        self.running = True

    async def stop(self) -> None:
        """Stop the scheduler, waiting for running jobs."""
        self.running = False
