"""Notifications in a browser: the page kept open while someone else cancels a
show the MC hosts; the header's count and a polite live region say so without a
reload, the new notification appears at the top, and marking one read works."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.web.browser import audit, playwright_api, shot, sign_in
from tests.web.conftest import MC, LiveServer
from tests.web.test_notifications import cancel_a_show_of

expect = playwright_api.expect


def _count(page: Any) -> int:
    label = page.locator("#nav-notifications").get_attribute("aria-label") or ""
    found = re.fullmatch(r"Notifications, (\d+) unread", label)
    assert found, label
    return int(found.group(1))


def test_a_new_notification_reaches_the_open_page_without_a_reload(
    server: LiveServer, page: Any, tmp_path: Path
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, server, MC)
    before = _count(page)
    assert before > 0
    with page.expect_response(lambda r: r.url.endswith("/notifications/stream")):
        page.get_by_role("link", name=f"Notifications, {before} unread").click()
    page.wait_for_url(f"{server.url}/notifications")
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    audit(page)
    page.evaluate("window.__notReloaded = true")
    listed = page.locator("#notification-list > li.unread").count()

    show_uid = cancel_a_show_of(server.services, MC)

    live = page.locator("#live-notifications")  # a polite live region, no second "status"
    expect(live).to_contain_text("New notification:", timeout=10_000)
    expect(live).to_contain_text("was cancelled")
    assert live.get_attribute("aria-live") == "polite"
    services = server.services
    mc = services.users.actor(services.users.by_email(MC).uid)
    after = services.notifications.unread_count(actor=mc)
    assert after > before
    link = page.locator("#nav-notifications")
    expect(link).to_have_attribute("aria-label", f"Notifications, {after} unread")
    expect(link).to_contain_text(f"({after})")
    first = page.locator("#notification-list > li").first
    expect(page.locator("#notification-list > li.unread")).to_have_count(listed + after - before)
    expect(first).to_contain_text("Unread")
    expect(first.get_by_role("link")).to_have_attribute("href", f"/board/shows/{show_uid}")
    assert page.evaluate("window.__notReloaded") is True  # the same page, not reloaded
    audit(page)
    shot(page, "notifications-live", tmp_path)

    # the new one can be marked read from the page it appeared on
    first.get_by_role("button", name=re.compile("^Mark read")).click()
    page.wait_for_url(f"{server.url}/notifications")
    expect(page.get_by_role("status")).to_contain_text("The notification is marked read.")
    assert _count(page) == after - 1
    audit(page)
    assert not [e for e in errors if "Content Security Policy" in e], errors
