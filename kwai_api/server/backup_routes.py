"""Backups through the running server, which alone can read the database while it serves.

The image store is copied beside the database's copy (club.duckdb -> club.images/), both while
writes wait, so that every image the copy names is in the copied store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kwai_api.core.database import BackupNotWritten, DatabaseError
from kwai_api.core.images import ImageStore, backup, images_beside
from kwai_api.jsonapi import openapi as oa
from kwai_api.jsonapi.access import has_job_secret
from kwai_api.jsonapi.documents import ApiError, Attributes, document, read_document, resource
from kwai_api.jsonapi.state import app_state


async def create(request: Request) -> Response:
    """POST /db/backups: write a consistent copy to a new file (local job secret only)."""
    if not has_job_secret(request):
        raise ApiError(403, "backups are asked for by the kwai command with the job secret")
    attributes = Attributes(await read_document(request, _BODY))
    path = Path(attributes.text("path", required=True) or "")
    if not path.is_absolute():
        raise ApiError(422, "path should be absolute", pointer=attributes.pointer("path"))
    try:
        state = app_state(request)
        await run_in_threadpool(backup, state.db, ImageStore(state.settings.images.path), path)
    except BackupNotWritten as error:
        raise ApiError(422, str(error), pointer=attributes.pointer("path")) from None
    except DatabaseError as error:
        raise ApiError(409, str(error), pointer=attributes.pointer("path")) from None
    except OSError as error:
        raise ApiError(
            422, f"cannot write {path}: {error.strerror}", pointer=attributes.pointer("path")
        ) from None
    written = {"path": str(path), "images": str(images_beside(path))}
    return document(resource("backups", path.name, written), status=201)


routes: list[BaseRoute] = [Route("/db/backups", create, methods=["POST"])]
_BODY = oa.document_schema("backups", {"path": oa.string()}, ("path",))

openapi_paths: dict[str, Any] = {
    "/db/backups": {
        "post": oa.operation(
            "Write a consistent copy of the database and, beside it, of the images"
            " (the kwai command, with the job secret)",
            {
                201: "written",
                400: "bad body",
                403: "no job secret",
                409: "the file or the images' directory exists",
                415: "unsupported media type",
                422: "invalid path",
            },
            body=_BODY,
        )
    },
}
