"""Placeholder: access and refresh tokens."""

from kwai_api.access import CurrentUser
from kwai_api.database import Database
from kwai_api.settings import Settings


def authenticate(db: Database, settings: Settings, token: str) -> CurrentUser | None:
    """The user of a valid, unrevoked access token, else None."""
    return None
