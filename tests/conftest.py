"""Shared fixtures: a real DuckDB file holding the seeded test club, settings, and the app."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from kwai_api.core.database import Database, open_database
from kwai_api.core.settings import Settings
from kwai_api.demo import ADMIN_EMAIL, ADMIN_PASSWORD, create_club
from kwai_api.server.app import create_app
from tests.support.state import state_of

# The test club is built around this date; builds use NOW unless a test moves the clock.
ANCHOR = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 12, 0, 0)


def make_settings(tmp: Path, **env: str) -> Settings:
    """Settings for a club living in `tmp`, with any KWAI_* overrides."""
    base = {
        "KWAI_DATABASE_PATH": str(tmp / "kwai.duckdb"),
        "KWAI_SITE_OUTPUT": str(tmp / "site"),
        "KWAI_SITE_SEARCH": "false",
        "KWAI_EMAIL_PORT": "1",
        "KWAI_IMAGES_PATH": str(tmp / "images"),
    }
    base.update(env)
    return Settings.load(env=base, demo=True)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings pointing into this test's own directory."""
    return make_settings(tmp_path)


@pytest.fixture(scope="session")
def club_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded test club, made once per session; each test gets its own copy."""
    path = tmp_path_factory.mktemp("club") / "club.duckdb"
    database = open_database(path)
    create_club(database, seed=1, anchor=ANCHOR, timezone="Europe/Brussels")
    database.close()
    return path


@pytest.fixture
def db(settings: Settings, club_file: Path) -> Iterator[Database]:
    """A migrated database file holding the seeded test club (a fresh copy for each test)."""
    shutil.copyfile(club_file, settings.database.path)
    database = open_database(settings.database.path)
    yield database
    database.close()


@pytest.fixture
def empty_db(settings: Settings) -> Iterator[Database]:
    """A migrated database without the demo club (mail needs none)."""
    database = open_database(settings.database.path)
    yield database
    database.close()


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    """The app in-process, on the test database, without the scheduler."""
    app = create_app(settings, db=db, scheduler=False)
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture
def admin_token(client: TestClient) -> str:
    """An access token of the demo admin."""
    response = client.post(
        "/api/v1/auth/login", data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    assert response.status_code == 200, response.text
    result: str = response.json()["access_token"]
    return result


@pytest.fixture
def admin(admin_token: str) -> dict[str, str]:
    """Headers that authenticate as the demo admin."""
    return {"Authorization": f"Bearer {admin_token}"}


class Builds:
    """Stands in for the server's jobs: counts the rebuilds that writes ask for."""

    def __init__(self) -> None:
        self.changes = 0
        self.running = False
        self.last_mail_run: str | None = None
        self.mail_server = "unknown"

    def site_changed(self) -> None:
        self.changes += 1

    async def stop(self) -> None:
        pass


@pytest.fixture
def builds(client: TestClient) -> Builds:
    """Every request happens at NOW, and the rebuild requests are counted."""
    state = state_of(client)
    state.clock = lambda: NOW
    jobs = Builds()
    state.jobs = jobs  # type: ignore[assignment]  # counts, never builds
    return jobs


def ids(response: Any) -> list[str]:
    """The ids of a successful list response, in its order."""
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["data"]]


def app_id(db: Database, name: str) -> int:
    """The id of the application with this name."""
    return int(db.fetchvalue("SELECT id FROM applications WHERE name = ?", [name]))
