"""Images: staff upload photos (multipart, field `file`); the store keeps them without metadata.

An upload is decoded and resized outside the database's write lock; only its row is written
through the one writer. Stories and pages lead with an image (relationship `image`), coaches show
a portrait (`photo`), and Markdown embeds one as `![alt text](image:ID)`. An image something
still shows cannot be deleted (409).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from kwai_api.core.database import Database, Row, Transaction
from kwai_api.core.images import ACCEPTED, ImageStore, Stored, public_url, uses
from kwai_api.core.settings import Settings
from kwai_api.core.texts import unpublishable
from kwai_api.jsonapi import openapi
from kwai_api.jsonapi.access import require_user
from kwai_api.jsonapi.documents import (
    ApiError,
    Attributes,
    check_type,
    document,
    page,
    parse_id,
    read_document,
    reference_id,
    resource,
    timestamp,
)
from kwai_api.jsonapi.images import TYPE
from kwai_api.jsonapi.requests import site_changed, site_languages
from kwai_api.jsonapi.state import app_state
from kwai_api.jsonapi.texts import locale_values, parse_locale_values

MISSING_IMAGE = "there is no such image"
_COLUMNS = "id, content_type, width, height, bytes, alt, remark, created_at, updated_at"


def store(settings: Settings) -> ImageStore:
    """The image store of these settings."""
    return ImageStore(settings.images.path)


def image_resource(
    row: Row, sizes: list[Row], alts: list[dict[str, str]], site_url: str
) -> dict[str, Any]:
    """The `images` resource of a row, its sizes and its descriptions per language (`texts`);
    `urls` maps each width to its file, `alt` is the default language's description."""
    return resource(
        TYPE,
        row["id"],
        {
            "content_type": row["content_type"],
            "width": row["width"],
            "height": row["height"],
            "bytes": row["bytes"],
            "alt": row["alt"],
            "texts": alts,
            "remark": row["remark"] or "",
            "markdown": f"![{row['alt']}](image:{row['id']})",
            "urls": {str(s["width"]): site_url + public_url(s["file"]) for s in sizes},
            "created_at": timestamp(row["created_at"]),
            "updated_at": timestamp(row["updated_at"]),
        },
    )


def _resources(
    tx: Transaction, rows: list[Row], site_url: str, languages: Sequence[str]
) -> list[dict[str, Any]]:
    sizes: dict[int, list[Row]] = {row["id"]: [] for row in rows}
    alts: dict[int, dict[str, str]] = {row["id"]: {} for row in rows}
    if rows:
        for size in tx.fetchall(
            "SELECT * FROM image_sizes WHERE image_id IN (SELECT unnest(?)) ORDER BY width",
            [list(sizes)],
        ):
            sizes[size["image_id"]].append(size)
        for text in tx.fetchall(
            "SELECT image_id, locale, alt FROM image_texts WHERE image_id IN (SELECT unnest(?))",
            [list(alts)],
        ):
            alts[text["image_id"]][text["locale"]] = text["alt"]
    return [
        image_resource(
            row, sizes[row["id"]], locale_values(alts[row["id"]], languages, "alt"), site_url
        )
        for row in rows
    ]


def find_image(
    db: Database, image_id: int, site_url: str, languages: Sequence[str]
) -> dict[str, Any]:
    """One image; 404 when unknown."""
    with db.snapshot() as tx:
        rows = tx.fetchall(f"SELECT {_COLUMNS} FROM images WHERE id = ?", [image_id])
        if not rows:
            raise ApiError(404, MISSING_IMAGE)
        return _resources(tx, rows, site_url, languages)[0]


def list_images(
    db: Database, offset: int | None, limit: int | None, site_url: str, languages: Sequence[str]
) -> tuple[int, list[dict[str, Any]]]:
    """The images, newest first: (count, a page of resources)."""
    with db.snapshot() as tx:
        count = tx.fetchone("SELECT count(*) AS n FROM images")
        clause = f" LIMIT {limit}" if limit is not None else ""
        clause += f" OFFSET {offset}" if offset else ""
        rows = tx.fetchall(f"SELECT {_COLUMNS} FROM images ORDER BY id DESC{clause}")
        return (count["n"] if count else 0), _resources(tx, rows, site_url, languages)


