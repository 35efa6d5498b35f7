"""The site's builds through the API: asking for one and reading the latest."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_api.server.app import create_app
from tests.conftest import make_settings

NOW = {"data": {"type": "site_builds", "attributes": {"now": "2026-11-26 12:00:00"}}}


def test_latest_needs_a_token_and_a_build(client: TestClient, admin: dict[str, str]) -> None:
    assert client.get("/api/v1/site/builds/latest").status_code == 401
    assert client.get("/api/v1/site/builds/latest", headers=admin).status_code == 404


def test_a_build_asked_for_is_answered_when_done(
    client: TestClient, admin: dict[str, str], settings: Settings
) -> None:
    created = client.post("/api/v1/site/builds", json=NOW, headers=admin)
    assert created.status_code == 201, created.text
    build = created.json()["data"]
    assert build["attributes"]["status"] == "success"
    assert build["attributes"]["now"] == "2026-11-26 12:00:00"
    assert build["attributes"]["files_written"] > 100
    assert (settings.site.output / "current" / "index.html").exists()
    latest = client.get("/api/v1/site/builds/latest", headers=admin).json()["data"]
    assert latest["id"] == build["id"]
    job = client.post("/api/v1/site/builds", headers={"X-Kwai-Job-Secret": "change-me-too"})
    assert job.status_code == 201 and job.json()["data"]["id"] != build["id"]


def test_the_builds_are_listed_newest_first(client: TestClient, admin: dict[str, str]) -> None:
    assert client.get("/api/v1/site/builds").status_code == 401
    assert client.get("/api/v1/site/builds", headers=admin).json()["data"] == []
    made = [client.post("/api/v1/site/builds", json=NOW, headers=admin).json() for _ in range(3)]

    listed = client.get("/api/v1/site/builds?page[limit]=2", headers=admin).json()

    assert [b["id"] for b in listed["data"]] == [made[2]["data"]["id"], made[1]["data"]["id"]]
    assert listed["meta"]["count"] == 3
    assert listed["data"][0]["attributes"]["status"] == "success"
    rest = client.get("/api/v1/site/builds?page[offset]=2", headers=admin).json()["data"]
    assert [b["id"] for b in rest] == [made[0]["data"]["id"]]
    bad = client.get("/api/v1/site/builds?page[limit]=x", headers=admin)
    assert bad.status_code == 400


def test_a_failed_build_is_reported_with_its_error(
    tmp_path: Path, db: Database, admin: dict[str, str]
) -> None:
    broken = make_settings(tmp_path, KWAI_SITE_THEME=str(tmp_path / "no-theme"))
    with TestClient(create_app(broken, db=db, scheduler=False)) as client:
        answer = client.post("/api/v1/site/builds", json=NOW, headers=admin)
    assert answer.status_code == 201
    attributes = answer.json()["data"]["attributes"]
    assert attributes["status"] == "failed" and "theme" in attributes["error"]


def test_a_bad_build_request_names_the_field(client: TestClient, admin: dict[str, str]) -> None:
    bad = {"data": {"type": "site_builds", "attributes": {"now": "tomorrow"}}}
    answer = client.post("/api/v1/site/builds", json=bad, headers=admin)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["source"] == {"pointer": "/data/attributes/now"}
