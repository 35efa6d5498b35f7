"""A real `kwai serve` (uvicorn) in a child process on 127.0.0.1, stopped when the test ends."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

SECRETS = {
    "KWAI_SECURITY_SECRET_KEYS": "test-secret-key-1,test-secret-key-2",
    "KWAI_SECURITY_JOB_SECRET": "test-job-secret",
}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def kwai_env(tmp: Path, **extra: str) -> dict[str, str]:
    """The environment of a `kwai` command working on the club in `tmp`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KWAI_")}
    env.update(
        {
            "KWAI_DATABASE_PATH": str(tmp / "kwai.duckdb"),
            "KWAI_SITE_OUTPUT": str(tmp / "site"),
            "KWAI_SITE_SEARCH": "false",
            "KWAI_IMAGES_PATH": str(tmp / "images"),
            **SECRETS,
        }
    )
    env.update(extra)
    return env


def kwai(
    tmp: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the `kwai` command (as cron would: no terminal) and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "kwai_api.cli", *args],
        env=env or kwai_env(tmp),
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@contextmanager
def running_server(tmp: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """Start `kwai serve` on a free port; yield its URL; stop it afterwards."""
    port = free_port()
    env = env or kwai_env(tmp)
    env.setdefault("KWAI_SITE_URL", f"http://127.0.0.1:{port}")
    log = open(tmp / f"server-{port}.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "kwai_api.cli", "serve", "--port", str(port)],
        env=env,
        cwd=tmp,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"kwai serve stopped: {(tmp / log.name).read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("kwai serve did not answer within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def kwai_user(
    tmp: Path, email: str, name: tuple[str, str], password: str, admin: bool = False
) -> subprocess.CompletedProcess[str]:
    """`kwai user create` for the club in `tmp`: an account with its (first, last) name."""
    flags = ("--admin",) if admin else ()
    return kwai(
        tmp,
        *("user", "create", "--email", email, "--first-name", name[0], "--last-name", name[1]),
        *("--password", password, *flags),
    )


def eventually(what: str, check: Callable[[], bool], seconds: float = 90.0) -> None:
    """Wait until `check` holds (a build after an edit, a mail, a story coming due), failing
    after `seconds`."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.5)
