"""The site's builds as the API shows them: the latest build, and asking for one."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from kwai_api.database import Database
from kwai_api.jsonapi import timestamp

routes: list[BaseRoute] = []
openapi_paths: dict = {}


def latest_build_summary(db: Database) -> dict[str, Any] | None:
    """The last recorded build, for /health and /site/builds/latest."""
    row = db.fetchone("SELECT * FROM site_builds ORDER BY id DESC LIMIT 1")
    if row is None:
        return None
    return {
        "id": str(row["id"]),
        "status": row["status"],
        "trigger": row["trigger"],
        "full": row["full_build"],
        "started_at": timestamp(row["started_at"]),
        "finished_at": timestamp(row["finished_at"]),
        "now": timestamp(row["now"]),
        "release": row["release"],
        "files_written": row["files_written"],
        "files_unchanged": row["files_unchanged"],
        "files_deleted": row["files_deleted"],
        "error": row["error"],
    }
