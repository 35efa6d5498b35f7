"""The refresh cookie of the staff workspace: set on login and refresh, read beside the form
field, never handed back in a body when it came from the cookie, cleared on logout."""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.testclient import TestClient

from kwai_api.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from kwai_api.identity.auth_routes import REFRESH_COOKIE

LOGIN = "/api/v1/auth/login"
LOGOUT = "/api/v1/auth/logout"
REFRESH = "/api/v1/auth/access_token"
USER = "/api/v1/auth/user"


def refresh_cookie(response: object) -> SimpleCookie:
    """The refresh cookie the answer sets (the test client keeps no Secure cookie over http)."""
    cookie = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):  # type: ignore[attr-defined]
        cookie.load(header)
    assert REFRESH_COOKIE in cookie, response.headers  # type: ignore[attr-defined]
    return cookie


def cookie_header(value: str) -> dict[str, str]:
    return {"Cookie": f"{REFRESH_COOKIE}={value}"}


def log_in(client: TestClient) -> tuple[dict[str, str], str]:
    response = client.post(LOGIN, data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert response.status_code == 200, response.text
    return response.json(), refresh_cookie(response)[REFRESH_COOKIE].value


def test_login_sets_an_http_only_strict_secure_cookie_on_the_token_path(client: TestClient) -> None:
    response = client.post(LOGIN, data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    morsel = refresh_cookie(response)[REFRESH_COOKIE]
    assert morsel.value == response.json()["refresh_token"]
    assert morsel["httponly"] is True
    assert morsel["secure"] is True
    assert morsel["samesite"].lower() == "strict"
    assert morsel["path"] == "/api/v1/auth"
    assert int(morsel["max-age"]) == 30 * 86_400


def test_the_cookie_refreshes_and_its_token_stays_out_of_the_body(client: TestClient) -> None:
    first, cookie = log_in(client)
    client.cookies.clear()
    response = client.post(REFRESH, headers=cookie_header(cookie))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "expiration"}
    rotated = refresh_cookie(response)[REFRESH_COOKIE].value
    assert rotated != cookie
    assert client.get(USER, headers={"Authorization": f"Bearer {body['access_token']}"}).is_success
    # the old pair was rotated away
    assert (
        client.get(USER, headers={"Authorization": f"Bearer {first['access_token']}"}).status_code
        == 401
    )


def test_the_form_field_wins_over_the_cookie(client: TestClient) -> None:
    tokens, cookie = log_in(client)
    response = client.post(
        REFRESH,
        data={"refresh_token": tokens["refresh_token"]},
        headers=cookie_header("not-a-token"),
    )
    assert response.status_code == 200
    assert "refresh_token" in response.json()  # an old client gets its pair as before


def test_a_refused_cookie_is_cleared(client: TestClient) -> None:
    response = client.post(REFRESH, headers=cookie_header("forged"))
    assert response.status_code == 401
    assert response.json()["errors"][0]["source"]["pointer"] == "/refresh_token"
    assert refresh_cookie(response)[REFRESH_COOKIE]["max-age"] == "0"


def test_without_field_or_cookie_the_field_is_named(client: TestClient) -> None:
    response = client.post(REFRESH, data={})
    assert response.status_code == 422
    assert response.json()["errors"][0]["source"]["pointer"] == "/refresh_token"


def test_logout_with_the_cookie_revokes_the_login_and_clears_the_cookie(client: TestClient) -> None:
    tokens, cookie = log_in(client)
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    response = client.post(LOGOUT, headers={**bearer, **cookie_header(cookie)})
    assert response.status_code == 204
    assert refresh_cookie(response)[REFRESH_COOKIE]["max-age"] == "0"
    assert client.get(USER, headers=bearer).status_code == 401
    assert client.post(REFRESH, headers=cookie_header(cookie)).status_code == 401
