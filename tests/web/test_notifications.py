"""Notifications in the web interface: the page of the user's own (unread
first, marked in words), marking them read, the header's unread count, and the
live stream signed in by the session cookie (no browser here; see
test_notifications_browser.py for the page that updates itself)."""

from __future__ import annotations

import re

import attrs
import httpx

from studiocore import Services, ShowQuery, ShowStatus
from studiocore_http.web.notifications import subject_link
from tests.support.sse import SseReader
from tests.web.conftest import ADMIN, MC, STUDIO_MANAGER, Browser, LiveServer, demo_services

COUNT = re.compile(r'aria-label="Notifications, (\d+) unread"')
UNREAD_ITEM = re.compile(r'<li class="notification unread">')
MARK_READ = re.compile(r'action="(/notifications/(notif_[0-9A-Z]+)/read)"')


def unread_in_header(html: str) -> int:
    found = COUNT.search(html)
    assert found, "the header has no notifications link"
    return int(found.group(1))


def cancel_a_show_of(services: Services, email: str) -> str:
    """A studio manager cancels a confirmed show ``email``'s MC profile hosts."""
    user = services.users.by_email(email)
    [mc] = [m for m in services.mcs.list() if m.user_uid == user.uid]
    hosted = services.shows.search(ShowQuery(mc_uid=mc.uid), limit=500).items
    show = next(s for s in hosted if s.show_status is ShowStatus.CONFIRMED)
    manager = services.users.actor(services.users.by_email(STUDIO_MANAGER).uid)
    services.shows.cancel(show.uid, actor=manager)
    return show.uid


def test_the_page_lists_unread_first_with_links_and_marking_one_read_lowers_the_count(
    browser: Browser, services: Services
) -> None:
    show_uid = cancel_a_show_of(services, MC)
    browser.sign_in(MC)
    mc = services.users.actor(services.users.by_email(MC).uid)
    unread = services.notifications.unread_count(actor=mc)
    total = services.notifications.page(actor=mc).total
    assert 0 < unread < 50 < total  # the demo's last day unread, older ones read
    html = browser.get("/notifications").text
    assert unread_in_header(html) == unread
    items = re.findall(r'<li class="notification (unread|read)">', html)
    assert items == ["unread"] * unread + ["read"] * (50 - unread)  # unread first, 50 a page
    assert '<strong class="tag">Unread</strong>' in html  # in words, not colour only
    assert html.count('<strong class="tag">Unread</strong>') == unread
    assert f'<a href="/board/shows/{show_uid}">' in html  # newest first, linked to its show
    assert "was cancelled" in html.split('<li class="notification', 2)[1]
    assert "UTC" in html  # the page says the zone of its times
    assert 'href="/notifications?offset=50">Next page</a>' in html
    rest = browser.get("/notifications?offset=50").text
    assert len(re.findall(r'<li class="notification read">', rest)) == total - 50
    assert "Previous page" in rest

    action, uid = MARK_READ.findall(html)[0]
    done = browser.submit("/notifications", action)
    assert done.status_code == 200
    assert "The notification is marked read." in done.text
    assert unread_in_header(done.text) == unread - 1
    assert services.notifications.get(uid, actor=mc).read_at is not None

    after = re.findall(r'<li class="notification (unread|read)">', done.text)
    assert after[:unread] == ["unread"] * (unread - 1) + ["read"]
    assert f"/notifications/{uid}/read" not in done.text

    everything = browser.submit("/notifications", "/notifications/read-all")
    assert f"{unread - 1} notifications marked read." in everything.text
    assert unread_in_header(everything.text) == 0
    assert "Notifications <span" not in everything.text  # no count shown when none
    assert UNREAD_ITEM.findall(everything.text) == []
    assert services.notifications.unread_count(actor=mc) == 0


