"""The interactive API docs at ``/schema`` in a real browser with the network
unplugged: every request that leaves the machine is aborted (and recorded),
and the page still renders the operations, styled, from the application's own
Swagger UI assets (``studiocore_http.api_docs``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tests.web.conftest import LiveServer

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def unplug(page: Any) -> list[str]:
    """Abort every request of ``page`` to a host other than this machine; the
    list fills with the URLs aborted."""
    aborted: list[str] = []

    def handle(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).scheme in {"http", "https"} and urlsplit(url).hostname not in LOCAL_HOSTS:
            aborted.append(url)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/*", handle)
    return aborted


def test_the_docs_render_every_operation_with_the_network_unplugged(
    server: LiveServer, page: Any
) -> None:
    aborted = unplug(page)
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{server.url}/schema")
    operation = page.locator("#operations-studios-ListStudios")
    operation.wait_for(state="visible", timeout=30_000)

    assert page.locator(".opblock-tag", has_text="studios").first.is_visible()
    assert page.locator(".opblock").count() > 100  # every operation, collapsed
    # the stylesheet came from the application: Swagger's own rules apply
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.opblock-get')).borderTopStyle"
    ) not in {"", "none"}
    assert page.evaluate(
        "Array.from(document.styleSheets).some(s => (s.href || '').includes('/schema/assets/'))"
    )

    # an operation opens and shows its typed error responses
    create = page.locator("#operations-studios-CreateStudio")
    create.locator(".opblock-summary").click()
    responses = create.locator(".responses-table").first
    responses.wait_for(state="visible", timeout=10_000)
    for status in ("201", "401", "409", "422"):
        assert responses.locator(f"tr[data-code='{status}']").count() == 1, status

    assert aborted == [], f"the docs reached for the internet: {aborted}"
    assert failed == []
    assert errors == []
