"""publish.sh: build, then sync only changed files to a local directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kwai_api.core.database import open_database
from kwai_api.demo import create_club
from tests.conftest import ANCHOR
from tests.support.server import kwai_env

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("rsync") is None, reason="publish.sh needs rsync")


def publish(tmp: Path, target: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = kwai_env(tmp, **extra)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # this kwai, python
    return subprocess.run(
        ["bash", str(ROOT / "publish.sh"), str(target)],
        env=env,
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_publish_sends_only_changes(tmp_path: Path) -> None:
    db = open_database(tmp_path / "kwai.duckdb")
    create_club(db, anchor=ANCHOR)
    db.close()
    target = tmp_path / "www"
    first = publish(tmp_path, target)
    assert first.returncode == 0, first.stderr
    assert (target / "index.html").read_bytes() == (
        tmp_path / "site" / "current" / "index.html"
    ).read_bytes()
    assert not (target / "index.html").is_symlink()

    again = publish(tmp_path, target)  # nothing changed: rsync sends no file
    assert again.returncode == 0, again.stderr
    sent = [line for line in again.stdout.splitlines() if line.startswith(">f")]
    assert sent == []

    db = open_database(tmp_path / "kwai.duckdb")
    db.execute(
        "UPDATE application_texts SET description = 'Nieuw' WHERE locale = 'nl'"
        " AND application_id = (SELECT id FROM applications WHERE name = 'judo')"
    )
    db.close()
    edited = publish(tmp_path, target)
    sent = [line.split()[-1] for line in edited.stdout.splitlines() if line.startswith(">f")]
    assert "judo/index.html" in sent
    assert 0 < len(sent) < 20


def test_failed_build_publishes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "www"
    result = publish(tmp_path, target, KWAI_SITE_THEME=str(tmp_path / "no-theme"))
    assert result.returncode == 1
    assert "nothing was published" in result.stderr
    assert not target.exists()
