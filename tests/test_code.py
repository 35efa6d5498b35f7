"""The code keeps its shape: typed, linted, and its layers as pyproject.toml writes them down."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", "kwai_api", "kwai_gen", "tests", "bench")
    assert result.returncode == 0, result.stdout[-4000:]


def test_mypy_finds_nothing() -> None:
    result = run("mypy", "--strict", "kwai_api", "kwai_gen", "tests")
    assert result.returncode == 0, result.stdout[-4000:]


def test_ruff_format_changes_nothing() -> None:
    result = run("ruff", "format", "--check", "kwai_api", "kwai_gen", "tests", "bench")
    assert result.returncode == 0, result.stdout[-4000:]


def test_import_contracts_hold() -> None:
    """No cycles, the foundation free of HTTP and Pelican, the generator off the HTTP layer."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:]
