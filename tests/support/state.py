"""The state of the app a TestClient drives, typed as the app keeps it."""

from __future__ import annotations

from typing import cast

from starlette.applications import Starlette
from starlette.testclient import TestClient

from kwai_api.jsonapi.state import AppState, app_state


def state_of(client: TestClient) -> AppState:
    """The client wraps the Starlette app the server assembles; its state holds clock and jobs."""
    return app_state(cast(Starlette, client.app))
