"""Compare two site releases file by file, byte for byte."""

from __future__ import annotations

import difflib
import filecmp
import gzip
from pathlib import Path


def tree_paths(root: Path) -> set[str]:
    """The relative paths of every file under `root` (gzip forms included)."""
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def tree_differences(built: Path, expected: Path, limit: int = 40) -> list[str]:
    """What differs between two trees: files missing from `built`, extra in it, or with other
    bytes, then the diff of the first text file that differs; empty when they are the same."""
    have, want = tree_paths(built), tree_paths(expected)
    different = sorted(
        path
        for path in have & want
        if not filecmp.cmp(built / path, expected / path, shallow=False)
    )
    lines = [f"missing {path}" for path in sorted(want - have)]
    lines += [f"extra {path}" for path in sorted(have - want)]
    lines += [f"different {path}" for path in different]
    if len(lines) > limit:
        lines = lines[:limit] + [f"... {len(lines) - limit} more"]
    if different:
        lines += text_diff(built, expected, different[0])
    return lines


def text_diff(built: Path, expected: Path, path: str, context: int = 2) -> list[str]:
    """The lines of one file that differ between two trees (gzip forms unpacked)."""

    def lines(root: Path) -> list[str]:
        data = (root / path).read_bytes()
        if path.endswith(".gz"):
            data = gzip.decompress(data)
        return data.decode("utf-8", errors="replace").splitlines()

    diff = difflib.unified_diff(
        lines(expected), lines(built), f"full/{path}", f"incremental/{path}", n=context
    )
    return [line[:300] for line in list(diff)[:60]]