def _write_alts(tx: Transaction, image_id: int, alts: dict[str, str], now: datetime) -> None:
    """Set the descriptions of the languages given (an empty one is none); the others stay."""
    tx.execute(
        "DELETE FROM image_texts WHERE image_id = ? AND list_contains(?, locale)",
        [image_id, list(alts)],
    )
    kept = [(image_id, locale, alt, now, now) for locale, alt in alts.items() if alt]
    if kept:
        tx.insert_rows(
            "image_texts", ("image_id", "locale", "alt", "created_at", "updated_at"), kept
        )


def insert_image(
    db: Database, stored: Stored, alt: str, remark: str | None, now: datetime, language: str
) -> int:
    """Write the row of a stored upload, its sizes, and its `alt` as the description in
    `language` (the default one); returns its id."""

    def work(tx: Transaction) -> int:
        image_id = int(
            tx.insert(
                "INSERT INTO images (original, content_type, width, height, bytes, alt, remark,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                [
                    stored.original,
                    stored.content_type,
                    stored.width,
                    stored.height,
                    stored.bytes,
                    alt,
                    remark,
                    now,
                ],
            )
        )
        tx.insert_rows(
            "image_sizes",
            ("image_id", "width", "height", "file", "bytes"),
            [(image_id, s.width, s.height, s.file, s.bytes) for s in stored.sizes],
        )
        _write_alts(tx, image_id, {language: alt}, now)
        return image_id

    return db.write(work)


def delete_image(db: Database, images: ImageStore, image_id: int) -> None:
    """Delete an image and the files no other image shares; 409 while something shows it."""

    def work(tx: Transaction) -> None:
        row = tx.fetchone("SELECT original FROM images WHERE id = ?", [image_id])
        if row is None:
            raise ApiError(404, MISSING_IMAGE)
        used = uses(tx, image_id)
        if used:
            raise ApiError(409, f"the image is still shown by {', '.join(used)}")
        sizes = [
            r["file"]
            for r in tx.fetchall("SELECT file FROM image_sizes WHERE image_id = ?", [image_id])
        ]
        tx.execute("DELETE FROM image_sizes WHERE image_id = ?", [image_id])
        tx.execute("DELETE FROM image_texts WHERE image_id = ?", [image_id])
        tx.execute("DELETE FROM images WHERE id = ?", [image_id])
        # under the write lock, so that a backup never misses a file its database names
        images.remove_unused(tx, row["original"], sizes)

    db.write(work)


def update_image(
    db: Database,
    image_id: int,
    changes: dict[str, Any],
    now: datetime,
    alts: dict[str, str] | None = None,
) -> None:
    """Change an image's columns (`alt`: the default language's description, `remark`) and its
    descriptions per language (`alts`); 404 when unknown."""

    def work(tx: Transaction) -> None:
        if tx.fetchone("SELECT 1 FROM images WHERE id = ?", [image_id]) is None:
            raise ApiError(404, MISSING_IMAGE)
        if alts:
            _write_alts(tx, image_id, alts, now)
        if changes:
            assignments = ", ".join(f"{column} = ?" for column in [*changes, "updated_at"])
            tx.execute(
                f"UPDATE images SET {assignments} WHERE id = ?", [*changes.values(), now, image_id]
            )

    db.write(work)


