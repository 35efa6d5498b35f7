"""Measure edit-to-live through a running server: PATCH, then wait until site/current shows it.

    python bench/edit_to_live.py [--stories 5000] [--trainings 4000] [--edits 20]

Creates a club from a fixed seed in a temporary directory, starts `kwai serve` on a free port of
127.0.0.1, logs in as the demo admin, then alternates edits of trainings (their agenda week page)
and stories (their page). For each edit it times the PATCH request and the moment the live file
holds the new text, and reads the build's file counts. Prints the distribution and the
server's peak memory (before and during the edits).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from benchclub import bench_club, peak_memory_mib, server_process, wait_for_first_build

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for tests/
from kwai_api.core.settings import Settings
from kwai_api.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from kwai_gen.build import site_info
from kwai_gen.gather import gather
from kwai_gen.plan.urls import output_file, story_path, week_path
from tests.support.server import kwai_env, running_server  # noqa: E402


def main() -> None:
    """Set up the club and the server, run the edits, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=5000)
    parser.add_argument("--trainings", type=int, default=4000)
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kwai-edit-"))
    env = kwai_env(work)
    settings = Settings.load(env=env)
    db = bench_club(settings, args.stories, args.trainings, 1)
    club = gather(db, datetime.now(UTC))
    site = site_info(settings)
    zone = ZoneInfo(settings.site.timezone)
    soon = club.now + timedelta(days=7)
    trainings = [t for t in club.trainings if t.start > soon][: args.edits // 2]
    stories = list(club.stories[: args.edits - len(trainings)])
    db.close()

    with running_server(work, env) as base, httpx.Client(timeout=60) as client:
        url = f"{base}/api/v1"
        wait_for_first_build(client, url)
        token = client.post(
            f"{url}/auth/login", data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )
        token.raise_for_status()
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        # the peak so far: the first build, and the login's password hash (argon2: 64 MiB)
        server = server_process()
        first = peak_memory_mib(server, reset=True)
        live = work / "site" / "current"
        runs = []
        for n in range(len(trainings) + len(stories)):
            marker = f"Edit {n} {time.time_ns()}"
            if n % 2 == 0 and trainings:
                training = trainings.pop(0)
                day = training.start.astimezone(zone).date()
                target = live / output_file(site, site.default_language, week_path(day))
                body = {
                    "data": {
                        "type": "trainings",
                        "id": str(training.id),
                        "attributes": {
                            "contents": [
                                {
                                    "locale": lang,
                                    "format": "md",
                                    "title": marker,
                                    "summary": "",
                                    "content": "",
                                }
                                for lang in site.languages
                            ]
                        },
                    }
                }
                path = f"{url}/trainings/{training.id}"
            else:
                story = stories.pop(0)
                target = live / output_file(site, site.default_language, story_path(story, site))
                body = {
                    "data": {
                        "type": "news_items",
                        "id": str(story.id),
                        "attributes": {
                            "texts": [
                                {
                                    "locale": text.locale,
                                    "format": "md",
                                    "title": text.title,
                                    "summary": marker,
                                    "content": marker,
                                }
                                for text in story.texts.values()
                            ]
                        },
                    }
                }
                path = f"{url}/news_items/{story.id}"
            runs.append(_edit(client, url, path, body, target, marker))
        _report(runs)
        print(
            f"server peak memory: {first:.0f} MiB up to the first build (planned in the server,"
            f" rendered in a child) and the login, {peak_memory_mib(server):.0f} MiB during the"
            " edits"
        )


def _edit(
    client: httpx.Client, url: str, path: str, body: dict, target: Path, marker: str
) -> tuple[float, float, int]:
    """PATCH, then poll the live file; return (request s, edit-to-live s, files written)."""
    started = time.perf_counter()
    response = client.patch(path, json=body)
    answered = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"PATCH {path}: {response.status_code} {response.text[:300]}")
    deadline = started + 60
    while time.perf_counter() < deadline:
        try:
            if marker in target.read_text(encoding="utf-8"):
                break
        except FileNotFoundError:
            pass
        time.sleep(0.005)
    else:
        raise SystemExit(f"{target} did not show the edit within 60 s")
    live = time.perf_counter() - started
    time.sleep(0.3)  # let the build record settle before reading it
    build = client.get(f"{url}/site/builds/latest").json()["data"]["attributes"]
    return answered, live, int(build["files_written"])


def _report(runs: list[tuple[float, float, int]]) -> None:
    requests = [r[0] for r in runs]
    live = sorted(r[1] for r in runs)
    written = [r[2] for r in runs]
    print(f"edits: {len(runs)}")
    print(
        f"PATCH answered: median {statistics.median(requests) * 1000:.0f} ms, "
        f"max {max(requests) * 1000:.0f} ms"
    )
    p90 = live[math.ceil(len(live) * 0.9) - 1]  # the nearest rank
    print(
        f"edit to live: median {statistics.median(live):.2f} s, "
        f"p90 {p90:.2f} s, min {live[0]:.2f} s, max {live[-1]:.2f} s"
    )
    print("each edit, in order (s): " + " ".join(f"{r[1]:.2f}" for r in runs))
    print(f"files written per edit: median {statistics.median(written):.0f}, max {max(written)}")


if __name__ == "__main__":
    sys.exit(main())
