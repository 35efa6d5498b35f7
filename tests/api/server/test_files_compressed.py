"""The live site served by the API: gzip forms to clients that accept them, lifetimes by kind."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from kwai_api.server.files import SiteFiles, accepts_gzip

PAGE = b"<!doctype html><title>Judo</title>" + b"<p>Randori</p>" * 50
CSS = b"body { color: black; }\n" * 40
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    release = tmp_path / "site" / "releases" / "1"
    for path, content in {"index.html": PAGE, "theme/css/kwai.css": CSS}.items():
        (release / path).parent.mkdir(parents=True, exist_ok=True)
        (release / path).write_bytes(content)
        (release / f"{path}.gz").write_bytes(gzip.compress(content, mtime=0))
    (release / "images").mkdir()
    (release / "images" / "logo.png").write_bytes(PNG)
    (tmp_path / "site" / "current").symlink_to(Path("releases") / "1")
    app = Starlette(routes=[Mount("/", app=SiteFiles(tmp_path / "site" / "current"))])
    return TestClient(app)


def raw(client: TestClient, url: str, **headers: str) -> tuple[dict[str, str], bytes]:
    """The headers and the bytes as sent (not decoded)."""
    with client.stream("GET", url, headers=headers) as response:
        assert response.status_code == 200
        return dict(response.headers), b"".join(response.iter_raw())


def test_a_page_goes_out_gzipped_to_who_accepts_it(client: TestClient) -> None:
    headers, body = raw(client, "/", **{"Accept-Encoding": "br, gzip;q=0.8"})
    assert headers["content-encoding"] == "gzip"
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["vary"] == "Accept-Encoding"
    assert headers["cache-control"] == "public, max-age=60"
    assert gzip.decompress(body) == PAGE and int(headers["content-length"]) == len(body)

    headers, body = raw(client, "/index.html", **{"Accept-Encoding": "identity"})
    assert "content-encoding" not in headers and headers["vary"] == "Accept-Encoding"
    assert body == PAGE


def test_versioned_assets_are_kept_a_year(client: TestClient) -> None:
    headers, body = raw(client, "/theme/css/kwai.css?v=1234", **{"Accept-Encoding": "gzip"})
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-type"].startswith("text/css")
    assert gzip.decompress(body) == CSS
    headers, _ = raw(client, "/theme/css/kwai.css", **{"Accept-Encoding": "gzip"})
    assert headers["cache-control"] == "public, max-age=604800"


def test_binary_files_go_out_as_they_are(client: TestClient) -> None:
    headers, body = raw(client, "/images/logo.png", **{"Accept-Encoding": "gzip"})
    assert body == PNG and "content-encoding" not in headers and "vary" not in headers
    assert headers["content-type"] == "image/png"


def test_an_unchanged_gzip_form_is_not_sent_again(client: TestClient) -> None:
    first = client.get("/", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    assert first.headers["etag"] != plain.headers["etag"]  # two forms, two tags
    again = client.get(
        "/", headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.headers["vary"] == "Accept-Encoding"


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip", True),
        ("deflate, gzip", True),
        ("*", True),
        ("gzip;q=0", False),
        ("br", False),
        ("", False),
        ("GZIP; q=0.5", True),
        ("gzip;q=x", False),
    ],
)
def test_accept_encoding_is_read_as_http_says(header: str, accepted: bool) -> None:
    assert accepts_gzip(header) is accepted