async def _upload(request: Request) -> tuple[bytes, str, str | None]:
    """The uploaded file's bytes, alt text and remark from a multipart form, else 4xx."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "multipart/form-data":
        raise ApiError(415, "send the image as multipart/form-data, in the field file")
    limit = app_state(request).settings.images.max_bytes
    try:
        form = await request.form(max_files=1, max_fields=10)
    except ClientDisconnect:
        raise ApiError(400, "the request body was not received in full") from None
    except Exception as error:  # the multipart parser raises several types for bad input
        raise ApiError(400, f"the form could not be read: {error}") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ApiError(422, "send the image in the field file", pointer="/file")
        if upload.size is not None and upload.size > limit:
            raise ApiError(413, f"the image is larger than {limit} bytes", pointer="/file")
        data = await upload.read()
        if len(data) > limit:
            raise ApiError(413, f"the image is larger than {limit} bytes", pointer="/file")
        alt, remark = form.get("alt", ""), form.get("remark")
        if not isinstance(alt, str) or not (remark is None or isinstance(remark, str)):
            raise ApiError(422, "alt and remark should be text", pointer="/alt")
        for name, value in (("alt", alt), ("remark", remark or "")):
            problem = unpublishable(name, value)
            if problem:
                raise ApiError(422, problem, pointer=f"/{name}")
        return data, alt.strip(), remark
    finally:
        await form.close()


async def post_image(request: Request) -> Response:
    """POST /images: store an upload (multipart, field `file`); 201 with its sizes' URLs."""
    await require_user(request)
    data, alt, remark = await _upload(request)
    settings: Settings = app_state(request).settings
    stored = await run_in_threadpool(store(settings).store, data)
    state = app_state(request)
    db = state.db
    languages = site_languages(request)
    image_id = await run_in_threadpool(
        insert_image, db, stored, alt, remark, state.clock(), languages[0]
    )
    found = await run_in_threadpool(find_image, db, image_id, _site_url(request), languages)
    return document(found, status=201)


async def get_images(request: Request) -> Response:
    """GET /images: every image, newest first, paged (staff only)."""
    await require_user(request)
    paging = page(request)
    count, data = await run_in_threadpool(
        list_images,
        app_state(request).db,
        paging.offset,
        paging.limit,
        _site_url(request),
        site_languages(request),
    )
    return document(data, meta=paging.meta(count))


async def get_image(request: Request) -> Response:
    """GET /images/{id}."""
    await require_user(request)
    image_id = parse_id(request.path_params["id"])
    found = await run_in_threadpool(
        find_image, app_state(request).db, image_id, _site_url(request), site_languages(request)
    )
    return document(found)


def sized_file(db: Database, images: ImageStore, image_id: int, width: int | None) -> Path:
    """The stored file of an image at `width` (default: its smallest); 404 when there is none."""
    sizes = db.fetchall(
        "SELECT width, file FROM image_sizes WHERE image_id = ? ORDER BY width", [image_id]
    )
    if not sizes:  # every stored image has its sizes
        raise ApiError(404, MISSING_IMAGE)
    chosen = [s for s in sizes if width is None or s["width"] == width][:1]
    if not chosen:
        widths = ", ".join(str(s["width"]) for s in sizes)
        raise ApiError(404, f"the image has no width {width} (it has {widths})")
    path = images.sized(chosen[0]["file"])
    if not path.is_file():
        raise ApiError(404, f"the file {chosen[0]['file']} is missing from the image store")
    return path


async def get_image_content(request: Request) -> Response:
    """GET /images/{id}/content[?width=N]: the WebP file of one size (the smallest by default),
    for staff to see an image the site does not show yet."""
    await require_user(request)
    image_id = parse_id(request.path_params["id"])
    raw = request.query_params.get("width")
    width = reference_id(raw) if raw is not None else None
    if raw is not None and width is None:
        raise ApiError(400, "width should be a whole number of pixels", parameter="width")
    state = app_state(request)
    path = await run_in_threadpool(sized_file, state.db, store(state.settings), image_id, width)
    return FileResponse(
        path, media_type="image/webp", headers={"Cache-Control": "private, max-age=3600"}
    )


