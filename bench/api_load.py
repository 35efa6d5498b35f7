"""Measure the API's public reads against the static site, served by the same `kwai serve`.

    python bench/api_load.py [--stories 5000] [--trainings 4000] [--duration 20]
                             [--threads 2] [--connections 32]

Creates the benchmark club (bench/benchclub.py) in a temporary directory, starts `kwai serve` on
a free port of 127.0.0.1, waits for its first build, then runs wrk (one run after the other, in
the same server) against the home page `/`, `/api/v1/trainings?page[limit]=10` and
`/api/v1/news_items`, anonymously, as a visitor's browser or the portal asks them. Prints the
requests per second and the p99 latency of each, and each API read's rate as a share of the
static one (the aim: at least 0.5).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
from benchclub import bench_club, wait_for_first_build

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for tests/
from kwai_api.core.settings import Settings
from tests.support.server import kwai_env, running_server  # noqa: E402

WRK = "/usr/bin/wrk"
TARGETS = (
    ("static /", "/"),
    ("trainings", "/api/v1/trainings?page[limit]=10"),
    ("news_items", "/api/v1/news_items"),
)


def main() -> None:
    """Set up the club and the server, load each address in turn, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=5000)
    parser.add_argument("--trainings", type=int, default=4000)
    parser.add_argument("--duration", type=int, default=20, help="seconds of wrk per address")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if shutil.which(WRK) is None:
        raise SystemExit(f"{WRK} is not installed")

    work = Path(tempfile.mkdtemp(prefix="kwai-load-"))
    env = kwai_env(work)
    bench_club(Settings.load(env=env), args.stories, args.trainings, 1).close()
    with running_server(work, env) as base, httpx.Client(timeout=60) as client:
        wait_for_first_build(client, f"{base}/api/v1")
        results = {}
        for name, path in TARGETS:
            answer = client.get(f"{base}{path}")
            if answer.status_code != 200:
                raise SystemExit(f"GET {path}: {answer.status_code} {answer.text[:300]}")
            results[name] = _wrk(f"{base}{path}", args)
            rate, p99 = results[name]
            print(f"{name:<12} {rate:8.1f} req/s   p99 {p99:7.1f} ms   ({len(answer.content)} B)")
    static = results["static /"][0]
    for name in ("trainings", "news_items"):
        print(f"{name}/static: {results[name][0] / static:.2f}")
    shutil.rmtree(work, ignore_errors=True)


def _wrk(url: str, args: argparse.Namespace) -> tuple[float, float]:
    """Requests per second and p99 latency (ms) of one wrk run."""
    run = subprocess.run(
        [
            WRK,
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    rate = re.search(r"Requests/sec:\s+([\d.]+)", run.stdout)
    p99 = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", run.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", run.stdout)
    if rate is None or p99 is None:
        raise SystemExit(f"cannot read wrk's output:\n{run.stdout}")
    if errors is not None:
        raise SystemExit(f"{url}: {errors.group(1)} answers were errors")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return float(rate.group(1)), float(p99.group(1)) * scale


if __name__ == "__main__":
    main()
