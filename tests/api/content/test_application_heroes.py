"""An application's hero image: set, shown and removed through the API like a page's image."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_gen.build import build_site
from tests.conftest import NOW, app_id
from tests.support.images import photo

API = "/api/v1"
pytestmark = pytest.mark.usefixtures("builds")  # every request at NOW, rebuilds counted


def upload(client: TestClient, admin: dict[str, str]) -> str:
    answer = client.post(
        f"{API}/images",
        files={"file": ("hall.jpg", photo(1600, 600), "image/jpeg")},
        data={"alt": "The hall"},
        headers=admin,
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["data"]["id"])


def hero(client: TestClient, admin: dict[str, str], app: int, image: Any) -> Any:
    doc = {
        "data": {
            "type": "applications",
            "id": str(app),
            "attributes": {},
            "relationships": {"image": {"data": image}},
        }
    }
    return client.patch(f"{API}/portal/applications/{app}", json=doc, headers=admin)


def test_a_hero_is_set_shown_guarded_and_removed(
    client: TestClient, db: Database, admin: dict[str, str], settings: Settings
) -> None:
    judo, image = app_id(db, "judo"), upload(client, admin)
    answer = hero(client, admin, judo, {"type": "images", "id": image})
    assert answer.status_code == 200, answer.text
    expected = {"data": {"type": "images", "id": image}}
    assert answer.json()["data"]["relationships"]["image"] == expected
    read = client.get(f"{API}/portal/applications/{judo}").json()["data"]
    assert read["relationships"]["image"] == expected
    # the section page shows it at its top, at once (not lazily), and shares it
    build_site(settings, db, now=NOW)
    page = (settings.site.output / "current" / "judo/index.html").read_text()
    figure = page.split('<figure class="hero-image">', 1)[1].split("</figure>", 1)[0]
    assert "srcset=" in figure and 'width="1600"' in figure and 'height="600"' in figure
    assert "loading=" not in figure and 'fetchpriority="high"' in figure
    assert page.index("hero-image") < page.index("<h1")
    assert '<meta property="og:image"' in page
    # an image a section shows is not deleted under it
    kept = client.delete(f"{API}/images/{image}", headers=admin)
    assert kept.status_code == 409 and f"applications {judo}" in kept.text
    assert hero(client, admin, judo, None).status_code == 200
    assert client.get(f"{API}/portal/applications/{judo}").json()["data"]["relationships"] == {
        "image": {"data": None}
    }
    assert client.delete(f"{API}/images/{image}", headers=admin).status_code == 204


def test_an_unknown_hero_is_refused_naming_the_relationship(
    client: TestClient, db: Database, admin: dict[str, str]
) -> None:
    judo = app_id(db, "judo")
    answer = hero(client, admin, judo, {"type": "images", "id": "9999"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["source"]["pointer"] == "/data/relationships/image"
    wrong = hero(client, admin, judo, {"type": "pages", "id": "1"})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["source"]["pointer"] == "/data/relationships/image"
