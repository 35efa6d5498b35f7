"""kwai's own frontends as clients of a real server: CORS with credentials, no edit dropped
unseen, v1's shapes, and public reads that ignore a stale token."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from kwai_api.core.database import open_database
from kwai_api.core.settings import Settings
from kwai_api.core.tokens import issue_pair
from kwai_api.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.support.images import photo
from tests.support.server import SECRETS, kwai_env, running_server

ORIGIN = "https://club.example"
JSONAPI = "application/vnd.api+json"


@dataclass(frozen=True)
class Server:
    """A running server on a copy of the test club, with an admin's token and an expired one."""

    url: str
    token: str
    expired: str

    def get(
        self,
        path: str,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        sent = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.get(
            f"{self.url}/api/v1{path}", headers={**sent, **(headers or {})}, timeout=30, **kwargs
        )

    def staff(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token}",
            "X-Kwai-Job-Secret": SECRETS["KWAI_SECURITY_JOB_SECRET"],
        }


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, club_file: Path) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("frontend")
    shutil.copyfile(club_file, tmp / "kwai.duckdb")
    env = kwai_env(tmp, KWAI_API_CORS_ORIGINS=ORIGIN)
    db = open_database(tmp / "kwai.duckdb")
    admin = int(db.fetchvalue("SELECT id FROM users WHERE email = ?", [ADMIN_EMAIL]))
    old = datetime(2020, 1, 6, 12)  # the pair's access token expired an hour later
    pair = db.write(lambda tx: issue_pair(tx, Settings.load(env=env), admin, "old", old))
    for table in ("news_stories", "pages", "applications"):
        db.execute(f"UPDATE {table} SET remark = 'staff only'")
    db.execute(
        "UPDATE news_story_texts SET content = '', html_content = '' WHERE story_id IN"
        " (SELECT id FROM news_stories WHERE promotion > 0 AND id % 2 = 0)"
    )
    db.close()
    with running_server(tmp, env) as url:
        login = httpx.post(
            f"{url}/api/v1/auth/login",
            data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
            timeout=30,
        )
        token = login.json()["access_token"]
        # an upload, so that the image routes have a resource to be refused on
        uploaded = httpx.post(
            f"{url}/api/v1/images",
            headers={"Authorization": f"Bearer {token}"},
            files={"file": ("photo.jpg", photo(640, 480), "image/jpeg")},
            timeout=60,
        )
        assert uploaded.status_code == 201, uploaded.text
        yield Server(url, token, pair.access_token)


# --- CORS ------------------------------------------------------------------------------------


