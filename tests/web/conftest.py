"""A demo world for the web interface's tests, and a browser when the machine
has one (Debian's ``chromium``; skipped with the reason otherwise, a failure
under ``CI``)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import Services
from studiocore_http import Settings, create_app
from studiocore_http.demo import DEMO_ADMIN_EMAIL, seed_demo
from tests.support.idp import idp  # noqa: F401 - the local identity provider fixture
from tests.support.sse import ThreadedServer

SECRET = "web-tests-secret-" + "x" * 32
CHROMIUM = os.environ.get("STUDIOCORE_CHROMIUM", "/usr/bin/chromium")
STUDIO_MANAGER = "studio.manager@demo.studiocore.dev"
CLIENT_MANAGER = "client.manager@demo.studiocore.dev"
CLIENT_MEMBER = "client.member@demo.studiocore.dev"
MC = "mc.hana@demo.studiocore.dev"
ADMIN = DEMO_ADMIN_EMAIL


def demo_services() -> Services:
    """The demo data in memory, under the membership policy the demo serves."""
    settings = demo_settings()
    services = Services.in_memory(policy=settings.policy())
    seed_demo(services)
    return services


def demo_settings() -> Settings:
    return Settings(jwt_secret=SECRET, demo=True, log_requests=False, access_policy="membership")


class Browser(TestClient[Litestar]):
    """A test client that signs in through the sign-in page and submits forms
    with the CSRF token the page carries, as a browser does."""

    def token(self, page: str) -> str:
        found = re.search(r'name="_csrf_token" value="([^"]+)"', self.get(page).text)
        assert found, f"{page} has no CSRF field"
        return found.group(1)

    def sign_in(self, email: str) -> None:
        answer = self.post("/sign-in", data={"email": email, "_csrf_token": self.token("/sign-in")})
        assert answer.status_code == 200, answer.text
        assert "Signed in as" in answer.text

    def submit(self, page: str, action: str, **fields: str) -> Any:
        """Submit the form of ``page`` that posts to ``action``, with the CSRF
        token that form carries (a form without one fails the test)."""
        html = self.get(page).text
        form = re.search(
            rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S
        )
        assert form, f"{page} has no form posting to {action}"
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form.group(1))
        assert token, f"the form posting to {action} carries no CSRF token"
        return self.post(action, data={**fields, "_csrf_token": token.group(1)})


@pytest.fixture
def services() -> Services:
    return demo_services()


@pytest.fixture
def browser(services: Services) -> Iterator[Browser]:
    app = create_app(demo_settings(), services=services)
    with Browser(app, base_url="https://testserver.local") as client:
        yield client


def require_chromium() -> str:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return CHROMIUM
    reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI requires the browser tests to run", pytrace=False)
    pytest.skip(f"{reason}; the browser tests need it")


class LiveServer(ThreadedServer):
    """The app on a free local port, in a thread, over in-memory demo data
    (under ``root_path`` as ``studiocore serve --root-path`` serves it)."""

    def __init__(self, services: Services, *, root_path: str = "") -> None:
        self.services = services
        super().__init__(create_app(demo_settings(), services=services), root_path=root_path)


@pytest.fixture
def server() -> Iterator[LiveServer]:
    with LiveServer(demo_services()) as live:
        yield live


@pytest.fixture
def page(server: LiveServer) -> Iterator[Any]:
    """A Chromium page at 1280x800 (the browser tests' fixture)."""
    chromium = require_chromium()
    playwright_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed"
    )
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        yield context.new_page()
        browser.close()
