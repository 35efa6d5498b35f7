"""/images: uploads stored without metadata and resized; lead images of stories and pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from starlette.testclient import TestClient

from kwai_api.core import images
from kwai_api.core.database import Database
from kwai_api.core.settings import Settings
from kwai_api.server.app import create_app
from tests.conftest import NOW, Builds, app_id, make_settings
from tests.support.images import has_metadata, photo
from tests.support.state import state_of

URL = "/api/v1/images"
pytestmark = pytest.mark.usefixtures("builds")  # every request at NOW, rebuilds counted


def upload(
    client: TestClient,
    headers: dict[str, str],
    data: bytes,
    name: str = "photo.jpg",
    **fields: str,
) -> Any:
    return client.post(
        URL, files={"file": (name, data, "image/jpeg")}, data=fields, headers=headers
    )


def stored(settings: Settings, attributes: dict[str, Any]) -> list[Path]:
    """The sized files an image's URLs name, in the store."""
    return [
        settings.images.path / "sizes" / url.rsplit("/", 1)[1]
        for url in attributes["urls"].values()
    ]


def error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json()["errors"][0])


# -- uploading -----------------------------------------------------------------------------


def test_an_upload_is_stored_without_metadata_in_every_width(
    client: TestClient, admin: dict[str, str], settings: Settings, db: Database
) -> None:
    data = photo(2000, 1500)
    assert "GPS" in has_metadata(data)

    response = upload(client, admin, data, alt="The team on the mat")

    assert response.status_code == 201, response.text
    image = response.json()["data"]
    attributes = image["attributes"]
    assert image["type"] == "images"
    assert (attributes["width"], attributes["height"]) == (2000, 1500)
    assert attributes["bytes"] == len(data)
    assert attributes["content_type"] == "image/jpeg"
    assert attributes["alt"] == "The team on the mat"
    assert attributes["markdown"] == f"![The team on the mat](image:{image['id']})"
    assert sorted(attributes["urls"], key=int) == ["480", "960", "1600"]
    for width, url in attributes["urls"].items():
        assert url.startswith(f"{settings.site.url}/images/u/")
        assert url.endswith(f"-{width}.webp")
    for path, width in zip(stored(settings, attributes), (480, 960, 1600), strict=True):
        with Image.open(path) as sized:
            assert sized.format == "WEBP"
            assert sized.size == (width, width * 3 // 4)
        assert has_metadata(path) == []
    original = db.fetchvalue("SELECT original FROM images WHERE id = ?", [int(image["id"])])
    assert has_metadata(settings.images.path / "originals" / original) == []


def test_a_turned_photo_is_stored_upright(
    client: TestClient, admin: dict[str, str], settings: Settings
) -> None:
    response = upload(client, admin, photo(600, 400, orientation=6))  # "rotate 90° to show"

    attributes = response.json()["data"]["attributes"]
    assert (attributes["width"], attributes["height"]) == (400, 600)
    with Image.open(stored(settings, attributes)[-1]) as sized:
        assert sized.size == (400, 600)


def test_a_small_image_is_never_upscaled(client: TestClient, admin: dict[str, str]) -> None:
    response = upload(client, admin, photo(300, 200))

    assert list(response.json()["data"]["attributes"]["urls"]) == ["300"]


@pytest.mark.parametrize(
    ("format", "content_type"),
    [("PNG", "image/png"), ("WEBP", "image/webp"), ("HEIF", "image/heic")],
)
def test_png_webp_and_heic_are_accepted(
    client: TestClient,
    admin: dict[str, str],
    settings: Settings,
    format: str,
    content_type: str,
) -> None:
    response = upload(client, admin, photo(800, 600, format=format), name="photo")

    assert response.status_code == 201, response.text
    attributes = response.json()["data"]["attributes"]
    assert attributes["content_type"] == content_type
    assert list(attributes["urls"]) == ["480", "800"]
    assert all(has_metadata(path) == [] for path in stored(settings, attributes))


def test_transparency_is_kept(
    client: TestClient, admin: dict[str, str], settings: Settings
) -> None:
    response = upload(client, admin, photo(600, 400, format="PNG", mode="RGBA"))

    with Image.open(stored(settings, response.json()["data"]["attributes"])[0]) as sized:
        assert sized.mode == "RGBA"


def test_what_is_not_an_image_is_refused(client: TestClient, admin: dict[str, str]) -> None:
    assert error(upload(client, admin, b"just some text"), 415)["source"] == {"pointer": "/file"}
    gif = photo(50, 50, format="GIF")
    assert "GIF" in error(upload(client, admin, gif), 415)["detail"]
    truncated = photo(800, 600)[:3000]
    assert error(upload(client, admin, truncated), 422)["source"] == {"pointer": "/file"}


def test_a_picture_with_too_many_pixels_is_refused(
    client: TestClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(images, "MAX_PIXELS", 50 * 50)  # as a 60-megapixel picture would be

    refused = error(upload(client, admin, photo(60, 50)), 422)

    assert refused["source"] == {"pointer": "/file"} and "pixels" in refused["detail"]
    assert upload(client, admin, photo(50, 50)).status_code == 201


def test_a_form_without_a_file_or_no_form_is_refused(
    client: TestClient, admin: dict[str, str]
) -> None:
    no_file = client.post(URL, data={"alt": "x"}, files={"other": ("a", b"b")}, headers=admin)
    assert error(no_file, 422)["source"] == {"pointer": "/file"}
    assert error(client.post(URL, json={"data": {}}, headers=admin), 415)


def test_a_description_a_page_cannot_show_is_refused(
    client: TestClient, admin: dict[str, str]
) -> None:
    refused = error(upload(client, admin, photo(100, 100), alt="Mat\x1bside"), 422)

    assert refused["source"] == {"pointer": "/alt"} and "U+001B" in refused["detail"]
    assert client.get(URL, headers=admin).json()["meta"]["count"] == 0


def test_uploads_need_a_login(client: TestClient) -> None:
    error(upload(client, {}, photo(100, 100)), 401)
    error(client.get(URL), 401)


@pytest.fixture
def small_limit(tmp_path: Path, db: Database) -> Iterator[TestClient]:
    """The app with uploads limited to 20,000 bytes."""
    settings = make_settings(tmp_path, KWAI_IMAGES_MAX_BYTES="20000")
    with TestClient(create_app(settings, db=db, scheduler=False)) as client:
        state_of(client).clock = lambda: NOW
        yield client


def test_an_upload_over_the_setting_is_refused(small_limit: TestClient, admin_token: str) -> None:
    admin = {"Authorization": f"Bearer {admin_token}"}
    just_over = b"\xff\xd8" + b"0" * 20_000
    assert error(upload(small_limit, admin, just_over), 413)["source"] == {"pointer": "/file"}
    error(upload(small_limit, admin, b"0" * 200_000), 413)  # refused before it is read
    assert upload(small_limit, admin, photo(100, 100)).status_code == 201


# -- reading, editing, deleting --------------------------------------------------------------


def test_list_read_and_edit(client: TestClient, admin: dict[str, str], builds: Builds) -> None:
    first = upload(client, admin, photo(500, 400)).json()["data"]["id"]
    second = upload(client, admin, photo(700, 400)).json()["data"]["id"]

    listed = client.get(URL, headers=admin).json()
    assert [item["id"] for item in listed["data"]] == [second, first]
    assert listed["meta"]["count"] == 2
    assert client.get(f"{URL}/{first}", headers=admin).json()["data"]["id"] == first
    error(client.get(f"{URL}/999", headers=admin), 404)

    changes = {"data": {"type": "images", "id": first, "attributes": {"alt": "A throw"}}}
    edited = client.patch(f"{URL}/{first}", json=changes, headers=admin)
    assert edited.json()["data"]["attributes"]["alt"] == "A throw"
    assert builds.changes == 1
    wrong = {"data": {"type": "images", "attributes": {"alt": 3}}}
    assert error(client.patch(f"{URL}/{first}", json=wrong, headers=admin), 422)["source"] == {
        "pointer": "/data/attributes/alt"
    }
    error(
        client.patch(f"{URL}/999", json=changes | {"data": {"type": "images"}}, headers=admin), 404
    )


def test_staff_see_an_image_before_the_site_shows_it(
    client: TestClient, admin: dict[str, str], settings: Settings
) -> None:
    attributes = upload(client, admin, photo(1200, 900)).json()["data"]
    url = f"{URL}/{attributes['id']}/content"
    files = stored(settings, attributes["attributes"])

    smallest = client.get(url, headers=admin)
    wide = client.get(f"{url}?width=960", headers=admin)

    assert smallest.status_code == 200 and smallest.headers["content-type"] == "image/webp"
    assert smallest.content == files[0].read_bytes()  # 480 pixels wide
    assert wide.content == files[1].read_bytes()
    assert "private" in smallest.headers["cache-control"]  # never kept by a shared cache
    assert error(client.get(f"{url}?width=1600", headers=admin), 404)["detail"].endswith(
        "(it has 480, 960, 1200)"  # never wider than the upload
    )
    assert error(client.get(f"{url}?width=big", headers=admin), 400)["source"] == {
        "parameter": "width"
    }
    error(client.get(f"{URL}/999/content", headers=admin), 404)
    error(client.get(url), 401)


def test_an_image_says_what_it_shows_in_each_language(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    made = upload(client, admin, photo(500, 400), alt="Judoka op de mat").json()["data"]
    url = f"{URL}/{made['id']}"
    assert made["attributes"]["texts"] == [{"locale": "nl", "alt": "Judoka op de mat"}]

    def patch(attributes: dict[str, Any]) -> Any:
        changes = {"data": {"type": "images", "id": made["id"], "attributes": attributes}}
        return client.patch(url, json=changes, headers=admin)

    english = patch({"texts": [{"locale": "en", "alt": " Judoka on the mat "}]})
    assert english.status_code == 200, english.text
    assert english.json()["data"]["attributes"]["texts"] == [
        {"locale": "nl", "alt": "Judoka op de mat"},
        {"locale": "en", "alt": "Judoka on the mat"},
    ]
    dutch = patch(
        {"texts": [{"locale": "nl", "alt": "Twee judoka's"}, {"locale": "en", "alt": ""}]}
    )
    attributes = dutch.json()["data"]["attributes"]
    assert attributes["alt"] == "Twee judoka's"  # the flat alt is the default language's
    assert attributes["texts"] == [{"locale": "nl", "alt": "Twee judoka's"}]  # empty: none
    assert error(patch({"texts": [{"locale": "fr", "alt": "x"}]}), 422)["source"] == {
        "pointer": "/data/attributes/texts/0/locale"
    }
    assert error(patch({"texts": [{"locale": "en", "title": "x"}]}), 422)["source"] == {
        "pointer": "/data/attributes/texts/0/title"
    }
    assert client.delete(url, headers=admin).status_code == 204
    assert db.fetchvalue("SELECT count(*) FROM image_texts") == 0


def test_delete_removes_the_files(
    client: TestClient, admin: dict[str, str], settings: Settings
) -> None:
    image = upload(client, admin, photo(900, 600)).json()["data"]
    files = stored(settings, image["attributes"])
    assert all(path.exists() for path in files)

    assert client.delete(f"{URL}/{image['id']}", headers=admin).status_code == 204

    assert not any(path.exists() for path in files)
    error(client.get(f"{URL}/{image['id']}", headers=admin), 404)
    error(client.delete(f"{URL}/{image['id']}", headers=admin), 404)


def test_the_same_upload_twice_keeps_its_files_until_both_are_gone(
    client: TestClient, admin: dict[str, str], settings: Settings
) -> None:
    data = photo(900, 600)
    first, second = (upload(client, admin, data).json()["data"] for _ in range(2))
    files = stored(settings, first["attributes"])
    assert files == stored(settings, second["attributes"])

    client.delete(f"{URL}/{first['id']}", headers=admin)
    assert all(path.exists() for path in files)
    client.delete(f"{URL}/{second['id']}", headers=admin)
    assert not any(path.exists() for path in files)


# -- lead images and embeds ------------------------------------------------------------------


def story_document(db: Database, **relationships: Any) -> dict[str, Any]:
    return {
        "data": {
            "type": "news_items",
            "attributes": {
                "publish_date": "2026-11-20 10:00:00",
                "enabled": True,
                "texts": [{"locale": "nl", "title": "Tornooi", "content": "Goed gedaan."}],
            },
            "relationships": {
                "application": {"data": {"type": "applications", "id": str(app_id(db, "judo"))}},
                **relationships,
            },
        }
    }


def test_a_story_leads_with_an_image_which_cannot_be_deleted(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    image = upload(client, admin, photo(900, 600)).json()["data"]["id"]
    document = story_document(db, image={"data": {"type": "images", "id": image}})

    created = client.post("/api/v1/news_items", json=document, headers=admin)

    assert created.status_code == 201, created.text
    story = created.json()["data"]
    assert story["relationships"]["image"] == {"data": {"type": "images", "id": image}}
    refused = error(client.delete(f"{URL}/{image}", headers=admin), 409)
    assert f"news_items {story['id']}" in refused["detail"]

    none = {"data": {"type": "news_items", "relationships": {"image": {"data": None}}}}
    patched = client.patch(f"/api/v1/news_items/{story['id']}", json=none, headers=admin)
    assert patched.json()["data"]["relationships"]["image"] == {"data": None}
    assert client.delete(f"{URL}/{image}", headers=admin).status_code == 204


@pytest.mark.parametrize(
    "image",
    [
        {"data": {"type": "images", "id": "999"}},
        {"data": {"type": "applications", "id": "1"}},
        {"data": {"type": "images", "id": "x"}},
    ],
)
def test_a_lead_image_must_exist(
    client: TestClient, admin: dict[str, str], db: Database, image: dict[str, Any]
) -> None:
    response = client.post(
        "/api/v1/news_items", json=story_document(db, image=image), headers=admin
    )

    assert error(response, 422)["source"] == {"pointer": "/data/relationships/image"}


def test_a_page_leads_with_an_image(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    image = upload(client, admin, photo(900, 600)).json()["data"]["id"]
    page = db.fetchvalue("SELECT min(id) FROM pages")
    document = {
        "data": {
            "type": "pages",
            "relationships": {"image": {"data": {"type": "images", "id": image}}},
        }
    }

    patched = client.patch(f"/api/v1/pages/{page}", json=document, headers=admin)

    assert patched.json()["data"]["relationships"]["image"]["data"]["id"] == image
    assert f"pages {page}" in error(client.delete(f"{URL}/{image}", headers=admin), 409)["detail"]
    missing = {
        "data": {
            "type": "pages",
            "relationships": {"image": {"data": {"type": "images", "id": "12345"}}},
        }
    }
    error(client.patch(f"/api/v1/pages/{page}", json=missing, headers=admin), 422)


def test_an_image_embedded_in_markdown_cannot_be_deleted(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    image = upload(client, admin, photo(900, 600)).json()["data"]["id"]
    other = upload(client, admin, photo(901, 600)).json()["data"]["id"]
    document = story_document(db)
    document["data"]["attributes"]["texts"][0]["content"] = f"Kijk:\n\n![De mat](image:{image})"

    story = client.post("/api/v1/news_items", json=document, headers=admin).json()["data"]

    assert f'src="image:{image}"' in story["attributes"]["texts"][0]["html_content"]
    assert (
        f"news_items {story['id']}"
        in error(client.delete(f"{URL}/{image}", headers=admin), 409)["detail"]
    )
    assert client.delete(f"{URL}/{other}", headers=admin).status_code == 204


def test_a_text_cannot_embed_an_image_that_does_not_exist(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    document = story_document(db)
    document["data"]["attributes"]["texts"][0]["summary"] = "Kijk: ![De mat](image:4242)"

    response = client.post("/api/v1/news_items", json=document, headers=admin)

    assert error(response, 422)["source"] == {"pointer": "/data/attributes/texts/0/summary"}
    assert "4242" in error(response, 422)["detail"]


def test_a_coach_shows_a_portrait_which_cannot_be_deleted(
    client: TestClient, admin: dict[str, str], builds: Builds
) -> None:
    image = upload(client, admin, photo(600, 600)).json()["data"]["id"]
    photo_of = {"photo": {"data": {"type": "images", "id": image}}}
    coaches = "/api/v1/trainings/coaches"

    created = client.post(
        coaches,
        headers=admin,
        json={
            "data": {
                "type": "coaches",
                "attributes": {"name": "Ann Peeters"},
                "relationships": photo_of,
            }
        },
    )

    assert created.status_code == 201, created.text
    coach = created.json()["data"]
    assert coach["relationships"]["photo"] == {"data": {"type": "images", "id": image}}
    assert client.get(f"{coaches}/{coach['id']}").json()["data"]["relationships"] == {
        "photo": {"data": {"type": "images", "id": image}}
    }
    assert (
        f"coaches {coach['id']}"
        in error(client.delete(f"{URL}/{image}", headers=admin), 409)["detail"]
    )
    unknown = {
        "data": {
            "type": "coaches",
            "relationships": {"photo": {"data": {"type": "images", "id": "777"}}},
        }
    }
    refused = client.patch(f"{coaches}/{coach['id']}", json=unknown, headers=admin)
    assert error(refused, 422)["source"] == {"pointer": "/data/relationships/photo"}
    removed = {"data": {"type": "coaches", "relationships": {"photo": {"data": None}}}}
    patched = client.patch(f"{coaches}/{coach['id']}", json=removed, headers=admin)
    assert patched.json()["data"]["relationships"]["photo"] == {"data": None}
    assert builds.changes >= 2
    assert client.delete(f"{URL}/{image}", headers=admin).status_code == 204
