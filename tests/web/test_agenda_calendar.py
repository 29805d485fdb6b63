"""The agenda's calendar links: an MC makes a link of their own shows, copies
it (``https://`` or ``webcal://``), and revokes it; over HTTP and in a browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import icalendar

from studiocore import Services, ShowQuery
from tests.web.browser import audit, shot, sign_in
from tests.web.conftest import MC, STUDIO_MANAGER, Browser, LiveServer

LINK = re.compile(r'readonly value="(https://testserver\.local/api/v1/calendar-feeds/[^"]+\.ics)"')


def _mc_of(services: Services, email: str) -> str:
    user = services.users.by_email(email)
    [mine] = [m for m in services.mcs.list() if m.user_uid == user.uid]
    return mine.uid


def test_an_mc_makes_a_calendar_link_of_their_shows_and_revokes_it(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(MC)
    mc = _mc_of(services, MC)
    assert "Subscribe in your calendar app" in browser.get("/agenda").text
    made = browser.submit("/agenda", "/agenda", op="subscribe", mc_uid=mc)
    assert made.status_code == 200, made.text
    assert "Your calendar link is below" in made.text
    [url] = LINK.findall(made.text)
    assert f'href="webcal://{url.removeprefix("https://")}"' in made.text
    assert "Hana" in made.text  # the link says whose shows it holds
    feed = browser.get(url.removeprefix("https://testserver.local"), headers={"Cookie": ""})
    assert feed.status_code == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    hosted = services.shows.search(ShowQuery(mc_uid=mc), limit=500).items
    listed = {str(e["UID"]).removesuffix("@studiocore") for e in events}
    assert listed
    assert listed <= {s.uid for s in hosted}
    again = browser.submit("/agenda", "/agenda", op="subscribe", mc_uid=mc)
    assert LINK.findall(again.text) == [url]  # one link per calendar, not one per click
    feed_uid = url.rsplit("/", 1)[1].split(".", 1)[0]
    revoked = browser.submit("/agenda", "/agenda", op="revoke", feed_uid=feed_uid)
    assert "revoked" in revoked.text
    assert LINK.findall(revoked.text) == []
    assert browser.get(url.removeprefix("https://testserver.local")).status_code == 404


def test_no_link_of_someone_elses_mc_and_no_revoking_someone_elses_link(
    browser: Browser, services: Services
) -> None:
    mc = _mc_of(services, MC)
    owner = services.users.actor(services.users.by_email(MC).uid)
    theirs = services.calendar_feeds.create("mc", mc, actor=owner)
    browser.sign_in(STUDIO_MANAGER)
    page = browser.get("/agenda").text
    assert 'name="op" value="subscribe"' not in page  # no MC profile: nothing to subscribe to
    refused = browser.post(
        "/agenda",
        data={"op": "subscribe", "mc_uid": mc, "_csrf_token": browser.token("/agenda")},
    )
    assert "Refused:" in refused.text
    assert (
        services.calendar_feeds.list(
            actor=services.users.actor(services.users.by_email(STUDIO_MANAGER).uid)
        )
        == []
    )
    refused = browser.post(
        "/agenda",
        data={"op": "revoke", "feed_uid": theirs.uid, "_csrf_token": browser.token("/agenda")},
    )
    assert "Refused:" in refused.text
    assert services.calendar_feeds.live(theirs.uid) == theirs  # still working


def test_the_forms_need_the_csrf_token(browser: Browser, services: Services) -> None:
    browser.sign_in(MC)
    answer = browser.post("/agenda", data={"op": "subscribe", "mc_uid": _mc_of(services, MC)})
    assert answer.status_code == 403
    assert services.calendar_feeds.list() == []


def test_the_calendar_link_on_a_phone(server: LiveServer, page: Any, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, server, MC)
    page.goto(f"{server.url}/agenda")
    page.get_by_role("button", name="Create a calendar link").click()
    assert "calendar link is below" in page.get_by_role("status").inner_text()
    link = page.get_by_label("Link to copy into your calendar app")
    assert link.input_value().startswith(f"{server.url}/api/v1/calendar-feeds/")
    audit(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "agenda-calendar-link-phone", tmp_path)
    page.get_by_role("button", name=re.compile("^Revoke")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "revoked" in page.get_by_role("status").inner_text()
    assert page.get_by_label("Link to copy into your calendar app").count() == 0
