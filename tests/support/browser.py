"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven with Playwright.

`chromium` (one browser per test module) skips the tests when Chromium or Playwright is
missing, except in CI (CI=true), where that fails them. `browser` gives each test a fresh,
empty browser context whose pages are watched: any console error, uncaught script error or
request to a host other than 127.0.0.1 fails the test, unless the test said it expects it.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# Headless, offline and quiet: no component updates, sync or first-run pages, and no QUIC
# probing, so the only requests are the pages' own. Playwright adds --headless and a new,
# empty --user-data-dir of its own for every launch.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
TIMEOUT_MS = 15_000
LOCAL_HOSTS = {"127.0.0.1"}
ABORTED = "net::ERR_ABORTED"


def chromium_path() -> str | None:
    """Debian's Chromium, or the one on PATH, or None."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    return shutil.which("chromium")


def unavailable(reason: str) -> NoReturn:
    """Skip for want of a browser, but fail in CI, where the browser tests are mandatory."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (the browser tests are mandatory when CI=true)")
    pytest.skip(reason)


@dataclass
class Watch:
    """What went wrong in the pages of one browser context."""

    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    expected: list[re.Pattern[str]] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Every problem seen, in words."""
        return (
            [f"console error: {text}" for text in self.console_errors]
            + [f"request to another host: {url}" for url in self.foreign_requests]
            + [f"request failed: {text}" for text in self.failed_requests]
        )

    def console(self, kind: str, text: str, url: str) -> None:
        """Keep a console error unless the test expects it."""
        line = f"{text} ({url})" if url else text
        if kind == "error" and not self.is_expected(line):
            self.console_errors.append(line)

    def failed(self, line: str) -> None:
        """Keep a failed request unless the test expects it."""
        if not self.is_expected(line):
            self.failed_requests.append(line)

    def is_expected(self, line: str) -> bool:
        """True when the test said this error would happen."""
        return any(pattern.search(line) for pattern in self.expected)


class Browser:
    """A fresh Chromium context for one test: open pages at a width, look, take screenshots."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.watch = Watch()
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", self._route)
        context.on("page", self._watch_page)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname not in LOCAL_HOSTS:
            self.watch.foreign_requests.append(url)
            route.abort()
        else:
            route.continue_()

    def _watch_page(self, page: Any) -> None:
        page.on("console", lambda m: self.watch.console(m.type, m.text, m.location.get("url")))
        page.on("pageerror", lambda error: self.watch.console_errors.append(f"uncaught: {error}"))
        page.on("requestfailed", self._failed)

    def _failed(self, request: Any) -> None:
        # Foreign requests are aborted on purpose, and leaving a page aborts what it still loads.
        if urlsplit(request.url).hostname in LOCAL_HOSTS and request.failure != ABORTED:
            self.watch.failed(f"{request.failure} ({request.url})")

    def expect_error(self, pattern: str) -> None:
        """Accept console errors and failed requests matching `pattern` from now on.

        Chromium logs every refused fetch ("... status of 401 ... (<url>)"), so a test that
        is refused on purpose says so.
        """
        self.watch.expected.append(re.compile(pattern))

    def open(self, url: str, width: int = 1280, height: int = 900) -> Any:
        """A new page `width` pixels wide showing `url`, loaded."""
        page = self.context.new_page()
        page.set_viewport_size({"width": width, "height": height})
        response = page.goto(url, wait_until="load")
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        return page

    def screenshot(self, page: Any, name: str) -> Path:
        """Save the whole page as test-output/screenshots/<name>.png."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def assert_clean(self) -> None:
        """Fail on any console error, failed request or request to another host so far."""
        problems = self.watch.problems()
        assert not problems, "\n".join(problems)


def scroll_width(page: Any) -> int:
    """How wide the page's content is: wider than the viewport means sideways scrolling."""
    return int(page.evaluate("document.scrollingElement.scrollWidth"))


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless Chromium per test module (skips, or fails in CI, when there is none).

    Per module, not per session: each module imports the fixture, and two Playwright drivers
    may not run at once in one thread.
    """
    path = chromium_path()
    if path is None:
        unavailable("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=path, args=ARGS, headless=True, timeout=60_000
            )
        except Error as error:
            unavailable(f"Chromium at {path} does not start: {error}")
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser(chromium: Any) -> Iterator[Browser]:
    """A fresh, empty browser context; the test fails on console errors or foreign requests."""
    context = chromium.new_context(service_workers="block")
    visitor = Browser(context)
    try:
        yield visitor
        visitor.assert_clean()
    finally:
        context.close()


@contextmanager
def static_server(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 (a free port) in a thread; yield its URL."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """The tests read what the browser saw, not the server's log."""

    handler = functools.partial(Quiet, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
