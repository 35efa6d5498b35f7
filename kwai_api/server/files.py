"""Serve the live release (`site/current`) with sensible cache headers, following each switch;
text files go out in their precompressed gzip form to clients that accept it."""

from __future__ import annotations

import os
import stat
from contextvars import ContextVar
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import NotModifiedResponse, PathLike, StaticFiles
from starlette.types import Receive, Scope, Send

from kwai_gen.release import readers
from kwai_gen.serving import GZIP_SUFFIX, cache_control, content_type, is_text

# The release directory `current` pointed at when the request came in. Every lookup of one
# request (the file, a directory's index.html, the 404 page) reads this one release, so a
# build switching `current` meanwhile never mixes two releases into an error.
_release: ContextVar[str] = ContextVar("release")


class SiteFiles(StaticFiles):
    """StaticFiles over a directory that is a symlink switched by each build."""

    def __init__(self, directory: os.PathLike[str] | str) -> None:
        super().__init__(directory=directory, html=True, check_dir=False)

    async def check_config(self) -> None:
        """The directory appears with the first build; until then `get_response` says so."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer from the release `current` points at now, kept whole until the answer is
        sent (a build never recycles a release that a request reads)."""
        with readers.reading(str(self.directory)) as release:
            token = _release.set(release)
            try:
                await super().__call__(scope, receive, send)
            finally:
                _release.reset(token)

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file, with a cache lifetime by kind; a plain page while no site is built."""
        release = _release.get(None) or os.path.realpath(str(self.directory))
        if not os.path.isdir(release):
            return HTMLResponse(
                "<!doctype html><title>kwai</title><p>The site has not been built yet: "
                "run <code>kwai build</code>.</p>",
                status_code=503,
            )
        response = await super().get_response(path, scope)
        if response.status_code == 404:
            response = self._language_404(path) or response
        if isinstance(response, FileResponse) and "cache-control" not in response.headers:
            response.headers["cache-control"] = cache_control(str(response.path), False)
        return response

    def _language_404(self, path: str) -> FileResponse | None:
        """The 404 page of the language a missing path is under (en/...: en/404.html), if any."""
        first, _, rest = path.replace("\\", "/").partition("/")
        if not rest or first in ("", ".", ".."):
            return None
        full_path, found = self.lookup_path(f"{first}/404.html")
        if found is None or not stat.S_ISREG(found.st_mode):
            return None
        return FileResponse(full_path, stat_result=found, status_code=404)

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        """The real path and stat of `path` inside this request's release (or "", None)."""
        release = _release.get(None) or os.path.realpath(str(self.directory))
        if path.startswith(("/", "\\")):
            return "", None
        full_path = os.path.realpath(os.path.join(release, path))
        if os.path.commonpath([full_path, release]) != release:
            return "", None  # a path that climbs out of the release
        try:
            return full_path, os.stat(full_path)
        except (FileNotFoundError, NotADirectoryError):
            return "", None

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        """The file or, when the client accepts gzip, its gzip form with the file's type."""
        release = _release.get(None) or os.path.realpath(str(self.directory))
        name = os.path.relpath(full_path, release)
        versioned = "v" in parse_qs(scope.get("query_string", b"").decode("latin-1"))
        headers = {"cache-control": cache_control(name.replace(os.sep, "/"), versioned)}
        request = Headers(scope=scope)
        sent, stat_sent = str(full_path), stat_result
        if is_text(sent):
            headers["vary"] = "Accept-Encoding"
            if accepts_gzip(request.get("accept-encoding", "")):
                try:
                    stat_sent = os.stat(sent + GZIP_SUFFIX)
                    sent += GZIP_SUFFIX
                    headers["content-encoding"] = "gzip"
                except FileNotFoundError:
                    pass
        response = FileResponse(
            sent,
            status_code=status_code,
            stat_result=stat_sent,
            headers=headers,
            media_type=content_type(str(full_path)),
        )
        if self.is_not_modified(response.headers, request):
            return NotModifiedResponse(response.headers)
        return response


def accepts_gzip(accept_encoding: str) -> bool:
    """True when an Accept-Encoding header admits gzip (by name or `*`, with a q above 0)."""
    for part in accept_encoding.lower().split(","):
        coding, _, parameters = part.partition(";")
        if coding.strip() not in ("gzip", "*"):
            continue
        quality = parameters.strip().removeprefix("q=")
        try:
            return not parameters.strip() or float(quality) > 0
        except ValueError:
            return False
    return False
