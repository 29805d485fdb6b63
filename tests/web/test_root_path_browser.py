"""The web interface in a browser behind a reverse proxy that serves it under
``/sc`` and strips the prefix: the app runs in uvicorn with ``root_path="/sc"``
(what ``studiocore serve --root-path /sc`` does) behind a stripping proxy on
another port (tests/support/proxy.py, which refuses any path outside ``/sc``);
``page.route`` aborts anything the page asks for that is not behind the proxy's
``/sc``, so a URL that lost the prefix fails the test.

(``page.route`` alone cannot be the proxy: Playwright calls a route handler only
for the first URL of a redirect chain, so the request that follows a redirect
would reach the app unstripped.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import pytest

from studiocore import ScheduleStatus
from tests.support.proxy import StrippingProxy
from tests.web.browser import audit, open_board_on, playwright_api, shot, sign_in, sign_out
from tests.web.conftest import MC, STUDIO_MANAGER, LiveServer, demo_services
from tests.web.test_notifications import cancel_a_show_of

expect = playwright_api.expect
PREFIX = "/sc"
STREAM = "/notifications/stream"
CONNECTED = b": connected"


class ProxiedServer(LiveServer):
    """The app with ``root_path="/sc"`` behind a stripping proxy: ``url`` is
    where the browser reaches it (the proxy's ``/sc``); ``refused`` what the
    proxy and the page's route refused."""

    def __init__(self) -> None:
        super().__init__(demo_services(), root_path=PREFIX)
        self.proxy = StrippingProxy(self.url, PREFIX)
        self.refused: list[str] = []

    def __enter__(self) -> Self:
        super().__enter__()
        self.proxy.__enter__()
        self.url = self.proxy.url
        return self

    def __exit__(self, *exc: object) -> None:
        self.proxy.__exit__(*exc)
        super().__exit__(*exc)

    def route(self, request: Any) -> None:
        """The page's requests: to the proxy behind ``/sc``, nothing else."""
        url: str = request.url
        if not (url == self.url or url.startswith(self.url + "/")):
            self.refused.append(url)


def _an_error(message: Any) -> bool:
    """A console error, but for the browser's own ``/favicon.ico`` at the root
    of the proxy's host (no page asks for it; the proxy serves only ``/sc``)."""
    where: str = (message.location or {}).get("url", "")
    return message.type == "error" and not where.endswith("/favicon.ico")


@pytest.fixture
def server() -> Iterator[ProxiedServer]:
    with ProxiedServer() as live:
        yield live


@pytest.fixture
def proxied(server: ProxiedServer, page: Any) -> Any:
    """The browser's page, its requests kept behind the proxy's prefix."""
    page.on("request", server.route)
    return page


def test_signing_in_the_board_the_agenda_a_comment_and_live_notifications_behind_the_prefix(
    server: ProxiedServer, proxied: Any, tmp_path: Path
) -> None:
    page = proxied
    services = server.services
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if _an_error(m) else None)
    with page.expect_response(lambda r: r.url == server.url + STREAM) as stream:
        sign_in(page, server, STUDIO_MANAGER)  # /sc/sign-in, redirected to /sc/schedules
    assert stream.value.status == 200
    assert stream.value.headers["content-type"].startswith("text/event-stream")
    server.proxy.wait_for(CONNECTED, 1)  # the stream's first comment came through

    # the board (its GET form), board.js's check of a move, a link to a show
    plan = next(s for s in services.schedules.list() if s.schedule_status is ScheduleStatus.DRAFT)
    draft = services.schedules.shows(plan.uid)[0]
    open_board_on(
        page, server, services.scheduling.operational_day_of(plan.studio_uid, draft.show_start)
    )
    assert page.url.startswith(f"{server.url}/board?")
    page.locator(f"td[data-show='{draft.uid}'] a").focus()
    with page.expect_response(lambda r: "/check.json" in r.url) as check:
        page.keyboard.press("Alt+ArrowRight")
    assert check.value.url.startswith(f"{server.url}/board/shows/{draft.uid}/check.json?")
    assert check.value.status == 200
    page.locator("#board-live").get_by_text("free").or_(
        page.locator("#board-live").get_by_text("would")
    ).first.wait_for()
    page.locator(f"td[data-show='{draft.uid}'] a").click()
    page.wait_for_url(f"{server.url}/board/shows/{draft.uid}")
    expect(page.get_by_role("heading", level=1)).to_have_text(draft.name)

    # a form: a comment on the show, back on its page
    page.get_by_label("Add a comment").fill("Seen through the proxy")
    page.get_by_role("button", name="Comment").click()
    page.wait_for_url(f"{server.url}/board/shows/{draft.uid}#comments")
    expect(page.get_by_text("Seen through the proxy")).to_be_visible()
    assert [c.content for c in services.comments.thread(draft.uid).items][-1:] == [
        "Seen through the proxy"
    ]

    page.get_by_role("link", name="Agenda").click()
    page.wait_for_url(f"{server.url}/agenda")
    expect(page.get_by_role("heading", name="My agenda")).to_be_visible()
    audit(page)
    sign_out(page)
    page.wait_for_url(f"{server.url}/sign-in")

    # live notifications: the stream behind the prefix delivers, the new link works
    streams = server.proxy.passed(CONNECTED)  # signed out: no page streams
    sign_in(page, server, MC)
    server.proxy.wait_for(CONNECTED, streams + 1)  # the schedules page's stream
    page.get_by_role("link", name="Notifications", exact=False).first.click()
    page.wait_for_url(f"{server.url}/notifications")
    server.proxy.wait_for(CONNECTED, streams + 2)  # this page's stream listens now
    show_uid = cancel_a_show_of(services, MC)
    expect(page.locator("#live-notifications")).to_contain_text("New notification:", timeout=10_000)
    first = page.locator("#notification-list > li").first.get_by_role("link")
    expect(first).to_have_attribute("href", f"{PREFIX}/board/shows/{show_uid}")
    first.click()
    page.wait_for_url(f"{server.url}/board/shows/{show_uid}")
    shot(page, "root-path-show", tmp_path)

    refused = server.refused + server.proxy.refused
    assert [u for u in refused if not u.endswith("/favicon.ico")] == []
    assert errors == []