def test_a_listed_origin_may_call_with_credentials(server: Server) -> None:
    preflight = httpx.options(
        f"{server.url}/api/v1/trainings/1",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
        timeout=30,
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert "PATCH" in preflight.headers["access-control-allow-methods"]
    call = server.get("/trainings", headers={"Origin": ORIGIN})
    assert call.status_code == 200
    assert call.headers["access-control-allow-origin"] == ORIGIN
    assert call.headers["access-control-allow-credentials"] == "true"


def test_an_unlisted_origin_gets_no_cors_header(server: Server) -> None:
    preflight = httpx.options(
        f"{server.url}/api/v1/trainings",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        timeout=30,
    )
    call = server.get("/trainings", headers={"Origin": "https://evil.example"})
    assert call.status_code == 200
    for answer in (preflight, call):
        assert not [name for name in answer.headers if name.startswith("access-control-")]


# --- unknown attributes and relationships ----------------------------------------------------


def _schema(server: Server) -> dict[str, Any]:
    result: dict[str, Any] = httpx.get(f"{server.url}/api/v1/openapi.json", timeout=30).json()
    return result


def _writes(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every POST and PATCH that takes a JSON:API document: (method, path, body schema)."""
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if method in {"post", "patch"} and JSONAPI in content:
                found.append((method, path, content[JSONAPI]["schema"]))
    return found


def _concrete(server: Server, path: str) -> str:
    """The path with each {id} replaced by the id of a row that exists."""
    while match := re.search(r"\{(\w+)\}", path):
        listed = server.get(path[: match.start() - 1], server.token).json()["data"]
        path = path[: match.start()] + str(listed[0]["id"]) + path[match.end() :]
    return path


def _stored(server: Server, path: str) -> Any:
    """What a staff reader sees of the resource (PATCH) or the collection's size (POST)."""
    if server.get(path, server.token).status_code != 200:
        return None
    answer = server.get(path, server.token).json()
    return answer["data"] if isinstance(answer["data"], dict) else answer.get("meta")


def test_the_schema_declares_writes_to_walk(server: Server) -> None:
    writes = {(method, path) for method, path, _ in _writes(_schema(server))}
    assert {
        ("post", "/trainings"),
        ("patch", "/trainings/{id}"),
        ("post", "/news_items"),
        ("patch", "/pages/{id}"),
        ("patch", "/portal/applications/{id}"),
        ("post", "/training_definitions"),
    } <= writes


@pytest.mark.parametrize("member", ["attributes", "relationships"])
def test_every_write_refuses_what_it_does_not_know(server: Server, member: str) -> None:
    for method, template, body in _writes(_schema(server)):
        path = _concrete(server, template)
        kind = body["properties"]["data"]["properties"]["type"]["enum"][0]
        data: dict[str, Any] = {"type": kind, "attributes": {}}
        if "{" in template:
            data["id"] = path.rsplit("/", 1)[-1] if template.endswith("}") else None
            data = {k: v for k, v in data.items() if v is not None}
        sent = {"data": {**data, member: {"no_such_name": {"data": None}}}}
        before = _stored(server, path)
        answer = httpx.request(
            method.upper(),
            f"{server.url}/api/v1{path}",
            json=sent,
            headers=server.staff(),
            timeout=30,
        )
        where = f"{method.upper()} {template}"
        assert answer.status_code == 422, (where, answer.text)
        [error] = answer.json()["errors"]
        assert error["source"]["pointer"] == f"/data/{member}/no_such_name", where
        assert "no_such_name" in error["detail"], where
        assert _stored(server, path) == before, where


def test_a_training_edit_in_the_2025_shape_changes_nothing(server: Server) -> None:
    training = server.get("/trainings", server.token).json()["data"][0]
    assert training["attributes"]["coaches"]  # the edit below would have removed them
    texts = [
        {"locale": "nl", "format": "md", "title": "Nieuwe titel", "summary": "", "content": ""}
    ]
    body = {
        "data": {
            "type": "trainings",
            "id": training["id"],
            "attributes": {"texts": texts, "coaches": []},
        }
    }
    path = f"/trainings/{training['id']}"
    before = server.get(path, server.token).json()
    for method, url in (("PATCH", path), ("POST", "/trainings")):
        answer = httpx.request(
            method, f"{server.url}/api/v1{url}", json=body, headers=server.staff(), timeout=30
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["source"]["pointer"] == "/data/attributes/texts"
    assert server.get(path, server.token).json() == before


# --- v1's shapes -----------------------------------------------------------------------------


def test_unset_remarks_are_empty_strings_for_the_staff(server: Server) -> None:
    trainings = server.get("/trainings", server.token).json()
    definitions = server.get("/training_definitions", server.token).json()
    for answer in (trainings, definitions):
        remarks = [item["attributes"]["remark"] for item in answer["data"]]
        assert "" in remarks and None not in remarks


def test_lists_start_at_offset_zero(server: Server) -> None:
    for path in (
        "/trainings",
        "/training_definitions",
        "/trainings/coaches",
        "/news_items",
        "/pages",
        "/portal/news",
        "/portal/applications",
    ):
        assert server.get(path).json()["meta"]["offset"] == 0, path
    assert server.get("/news_items", params={"page[offset]": "2"}).json()["meta"]["offset"] == 2


def test_portal_news_without_content_sends_null(server: Server) -> None:
    stories = server.get("/portal/news", params={"page[limit]": "100"}).json()["data"]
    contents = {
        int(story["id"]) % 2: {text["content"] for text in story["attributes"]["content"]}
        for story in stories
    }
    assert contents[0] == {None}  # emptied above, as v1 sent it
    assert None not in contents[1] and "" not in contents[1]


def test_anonymous_readers_see_no_staff_remark(server: Server) -> None:
    for path in ("/news_items", "/pages", "/portal/applications"):
        item = server.get(path, server.token).json()["data"][0]
        assert item["attributes"]["remark"] == "staff only", path
        one = f"{path}/{item['id']}"
        for answer in (server.get(path).json(), server.get(one).json()):
            items = answer["data"] if isinstance(answer["data"], list) else [answer["data"]]
            remarks = {i["attributes"].get("remark") for i in items + answer.get("included", [])}
            assert remarks == {None}, path


# --- public reads and a stale token ----------------------------------------------------------


def test_public_reads_answer_a_bad_token_as_an_anonymous_caller(server: Server) -> None:
    reads = [path for path, operations in _schema(server)["paths"].items() if "get" in operations]
    public = 0
    for template in reads:
        path = _concrete(server, template) if "{id}" in template else template
        if "{" in path:
            continue
        anonymous = server.get(path)
        if anonymous.status_code != 200:
            continue
        public += 1
        for token in ("garbage", server.expired):
            answer = server.get(path, token)
            assert (answer.status_code, answer.json()) == (200, anonymous.json()), path
    assert public >= 10
    assert server.get("/trainings", server.token).status_code == 200
    assert server.get("/auth/user", server.expired).status_code == 401  # staff reads still refuse