async def patch_image(request: Request) -> Response:
    """PATCH /images/{id}: change what it shows (`alt` in the default language, `texts`
    [{locale, alt}] in any) or the remark."""
    await require_user(request)
    image_id = parse_id(request.path_params["id"])
    doc = await read_document(request, _CHANGE)
    check_type(doc, TYPE, image_id)
    attributes = Attributes(doc)
    languages = site_languages(request)
    alts = parse_locale_values(attributes, languages, "alt")
    changes: dict[str, Any] = {}
    if languages[0] in alts:
        changes["alt"] = alts[languages[0]]
    if attributes.has("remark"):
        changes["remark"] = attributes.text("remark")
    db = app_state(request).db
    await run_in_threadpool(update_image, db, image_id, changes, app_state(request).clock(), alts)
    site_changed(request)
    found = await run_in_threadpool(find_image, db, image_id, _site_url(request), languages)
    return document(found)


async def delete_image_request(request: Request) -> Response:
    """DELETE /images/{id}: 204; 409 while a story, page, coach or text shows it."""
    await require_user(request)
    image_id = parse_id(request.path_params["id"])
    await run_in_threadpool(
        delete_image, app_state(request).db, store(app_state(request).settings), image_id
    )
    return Response(status_code=204)


def _site_url(request: Request) -> str:
    return str(app_state(request).settings.site.url).rstrip("/")


routes: list[BaseRoute] = [
    Route("/images", get_images, methods=["GET"]),
    Route("/images", post_image, methods=["POST"]),
    Route("/images/{id}", get_image, methods=["GET"]),
    Route("/images/{id}/content", get_image_content, methods=["GET"]),
    Route("/images/{id}", patch_image, methods=["PATCH"]),
    Route("/images/{id}", delete_image_request, methods=["DELETE"]),
]

_ID = [openapi.path_param("id")]
_CHANGE = openapi.document_schema(
    TYPE,
    {
        "alt": openapi.string(),
        "texts": {
            "type": "array",
            "items": openapi.obj(
                {"locale": openapi.string(), "alt": openapi.string()}, ("locale",)
            ),
        },
        "remark": openapi.nullable(openapi.string()),
    },
)
_UPLOAD = openapi.operation(
    f"Upload an image ({ACCEPTED}); it is stored without metadata and resized",
    {
        201: "the image",
        400: "unreadable form",
        401: "not authenticated",
        413: "larger than the setting [images] max_bytes",
        415: "not an image",
        422: "no file, or an image that cannot be read",
    },
    auth=True,
)
_FORM = openapi.obj(
    {"file": openapi.string(format="binary"), "alt": openapi.string(), "remark": openapi.string()},
    ("file",),
)
_CONTENT = openapi.operation(
    "The WebP file of one width (the smallest by default), also before the site shows it",
    {200: "the file", 400: "bad width", 401: "not authenticated", 404: "unknown image or width"},
    parameters=[*_ID, openapi.query("width", {"type": "integer", "minimum": 1})],
    auth=True,
)
_CONTENT["responses"]["200"]["content"] = {
    "image/webp": {"schema": openapi.string(format="binary")}
}
_UPLOAD["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": _FORM}}}

openapi_paths: dict[str, Any] = {
    "/images": {
        "get": openapi.operation(
            "Images, newest first",
            {200: "images", 400: "bad page", 401: "not authenticated"},
            parameters=openapi.PAGE_PARAMETERS,
            auth=True,
        ),
        "post": _UPLOAD,
    },
    "/images/{id}": {
        "get": openapi.operation(
            "One image",
            {200: "the image", 401: "not authenticated", 404: "unknown"},
            parameters=_ID,
            auth=True,
        ),
        "patch": openapi.operation(
            "Change an image's alt text or remark",
            {200: "the image", 404: "unknown", **openapi.WRITE_ERRORS},
            parameters=_ID,
            body=_CHANGE,
            auth=True,
        ),
        "delete": openapi.operation(
            "Delete an image nothing shows",
            {
                204: "deleted",
                401: "not authenticated",
                404: "unknown",
                409: "still shown by a story, page, coach or text",
            },
            parameters=_ID,
            auth=True,
        ),
    },
    "/images/{id}/content": {"get": _CONTENT},
}
