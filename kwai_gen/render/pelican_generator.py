"""The Pelican generator that writes the pages planned from the database."""

from __future__ import annotations

from typing import Any

from pelican.generators import Generator


class KwaiGenerator(Generator):  # type: ignore[misc]  # Pelican has no type hints
    """Runs after Pelican has read content/pages; writes the club's pages into the release.

    The writer arrives through the settings (`KWAI_WRITE`), the only way Pelican hands anything
    to a generator it instantiates itself; its outcome goes back the same way.
    """

    def generate_context(self) -> None:
        """Nothing to read: the club was gathered from the database before Pelican started."""

    def generate_output(self, writer: Any) -> None:
        """Render (or reuse) every planned output with Pelican's Jinja2 environment."""
        self.settings["KWAI_OUTCOME"].append(self.settings["KWAI_WRITE"](self.env))
