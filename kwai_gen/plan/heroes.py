"""The hero images that head the home page and a section's page."""

from __future__ import annotations

from kwai_gen.model import Club, Image
from kwai_gen.plan.outputs import SiteInfo


def home_hero(club: Club, site: SiteInfo) -> Image | None:
    """The home page's hero: that of the application the settings name ([club] hero)."""
    return next((a.image for a in club.applications if a.name == site.hero and a.image), None)
