"""The Pelican generator that writes the pages planned from the database."""

from __future__ import annotations

from typing import Any

from pelican.generators import Generator

from kwai_gen.render import write_outputs


class KwaiGenerator(Generator):
    """Runs after Pelican has read content/pages; writes the club's pages into the release."""

    def generate_context(self) -> None:
        """Nothing to read: the club was gathered from the database before Pelican started."""

    def generate_output(self, writer: Any) -> None:
        """Render (or reuse) every planned output with Pelican's Jinja2 environment."""
        pages = list(self.context.get("pages", [])) + list(self.context.get("hidden_pages", []))
        outcome = write_outputs(
            self.env, self.settings["KWAI_JOB"], self.settings["KWAI_RELEASE"], pages
        )
        self.settings["KWAI_OUTCOME"].append(outcome)
