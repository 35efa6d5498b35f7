"""Identity end to end: a real `kwai serve`, a real SMTP server and headless Chromium.

An admin invites someone through the API; the mail arrives; its link, opened in Chromium, makes
the account; the new user logs in on /auth/login/. Someone who forgot the password asks for a
link on /auth/recover/, chooses a new password on /auth/reset/, and only the new one works.
"""

from __future__ import annotations

import email
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller

from kwai_api.core.database import open_database
from kwai_api.demo import ADMIN_EMAIL, ADMIN_PASSWORD, create_club
from tests.conftest import ANCHOR
from tests.support.browser import Browser, browser, chromium
from tests.support.server import SECRETS, free_port, kwai_env, running_server

__all__ = ["browser", "chromium"]  # the fixtures this module uses

pytestmark = pytest.mark.browser

WAIT = 60.0  # seconds: the first build of a new server, a mail to arrive
LINK = re.compile(r"https?://\S+/auth/(?:invite|reset)/\?uuid=[0-9a-f-]{36}")
REFUSED_LOGIN = r"status of 401 .*/api/v1/auth/login"  # Chromium logs a refused fetch


@dataclass
class Mailbox:
    """An aiosmtpd handler that keeps every mail it accepts."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def link_for(self, recipient: str, kind: str) -> str:
        """The /auth/<kind>/ link of the newest mail to `recipient` (waits for it to arrive)."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for message in reversed(self.messages):
                if recipient in str(message["To"]):
                    body = message.get_body(preferencelist=("plain",))
                    assert body is not None
                    links = LINK.findall(body.get_content())
                    if links and f"/auth/{kind}/" in links[0]:
                        return str(links[0])
            time.sleep(0.05)
        raise AssertionError(f"no {kind} mail for {recipient} within {WAIT} s")


