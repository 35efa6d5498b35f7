"""Fuzz every route of the served OpenAPI schema (schemathesis): no input gives a 5xx."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx

from kwai_api.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.support.server import kwai_env, running_server
from tests.support.smtp import SmtpServer


def test_no_route_answers_5xx(tmp_path: Path, club_file: Path) -> None:
    shutil.copyfile(club_file, tmp_path / "kwai.duckdb")
    # A mail server is there, as in production: a dispatch it cannot reach is a 503 by design.
    with (
        SmtpServer() as smtp,
        running_server(tmp_path, env=kwai_env(tmp_path, KWAI_EMAIL_PORT=str(smtp.port))) as url,
    ):
        schema = httpx.get(f"{url}/api/v1/openapi.json", timeout=10).json()
        assert len(schema["paths"]) >= 20
        login = httpx.post(
            f"{url}/api/v1/auth/login",
            data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
            timeout=30,
        )
        token = login.json()["access_token"]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "run",
                f"{url}/api/v1/openapi.json",
                "--url",
                f"{url}/api/v1",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                "12",
                "--seed",
                "1",
                "--workers",
                "1",
                "--header",
                f"Authorization: Bearer {token}",
                # Builds on request are slow and proven elsewhere; a fuzzed build adds nothing.
                "--exclude-path",
                "/site/builds",
                "--request-timeout",
                "30",
            ],
            capture_output=True,
            text=True,
            timeout=1200,
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
