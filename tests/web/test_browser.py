"""The web interface in a real browser (Chromium through Playwright) on the demo
data: each part of the Promotable Draft workflow as the studio manager and the
client manager would walk it, with the mouse and with the keyboard alone, an
accessibility audit (axe-core) of every page on the way, and screenshots."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from studiocore_http.web.board_layout import SLOT
from tests.web.browser import (
    NAMES,
    audit,
    open_board_on,
    shot,
    sign_in,
    sign_out,
)
from tests.web.conftest import CLIENT_MANAGER, MC, STUDIO_MANAGER, LiveServer


def assert_not_clipped(page: Any, tooltip: Any) -> None:
    """Each corner of ``tooltip`` is on screen and shows the tooltip itself (a
    scrolling ancestor would cut it off where it leaves that ancestor)."""
    box = tooltip.bounding_box()
    assert box is not None
    inset = 3
    corners = [
        (box["x"] + dx, box["y"] + dy)
        for dx in (inset, box["width"] - inset)
        for dy in (inset, box["height"] - inset)
    ]
    seen = page.evaluate(
        """(corners) => corners.map(([x, y]) => {
            const hit = document.elementFromPoint(x, y);
            return hit !== null && hit.closest('.why') !== null;
        })""",
        corners,
    )
    assert seen == [True] * 4, (box, seen)


def test_the_workflow_with_the_keyboard_alone(server: LiveServer, page: Any) -> None:
    def press_until_focused(name: str) -> None:
        for _ in range(60):
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.textContent.trim()")
            if focused == name:
                return
        raise AssertionError(f"Tab never reached {name!r}")

    def activate() -> None:
        with page.expect_navigation():
            page.keyboard.press("Enter")

    page.goto(f"{server.url}/sign-in")
    press_until_focused(f"Sign in as {NAMES[STUDIO_MANAGER]}")
    activate()
    assert page.url == f"{server.url}/schedules"
    press_until_focused("Glow Cosmetics - next week (draft)")
    activate()
    uid = page.url.rsplit("/", 1)[1]
    press_until_focused("Propose to the client")
    activate()
    assert page.get_by_role("status").inner_text().startswith("Done:")
    assert server.services.schedules.get(uid).schedule_status.value == "proposed"
    # the focus is visible wherever it is (an outline the stylesheet draws)
    press_until_focused("Sign out")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in {"none", ""}

    def decide(person: str, button: str) -> str:
        """Sign out, sign in as ``person``, open the schedule from the inbox and
        press ``button``: the message the page answers with."""
        press_until_focused("Sign out")
        activate()
        press_until_focused(f"Sign in as {NAMES[person]}")
        activate()
        press_until_focused("Inbox")
        activate()
        press_until_focused("Glow Cosmetics - next week (draft)")
        activate()
        press_until_focused(button)
        activate()
        message: str = page.get_by_role("status").inner_text()
        return message

    assert "Approved" in decide(CLIENT_MANAGER, "Approve")
    assert "Confirmed" in decide(STUDIO_MANAGER, "Confirm")
    assert server.services.schedules.get(uid).schedule_status.value == "confirmed"


def test_a_change_request_from_the_inbox(server: LiveServer, page: Any, tmp_path: Path) -> None:
    sign_in(page, server, CLIENT_MANAGER)
    page.get_by_role("link", name="Inbox").click()
    audit(page)
    shot(page, "inbox", tmp_path)
    page.locator("a[href^='/change-requests/']").first.click()
    audit(page)
    uid = page.url.rsplit("/", 1)[1]
    page.get_by_role("button", name="Approve").click()
    assert "Approved" in page.get_by_role("status").inner_text()
    sign_out(page)

    sign_in(page, server, STUDIO_MANAGER)
    page.goto(f"{server.url}/change-requests/{uid}")
    page.get_by_role("button", name="Apply").click()
    assert "Applied" in page.get_by_role("status").inner_text()
    audit(page)
    assert server.services.change_requests.get(uid).status.value == "applied"
    # the schedule's newest version, and what the change changed in it
    page.locator("p.crumbs a[href^='/schedules/']").click()
    page.locator("a[href*='/diff/']").last.click()
    audit(page)
    assert page.get_by_role("heading", level=1).inner_text().endswith("version 4 to 5")


def test_the_agenda_on_a_phone(server: LiveServer, page: Any, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, server, MC)
    page.get_by_role("link", name="Agenda").click()
    audit(page)
    assert page.get_by_role("heading", name="My agenda").is_visible()
    # nothing wider than the phone: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "agenda-phone", tmp_path)


def test_drafting_on_the_board(server: LiveServer, page: Any, tmp_path: Path) -> None:
    services = server.services
    plan = next(s for s in services.schedules.list() if s.schedule_status.value == "draft")
    [first, *_] = services.schedules.shows(plan.uid)
    # a confirmed booking where the studio manager is about to draft
    booked = services.shows.create(
        "Booked launch",
        first.show_start + timedelta(hours=3),
        first.show_start + timedelta(hours=4),
        studio_room_uid=first.studio_room_uid,
    ).show
    day = services.scheduling.operational_day_of(plan.studio_uid, first.show_start)
    sign_in(page, server, STUDIO_MANAGER)
    page.get_by_role("link", name="Board").click()
    audit(page)
    page.get_by_label("Day", exact=True).fill(day.isoformat())
    page.get_by_role("button", name="Show").click()
    audit(page)
    # free time in the booked show's room: the new-draft form, with that room; then
    # the times of the booked show (typed: the board offers no free time there)
    room = services.studio_rooms.get(first.studio_room_uid or "").name
    page.locator(f"a[aria-label^='New draft in {room} at ']").first.click()
    audit(page)
    assert page.get_by_label("Room").input_value() == first.studio_room_uid
    seoul = ZoneInfo("Asia/Seoul")
    page.get_by_label("Name").fill("Over the launch")
    page.get_by_label("Starts (Asia/Seoul)").fill(
        booked.show_start.astimezone(seoul).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("Ends (Asia/Seoul)").fill(
        booked.show_end.astimezone(seoul).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Add the draft").click()
    assert "would meet" in page.get_by_role("status").inner_text()
    block = page.locator("td.block.is-draft", has_text="Over the launch")
    assert "Conflict" in block.inner_text()
    block.hover()
    assert "Booked launch" in block.locator(".why").inner_text()  # the reason, on hover
    assert_not_clipped(page, block.locator(".why"))
    audit(page)
    shot(page, "board", tmp_path)

    # move it away, checked first
    block.locator("a").click()
    audit(page)
    start = page.get_by_label("Starts (Asia/Seoul)")
    later = (booked.show_end + timedelta(hours=2)).astimezone(ZoneInfo("Asia/Seoul"))
    start.fill(later.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends (Asia/Seoul)").fill(
        (later + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Check").click()
    assert "Free:" in page.get_by_role("status").inner_text()
    audit(page)
    page.get_by_role("button", name="Move").click()
    assert "Moved." in page.get_by_role("status").inner_text()
    [moved] = [s for s in services.schedules.shows(plan.uid) if s.name == "Over the launch"]
    assert moved.show_start == later


def test_the_board_with_the_keyboard_alone(server: LiveServer, page: Any) -> None:
    services = server.services
    plan = next(s for s in services.schedules.list() if s.schedule_status.value == "draft")
    sign_in(page, server, STUDIO_MANAGER)
    page.goto(f"{server.url}/board")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "New draft":
            break
    else:
        raise AssertionError("Tab never reached New draft")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # skip link, then the form's fields in order
    page.get_by_label("Name").focus()
    page.keyboard.type("Typed draft")
    start = plan.start_time.astimezone(ZoneInfo("Asia/Seoul")).replace(hour=8)
    page.get_by_label("Starts (Asia/Seoul)").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ends (Asia/Seoul)").fill(
        (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("Ends (Asia/Seoul)").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # submits the form
    assert 'Draft "Typed draft" added.' in page.get_by_role("status").inner_text()
    assert [s for s in services.schedules.shows(plan.uid) if s.name == "Typed draft"]


def focus_a_draft_on_the_board(page: Any, server: LiveServer) -> Any:
    """As the studio manager, the board of the demo's first draft, that draft
    focused (dialogs accepted); the draft."""
    services = server.services
    plan = next(s for s in services.schedules.list() if s.schedule_status.value == "draft")
    draft = services.schedules.shows(plan.uid)[0]
    sign_in(page, server, STUDIO_MANAGER)
    day = services.scheduling.operational_day_of(plan.studio_uid, draft.show_start)
    open_board_on(page, server, day)
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator(f"td[data-show='{draft.uid}'] a").focus()
    return draft


def test_moving_a_draft_with_the_keyboard_checks_first(server: LiveServer, page: Any) -> None:
    services = server.services
    draft = focus_a_draft_on_the_board(page, server)
    for _ in range(4):  # an hour later, a quarter at a time
        page.keyboard.press("Alt+ArrowRight")
    live = page.locator("#board-live")
    later = draft.show_start + timedelta(hours=1)
    expected = later.astimezone(ZoneInfo("Asia/Seoul")).strftime("%H:%M")
    live.get_by_text(expected).wait_for()  # the check's answer, before anything moved
    assert "free" in live.inner_text() or "would" in live.inner_text()
    assert services.shows.get(draft.uid).show_start == draft.show_start
    with page.expect_navigation():
        page.keyboard.press("Alt+Enter")
    assert "Moved." in page.get_by_role("status").first.inner_text()
    assert services.shows.get(draft.uid).show_start == later
    audit(page)


def test_dragging_a_confirmed_show_raises_a_change_request(server: LiveServer, page: Any) -> None:
    services = server.services
    plan = next(s for s in services.schedules.list() if s.schedule_status.value == "confirmed")
    show = next(s for s in services.schedules.shows(plan.uid) if s.show_status.value == "confirmed")
    rooms = services.studio_rooms.list(where={"studio_uid": plan.studio_uid})
    other = next(r for r in rooms if r.uid != show.studio_room_uid)
    sign_in(page, server, STUDIO_MANAGER)
    open_board_on(
        page, server, services.scheduling.operational_day_of(plan.studio_uid, show.show_start)
    )
    page.on("dialog", lambda dialog: dialog.accept())
    source = page.locator(f"td[data-show='{show.uid}']")
    first = source.get_attribute("data-first")
    target = page.locator(f"tr[data-room='{other.uid}'] td[data-first='{first}']").first
    with page.expect_navigation():
        source.drag_to(target, target_position={"x": 2, "y": 5})
    assert page.get_by_role("heading", name="Request a move").is_visible()
    assert page.get_by_label("Room").input_value() == other.uid
    audit(page)
    page.get_by_label("Why").fill("The set in the other room is ready")
    page.get_by_role("button", name="Raise the change request").click()
    assert "Change request raised" in page.get_by_role("status").first.inner_text()
    raised = [
        r
        for r in services.change_requests.list(where={"schedule_uid": plan.uid})
        if r.reason == "The set in the other room is ready"
    ]
    assert [op["op"] for op in raised[0].payload["operations"]] == ["change_room"]


def test_the_admin_pages_in_the_browser(server: LiveServer, page: Any) -> None:
    page.goto(f"{server.url}/sign-in")
    page.get_by_role("button", name="Sign in as Demo Admin").click()
    page.get_by_role("link", name="Admin").click()
    audit(page)
    page.get_by_role("link", name="Clients").click()
    audit(page)
    page.get_by_role("link", name="New client").click()
    audit(page)
    page.get_by_label("Name").fill("Zephyr Audio")
    page.get_by_label("Contact e-mail").fill("not an address")
    page.get_by_role("button", name="Create").click()
    if page.get_by_label("Contact e-mail").evaluate("e => e.validity.valid"):
        audit(page)  # the server's answer, next to the field
    page.get_by_label("Contact e-mail").fill("mina@zephyr.example")
    page.get_by_role("button", name="Create").click()
    assert "was created" in page.get_by_role("status").inner_text()
    audit(page)
    assert server.services.clients.list(where={"name": "Zephyr Audio"})


def test_a_draft_is_made_longer_with_the_keyboard(server: LiveServer, page: Any) -> None:
    services = server.services
    draft = focus_a_draft_on_the_board(page, server)
    page.keyboard.press("Alt+Shift+ArrowRight")
    page.keyboard.press("Alt+Shift+ArrowRight")  # half an hour longer
    longer = draft.show_end + timedelta(minutes=30)
    page.locator("#board-live").get_by_text(
        longer.astimezone(ZoneInfo("Asia/Seoul")).strftime("%H:%M")
    ).wait_for()
    with page.expect_navigation():
        page.keyboard.press("Alt+Enter")
    moved = services.shows.get(draft.uid)
    assert (moved.show_start, moved.show_end) == (draft.show_start, longer)


def test_a_draft_is_made_longer_with_the_mouse(server: LiveServer, page: Any) -> None:
    services = server.services
    draft = focus_a_draft_on_the_board(page, server)
    cell = page.locator(f"td[data-show='{draft.uid}']")
    after = int(cell.get_attribute("data-first") or 0) + int(cell.get_attribute("colspan") or 1)
    row = cell.locator("xpath=..")
    target = row.locator(f"td[data-first='{after}']")  # the free time right after it
    with page.expect_navigation():
        cell.locator(".grip").drag_to(target, target_position={"x": 2, "y": 5})
    assert "Moved." in page.get_by_role("status").first.inner_text()
    moved = services.shows.get(draft.uid)
    # the end to the end of the quarter-hour dropped on; the start where it was
    assert (moved.show_start, moved.show_end) == (draft.show_start, draft.show_end + SLOT)