@dataclass(frozen=True)
class Club:
    """A running club: the server's URL and the SMTP server's mailbox."""

    url: str
    mailbox: Mailbox

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One call to the club's API."""
        return httpx.request(method, f"{self.url}/api/v1{path}", timeout=30, **kwargs)

    def admin(self) -> dict[str, str]:
        """Headers of the demo admin, logged in through the API."""
        answer = self.api(
            "POST", "/auth/login", data={"username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        )
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def invite(self, address: str, first_name: str, last_name: str) -> str:
        """Invite someone as the admin; the invitation's uuid."""
        document = {
            "data": {
                "type": "user_invitations",
                "attributes": {"email": address, "first_name": first_name, "last_name": last_name},
            }
        }
        answer = self.api("POST", "/auth/users/invitations", json=document, headers=self.admin())
        assert answer.status_code == 201, answer.text
        return str(answer.json()["data"]["id"])

    def send_mail(self) -> None:
        """Run the mail dispatcher now, as cron would."""
        answer = self.api(
            "POST",
            "/mails/dispatch",
            headers={"X-Kwai-Job-Secret": SECRETS["KWAI_SECURITY_JOB_SECRET"]},
        )
        assert answer.status_code == 200, answer.text


def wait_for_site(url: str) -> None:
    """Wait for the server's first build, which holds the staff pages."""
    deadline = time.monotonic() + WAIT
    while (status := httpx.get(f"{url}/auth/login/", timeout=10).status_code) == 503:
        if time.monotonic() > deadline:
            build = httpx.get(f"{url}/api/v1/health", timeout=10).json()["meta"]["last_build"]
            raise AssertionError(f"the site was not built within {WAIT} s: {build}")
        time.sleep(0.1)
    assert status == 200, status


@pytest.fixture(scope="module")
def club(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Club]:
    """The seeded club served by `kwai serve`, mailing to an SMTP server on 127.0.0.1."""
    tmp: Path = tmp_path_factory.mktemp("identity")
    db = open_database(tmp / "kwai.duckdb")
    create_club(db, anchor=ANCHOR)
    db.close()
    mailbox = Mailbox()
    port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=port)
    smtp.start()
    env = kwai_env(tmp, KWAI_EMAIL_HOST="127.0.0.1", KWAI_EMAIL_PORT=str(port))
    try:
        with running_server(tmp, env) as url:
            wait_for_site(url)
            yield Club(url, mailbox)
    finally:
        smtp.stop()


def log_in(browser: Browser, url: str, address: str, password: str) -> Any:
    """Fill in the login page in English and send it; the page."""
    page = browser.open(f"{url}/en/auth/login/", 1280)
    page.get_by_label("Email address").fill(address)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    return page


def test_invited_person_makes_an_account_and_logs_in(browser: Browser, club: Club) -> None:
    invitation = club.invite("an.peeters@example.com", "An", "Peeters")
    club.send_mail()
    link = club.mailbox.link_for("an.peeters@example.com", "invite")
    assert link == f"{club.url}/auth/invite/?uuid={invitation}"

    page = browser.open(link, 360)  # the club's language: Dutch
    assert page.locator("h1").inner_text() == "Uitnodiging aanvaarden"
    page.get_by_label("Voornaam").fill("An")
    page.get_by_label("Familienaam").fill("Peeters-Claes")
    page.get_by_label("Wachtwoord", exact=True).fill("judo-is-fijn")
    page.get_by_label("Herhaal het wachtwoord").fill("judo-is-fijn")
    page.get_by_role("button", name="Account maken").click()
    done = page.locator("#auth-done")
    done.wait_for(state="visible")
    assert "an.peeters@example.com" in done.inner_text()
    browser.screenshot(page, "e2e-invite-done-nl-360")
    seen = club.api("GET", f"/auth/users/invitations/{invitation}", headers=club.admin())
    assert seen.json()["data"]["attributes"]["confirmed_at"] is not None

    page = log_in(browser, club.url, "an.peeters@example.com", "judo-is-fijn")
    page.wait_for_url(f"{club.url}/en/staff/")  # the login leads into the workspace
    bar = page.locator(".staff-bar")
    bar.wait_for(state="visible")
    assert "Signed in as An Peeters-Claes" in bar.inner_text()
    assert page.get_by_role("link", name="People").is_hidden()  # not an admin
    refresh = cookie(page, "kwai_refresh")
    assert refresh["httpOnly"] and refresh["secure"] and refresh["sameSite"] == "Strict"
    assert refresh["path"] == "/api/v1/auth"
    assert page.evaluate("document.cookie") == ""  # out of the scripts' reach
    browser.screenshot(page, "e2e-logged-in-en-1280")
    page.reload()  # the cookie carries the session into a new page
    bar.wait_for(state="visible")
    assert "Signed in as An Peeters-Claes" in bar.inner_text()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/en/auth/login/**")
    assert not any(c["name"] == "kwai_refresh" for c in page.context.cookies())
    gone = club.api("POST", "/auth/access_token", data={"refresh_token": refresh["value"]})
    assert gone.status_code == 401  # signing out revoked the login on the server


def cookie(page: Any, name: str) -> Any:
    """The browser's cookie called `name`."""
    found = [c for c in page.context.cookies() if c["name"] == name]
    assert found, page.context.cookies()
    return found[0]


def test_forgotten_password_is_replaced_through_the_mail(browser: Browser, club: Club) -> None:
    invitation = club.invite("bert.claes@example.com", "Bert", "Claes")
    account = {
        "data": {
            "type": "user_accounts",
            "attributes": {
                "first_name": "Bert",
                "last_name": "Claes",
                "password": "oud-wachtwoord",
            },
            "relationships": {
                "user_invitation": {"data": {"type": "user_invitations", "id": invitation}}
            },
        }
    }
    assert club.api("POST", "/auth/users", json=account).status_code == 201

    page = browser.open(f"{club.url}/en/auth/recover/", 360)
    page.get_by_label("Email address").fill("bert.claes@example.com")
    page.get_by_role("button", name="Send me a link").click()
    done = page.locator("#auth-done")
    done.wait_for(state="visible")
    assert "If bert.claes@example.com belongs to an account" in done.inner_text()
    club.send_mail()
    link = club.mailbox.link_for("bert.claes@example.com", "reset")

    page = browser.open(link, 360)
    assert page.locator("h1").inner_text() == "Nieuw wachtwoord kiezen"
    page.get_by_label("Nieuw wachtwoord").fill("nieuw-wachtwoord")
    page.get_by_label("Herhaal het wachtwoord").fill("nieuw-wachtwoord")
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    page.locator("#auth-done").wait_for(state="visible")
    browser.screenshot(page, "e2e-reset-done-nl-360")

    browser.expect_error(REFUSED_LOGIN)
    page = log_in(browser, club.url, "bert.claes@example.com", "oud-wachtwoord")
    message = page.locator("#auth-message.is-error")
    message.wait_for(state="visible")
    assert "email address or the password is wrong" in message.inner_text()
    assert page.locator("#auth-form").is_visible()
    browser.screenshot(page, "e2e-login-refused-en-1280")

    page = log_in(browser, club.url, "bert.claes@example.com", "nieuw-wachtwoord")
    page.wait_for_url(f"{club.url}/en/staff/")
    page.locator(".staff-bar").wait_for(state="visible")
    assert "Signed in as Bert Claes" in page.locator(".staff-bar").inner_text()

    browser.expect_error(r"status of 410 .*/api/v1/auth/reset")
    again = browser.open(link, 360)  # a link works once
    again.get_by_label("Nieuw wachtwoord").fill("derde-wachtwoord")
    again.get_by_label("Herhaal het wachtwoord").fill("derde-wachtwoord")
    again.get_by_role("button", name="Wachtwoord opslaan").click()
    used = again.locator("#auth-message.is-error")
    used.wait_for(state="visible")
    assert "al gebruikt" in used.inner_text()  # the Dutch page says it in Dutch
