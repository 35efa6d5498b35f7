"""The benchmark club: made once per size and seed, then copied fresh for every run."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

from kwai_api.core.database import Database, migrations, open_database
from kwai_api.core.settings import Settings
from kwai_api.demo import ClubSize, create_club

ANCHOR = date(2026, 11, 26)


def bench_club(settings: Settings, stories: int, trainings: int, seed: int) -> Database:
    """A fresh copy of the benchmark club (made once per size and seed, then reused)."""
    # made again when the schema changes: a migrated club is an upgraded one, not a new one
    schema = max(version for version, _, _ in migrations())
    name = f"kwai-bench-club-{stories}-{trainings}-{seed}-schema{schema}.duckdb"
    cached = Path(tempfile.gettempdir()) / name
    if not cached.exists():
        # made under a name of this process's own, so that an interrupted run or another
        # bench making the same club at the same time never leaves a half-made club behind
        made_path = cached.with_suffix(f".{os.getpid()}.tmp")
        made_path.unlink(missing_ok=True)
        try:
            made = open_database(made_path)
            create_club(
                made,
                seed=seed,
                anchor=ANCHOR,
                size=ClubSize(stories=stories, bench_trainings=trainings),
            )
            made.close()
            os.replace(made_path, cached)
        finally:
            made_path.unlink(missing_ok=True)
    shutil.copyfile(cached, settings.database.path)
    return open_database(settings.database.path)


def wait_for_first_build(client: httpx.Client, url: str) -> None:
    """Wait until a freshly started server has built the site (its /health says so)."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            health = client.get(f"{url}/health").json()["meta"]
            if health["last_build"] and health["last_build"]["status"] == "success":
                return
        except (httpx.HTTPError, ValueError, KeyError):
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not build the site in time")


def server_process() -> int:
    """The pid of the `kwai serve` this process started (its one child running it)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and "serve" in (stat.parent / "cmdline").read_text():
            return int(stat.parent.name)
    raise RuntimeError("no kwai serve started by this process")


def peak_memory_mib(pid: int, reset: bool = False) -> float:
    """The peak resident memory of a process so far (VmHWM), in MiB; `reset` starts a new
    peak from now (Linux: clear_refs 5)."""
    status = Path(f"/proc/{pid}/status").read_text()
    peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    if reset:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    return peak / 1024
