"""A mail server nobody can reach is never silent: the command fails, health and admins see it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import httpx

from kwai_api.core.database import open_database
from kwai_api.core.settings import Settings
from kwai_api.demo import ADMIN_EMAIL, ADMIN_PASSWORD, create_club
from kwai_api.mail.outbox import queue_mail
from tests.conftest import ANCHOR
from tests.support.server import free_port, kwai, kwai_env, running_server

QUEUED = datetime(2020, 1, 6, 9, 0, 0)  # long ago: due whatever the clock says


def club_with_a_queued_mail(tmp: Path) -> None:
    db = open_database(tmp / "kwai.duckdb")
    create_club(db, anchor=ANCHOR)
    context = {
        "first_name": "Jan",
        "last_name": "Peeters",
        "valid_days": 7,
        "link": "http://127.0.0.1:8000/auth/invite/?uuid=1",
        "expires_at": QUEUED,
    }
    db.write(
        lambda tx: queue_mail(
            tx, Settings(), "invitation", "jan@example.com", "Jan Peeters", "en", context, QUEUED
        )
    )
    db.close()


def test_mail_send_fails_loudly_and_counts_the_attempt(tmp_path: Path) -> None:
    club_with_a_queued_mail(tmp_path)
    env = kwai_env(tmp_path, KWAI_EMAIL_PORT=str(free_port()))
    result = kwai(tmp_path, "mail", "send", env=env)
    assert result.returncode != 0
    assert "cannot reach the mail server" in result.stderr
    assert "Traceback" not in result.stderr
    db = open_database(tmp_path / "kwai.duckdb")
    row = db.fetchone("SELECT status, attempts FROM mails")
    db.close()
    assert row == {"status": "queued", "attempts": 1}


def test_through_the_server_the_state_shows_in_health_and_the_mail_list(tmp_path: Path) -> None:
    club_with_a_queued_mail(tmp_path)
    env = kwai_env(tmp_path, KWAI_EMAIL_PORT=str(free_port()))
    with running_server(tmp_path, env=env) as url:
        result = kwai(tmp_path, "mail", "send", env=env)
        assert result.returncode != 0
        assert "503" in result.stderr and "cannot reach the mail server" in result.stderr
        health = httpx.get(f"{url}/api/v1/health", timeout=10).json()["meta"]
        assert health["mail_server"].startswith("cannot reach the mail server")
        login = {"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        token = httpx.post(f"{url}/api/v1/auth/login", data=login, timeout=30).json()
        mails = httpx.get(
            f"{url}/api/v1/mails",
            timeout=10,
            headers={"Authorization": f"Bearer {token['access_token']}"},
        ).json()
        assert mails["meta"]["mail_server"] == health["mail_server"]
        [mail] = mails["data"]
        assert mail["attributes"]["attempts"] >= 1
        assert "cannot reach the mail server" in mail["attributes"]["last_error"]
