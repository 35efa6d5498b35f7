"""Check on a big club that incremental builds equal a full build after random edits.

    python bench/equal.py [--stories 5000] [--trainings 4000] [--edits 60] [--builds 5]
                          [--seed 1] [--later 24]

Copies the bench club (made once per size, see benchclub.py), builds it, then applies seeded
random edits of every kind (tests/support/edits.py) in `--builds` batches with an incremental
build after each, all at the bench's NOW. A full build of the same database at the same clock
goes into another output and the two releases are compared byte for byte; then the clock moves
`--later` hours on without an edit and they are compared again. Prints what it did and whether
the trees are equal (then removes its directory); exits non-zero with the first differences
(and the edits) otherwise, keeping both releases.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from benchclub import bench_club

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository, for tests/
from kwai_api.core.database import Database  # noqa: E402
from kwai_api.core.settings import Settings  # noqa: E402
from kwai_gen.build import build_site  # noqa: E402
from tests.support.edits import Editor  # noqa: E402
from tests.support.trees import tree_differences  # noqa: E402

NOW = datetime(2026, 11, 26, 12, 0, 0)


def main() -> int:
    """Run the edits and builds, compare, print the outcome."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=5000)
    parser.add_argument("--trainings", type=int, default=4000)
    parser.add_argument("--edits", type=int, default=60, help="edits in all")
    parser.add_argument("--builds", type=int, default=5, help="incremental builds among them")
    parser.add_argument("--seed", type=int, default=1, help="the seed of the edits")
    parser.add_argument("--later", type=float, default=24, help="hours the clock moves at the end")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kwai-equal-"))
    settings, full = (settings_in(work, name) for name in ("site", "full-site"))
    db = bench_club(settings, args.stories, args.trainings, 1)
    print(f"club: {args.stories} stories, {args.trainings} trainings in {work}")
    started = time.perf_counter()
    build_site(settings, db, now=NOW)
    editor = Editor(db, settings, NOW, seed=args.seed)
    done: list[str] = []
    written = []
    for batch in range(args.builds):
        count = args.edits // args.builds + (batch < args.edits % args.builds)
        done += editor.apply(count)
        written.append(build_site(settings, db, now=NOW).written)
    refused = sum("refused" in line for line in done)
    print(
        f"edits: {len(done)} ({refused} refused by the API's checks), incremental builds:"
        f" {len(written)}, files written {', '.join(map(str, written))}"
    )
    equal = compare(settings, full, db, NOW, done)
    if equal and args.later:
        later = NOW + timedelta(hours=args.later)
        result = build_site(settings, db, now=later)
        print(f"clock moved {args.later:g} h without an edit: files written {result.written}")
        equal = compare(settings, full, db, later, [f"the clock moved to {later}"])
    print(f"done in {time.perf_counter() - started:.0f} s")
    db.close()
    if not equal:
        print(f"both releases stay in {work} for a closer look")
        return 1
    shutil.rmtree(work)
    return 0


def settings_in(work: Path, output: str) -> Settings:
    """Settings of the club in `work`, building into `work/output`."""
    return Settings.load(
        env={
            "KWAI_DATABASE_PATH": str(work / "bench.duckdb"),
            "KWAI_SITE_OUTPUT": str(work / output),
            "KWAI_SITE_SEARCH": "false",
            "KWAI_IMAGES_PATH": str(work / "images"),
        }
    )


def compare(
    settings: Settings, full: Settings, db: Database, now: datetime, done: list[str]
) -> bool:
    """Build everything at `now` into the other output and compare it with the live release."""
    build_site(full, db, now=now, full=True)
    live, expected = (s.site.output / "current" for s in (settings, full))
    differences = tree_differences(live.resolve(), expected.resolve())
    files = sum(1 for path in expected.resolve().rglob("*") if path.is_file())
    if not differences:
        print(f"at {now}: incremental == full ({files} files, byte for byte)")
        return True
    print(f"at {now}: incremental != full; first differences:")
    print("\n".join(f"  {line}" for line in differences))
    print("after these edits:")
    print("\n".join(f"  {line}" for line in done))
    return False


if __name__ == "__main__":
    sys.exit(main())
