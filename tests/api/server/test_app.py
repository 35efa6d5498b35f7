"""The app itself: security headers, CORS from settings, the body limit, JSON:API 404s, health."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from kwai_api.core.database import Database
from kwai_api.server.app import create_app
from tests.conftest import make_settings


def test_every_answer_carries_security_headers(client: TestClient) -> None:
    for path in ("/api/v1/health", "/api/v1/no-such-route", "/"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_unknown_routes_get_a_json_api_404(client: TestClient) -> None:
    response = client.post("/api/v1/no-such-route", json={})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/vnd.api+json"
    assert response.json()["errors"][0]["status"] == "404"
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/trainings/coaches/1", "DELETE, GET, HEAD, PATCH"),
        ("DELETE", "/trainings", "GET, HEAD, POST"),
        ("GET", "/auth/login", "POST"),
        ("POST", "/auth/user", "GET, HEAD, PATCH"),
    ],
)
def test_a_known_route_with_a_wrong_method_is_405_with_allow(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    response = client.request(method, f"/api/v1{path}")

    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json()["errors"][0]["status"] == "405"


def test_bodies_over_the_limit_are_refused(tmp_path: Path, db: Database) -> None:
    settings = make_settings(tmp_path, KWAI_API_MAX_BODY_BYTES="1000")
    with TestClient(create_app(settings, db=db, scheduler=False)) as small:
        response = small.post(
            "/api/v1/news_items", content=b"x" * 5000, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 413
        assert response.json()["errors"][0]["status"] == "413"


def test_cors_follows_the_settings(tmp_path: Path, db: Database) -> None:
    settings = make_settings(tmp_path, KWAI_API_CORS_ORIGINS="https://club.example")
    with TestClient(create_app(settings, db=db, scheduler=False)) as app:
        allowed = app.options(
            "/api/v1/trainings",
            headers={"Origin": "https://club.example", "Access-Control-Request-Method": "GET"},
        )
        assert allowed.headers["access-control-allow-origin"] == "https://club.example"
        other = app.get("/api/v1/trainings", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_health_reports_the_database_and_the_last_build(client: TestClient) -> None:
    meta = client.get("/api/v1/health").json()["meta"]
    assert meta["database"] == "ok"
    assert meta["last_build"] is None  # nothing built yet in this test's club
