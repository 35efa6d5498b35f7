"""A new club on a running server: the `kwai user` commands go through it, and edits of
applications and coaches rebuild the pages that show them."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.server import kwai, running_server

ADMIN, EDITOR, PASSWORD = "board@club.example", "editor@club.example", "a long password"


def page_showing(path: Path, text: str, timeout: float = 60) -> str:
    """The file's content once it shows `text` (the server rebuilds after each edit)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in (content := path.read_text(encoding="utf-8")):
            return content
        time.sleep(0.2)
    raise AssertionError(f"{path} never showed {text!r}")


def test_a_new_club_through_a_running_server(tmp_path: Path) -> None:
    assert kwai(tmp_path, "db", "migrate").returncode == 0
    created = kwai(
        tmp_path,
        "user",
        "create",
        "--email",
        ADMIN,
        "--first-name",
        "Bea",
        "--last-name",
        "Board",
        "--password",
        PASSWORD,
        "--admin",
    )
    assert created.returncode == 0, created.stderr
    site = tmp_path / "site" / "current"
    with running_server(tmp_path) as url:
        editor = kwai(
            tmp_path,
            "user",
            "create",
            "--email",
            EDITOR,
            "--first-name",
            "Ed",
            "--last-name",
            "Itor",
            "--password",
            PASSWORD,
        )
        assert editor.returncode == 0, editor.stderr
        assert kwai(tmp_path, "user", "grant-admin", EDITOR).returncode == 0
        assert kwai(tmp_path, "user", "revoke", EDITOR).returncode == 0
        listed = kwai(tmp_path, "user", "list").stdout.splitlines()
        assert listed == [f"{ADMIN}\tBea Board\tadmin", f"{EDITOR}\tEd Itor\tadmin, revoked"]
        last = kwai(tmp_path, "user", "revoke", ADMIN)
        assert last.returncode == 1 and "last administrator" in last.stderr

        api = f"{url}/api/v1"
        login = httpx.post(f"{api}/auth/login", data={"username": ADMIN, "password": PASSWORD})
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}

        def send(method: str, path: str, data: dict[str, Any]) -> dict[str, Any]:
            # no Content-Type: the API reads the body as JSON
            response = httpx.request(
                method,
                f"{api}{path}",
                headers=auth,
                content=json.dumps({"data": data}).encode(),
                timeout=30,
            )
            assert response.status_code in (200, 201), response.text
            assert "content-type" not in response.request.headers
            return dict(response.json()["data"])

        send(
            "POST",
            "/portal/applications",
            {
                "type": "applications",
                "attributes": {
                    "name": "judo",
                    "title": "Judo bij ons",
                    "description": "Judo is **vet**.",
                },
            },
        )
        coach = send(
            "POST",
            "/trainings/coaches",
            {
                "type": "coaches",
                "attributes": {
                    "name": "Ann Peeters",
                    "bio": "Trainer sinds 1990.",
                    "texts": [{"locale": "en", "bio": "Coach since 1990."}],
                },
            },
        )

        page_showing(site / "index.html", "Judo bij ons")
        judo = page_showing(site / "judo" / "index.html", "<strong>vet</strong>")
        assert "**vet**" not in judo
        page_showing(site / "coaches" / "index.html", "Trainer sinds 1990.")
        page_showing(site / "en" / "coaches" / "index.html", "Coach since 1990.")
        send(
            "PATCH",
            f"/trainings/coaches/{coach['id']}",
            {"type": "coaches", "id": coach["id"], "attributes": {"bio": "Hoofdtrainer."}},
        )
        page_showing(site / "coaches" / "index.html", "Hoofdtrainer.")
        wrong = httpx.put(f"{api}/trainings/coaches/{coach['id']}", headers=auth)
        assert wrong.status_code == 405 and "PATCH" in wrong.headers["allow"]
