"""What the browser tests share: the app on a free local port over the demo
data, a Chromium page (Playwright), the accessibility audit (axe-core) and
screenshots, and the steps every story takes (signing in, opening the board)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import CLIENT_MANAGER, CLIENT_MEMBER, MC, STUDIO_MANAGER, LiveServer

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
axe_api = pytest.importorskip(
    "axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed"
)
NAMES = {
    MC: "Hana Kim",
    STUDIO_MANAGER: "Seo-jun Han",
    CLIENT_MANAGER: "Ji-woo Park",
    CLIENT_MEMBER: "Eun-ji Song",
}


def audit(page: Any) -> None:
    """No serious or critical accessibility violation on the page."""
    results = axe_api.Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert bad == [], f"{page.url}: {bad}"


def shot(page: Any, name: str, folder: Path) -> None:
    """Save a screenshot of the page: in ``folder`` (the test's temporary
    one), or in ``$STUDIOCORE_SCREENSHOTS`` when set (how docs/images/ is made)."""
    target = Path(os.environ.get("STUDIOCORE_SCREENSHOTS") or folder)
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target / f"{name}.png"), full_page=True)


def sign_in(page: Any, server: LiveServer, email: str) -> None:
    page.goto(f"{server.url}/sign-in")
    audit(page)
    page.get_by_role("button", name=f"Sign in as {NAMES[email]}").click()
    page.wait_for_url(f"{server.url}/schedules")
    audit(page)


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()


def open_draft_schedule(page: Any) -> str:
    page.get_by_role("link", name="Glow Cosmetics - next week (draft)").click()
    audit(page)
    uid: str = page.url.rsplit("/", 1)[1]
    return uid


def open_board_on(page: Any, server: LiveServer, day: Any, studio: str = "Seoul Main") -> None:
    """The board of ``studio`` on ``day``, through the board's own controls."""
    page.get_by_role("link", name="Board").click()
    page.get_by_label("Studio", exact=True).select_option(label=studio)
    page.get_by_label("Day", exact=True).fill(day.isoformat())
    page.get_by_role("button", name="Show").click()