def test_subjects_without_a_page_are_not_links(services: Services) -> None:
    mc = services.users.actor(services.users.by_email(MC).uid)
    [one] = services.notifications.page(limit=1, actor=mc).items
    uid = one.subject_uid
    pages = {
        "shows": f"/board/shows/{uid}",
        "schedules": f"/schedules/{uid}",
        "change_requests": f"/change-requests/{uid}",
        "webhook_endpoints": None,
        "comments": None,
    }
    for table, link in pages.items():
        assert subject_link(attrs.evolve(one, subject_type=table)) == link, table


def test_someone_elses_notification_is_a_404_and_the_forms_need_the_csrf_token(
    browser: Browser, services: Services
) -> None:
    cancel_a_show_of(services, MC)
    mc = services.users.actor(services.users.by_email(MC).uid)
    [theirs] = services.notifications.page(limit=1, actor=mc).items
    browser.sign_in(STUDIO_MANAGER)
    token = browser.token("/notifications")
    refused = browser.post(f"/notifications/{theirs.uid}/read", data={"_csrf_token": token})
    assert refused.status_code == 404
    assert (
        browser.post("/notifications/notif_nonsense/read", data={"_csrf_token": token}).status_code
        == 404
    )
    assert services.notifications.get(theirs.uid, actor=mc).read_at is None

    browser.post("/sign-out", data={"_csrf_token": token})
    browser.sign_in(MC)
    assert browser.post(f"/notifications/{theirs.uid}/read").status_code == 403
    assert (
        browser.post("/notifications/read-all", data={"_csrf_token": "forged"}).status_code == 403
    )
    assert services.notifications.unread_count(actor=mc) > 0


def test_signed_out_pages_have_no_count_and_the_stream_needs_the_session(
    browser: Browser,
) -> None:
    signed_out = browser.get("/sign-in").text
    assert "nav-notifications" not in signed_out
    assert "notifications.js" not in signed_out  # the script only for a signed-in user
    for path in ("/notifications", "/notifications/stream"):
        answer = browser.get(path, follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (302, "/sign-in")
    schema = browser.get("/schema/openapi.json").json()
    assert not [p for p in schema["paths"] if p.startswith("/notifications")]
    browser.sign_in(ADMIN)
    page = browser.get("/notifications").text
    assert unread_in_header(page) == 0
    assert "No notifications yet." in page
    assert '<script src="/static/notifications.js" defer></script>' in page
    bad = browser.get("/notifications/stream", headers={"Last-Event-ID": "not-a-uid"})
    assert bad.status_code in (400, 422)
    assert "Last-Event-ID" in bad.text


def _session_cookie(server: LiveServer, email: str) -> str:
    """Sign in over plain HTTP as a browser would (its Secure cookies sent by hand)."""
    form = httpx.get(f"{server.url}/sign-in")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
    assert token
    csrf = form.headers["set-cookie"].split(";", 1)[0]
    signed = httpx.post(
        f"{server.url}/sign-in",
        data={"email": email, "_csrf_token": token.group(1)},
        headers={"Cookie": csrf},
    )
    assert signed.status_code == 302, signed.text
    cookie: str = signed.headers["set-cookie"].split(";", 1)[0]
    assert cookie.startswith("studiocore_session=")
    return cookie


def test_the_stream_carries_the_session_users_own_notifications_live() -> None:
    services = demo_services()
    with LiveServer(services) as server:
        cookies = {email: _session_cookie(server, email) for email in (MC, ADMIN)}
        url = f"{server.url}/notifications/stream"
        mine = SseReader(url, {"Cookie": cookies[MC]})
        stranger = SseReader(url, {"Cookie": cookies[ADMIN]})
        try:
            show_uid = cancel_a_show_of(services, MC)
            event = mine.next(timeout=5)
            assert event.event == "notification"
            body = event.json()
            assert (body["kind"], body["subject_uid"]) == ("show_cancelled", show_uid)
            assert event.id == body["uid"]
            assert stranger.nothing_within(0.5)
        finally:
            mine.close()
            stranger.close()
