"""The whole story in one go, in a real browser on the demo data, as the
people of a studio and of its client walk it: the studio manager drafts three
shows on the board (one over a confirmed booking: flagged, with the reason,
then dragged clear), proposes the schedule; the client manager finds it in
their inbox and approves it; the studio manager confirms it and the board shows
the shows confirmed; dragging a confirmed show raises a change request, which
the client manager approves and the studio manager applies; a client member
sees only their client's shows on every page and 404 for another client's
schedule. Every page on the way passes the accessibility audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.web.browser import audit, open_board_on, open_draft_schedule, shot, sign_in, sign_out
from tests.web.conftest import CLIENT_MANAGER, CLIENT_MEMBER, STUDIO_MANAGER, LiveServer

SEOUL = ZoneInfo("Asia/Seoul")
OTHER_CLIENTS = ("Nordic Outdoor", "Kimchi Kitchen")


def draft_on_the_board(
    page: Any, room: str, hour: int, name: str, *, times: tuple[int, int] | None = None
) -> str:
    """Select the free hour ``hour`` in ``room`` on the board's day, name the
    draft (and type other ``times``, from and to an hour, when given), add it;
    the message the board answers with."""
    page.locator(f"a[aria-label='New draft in {room} at {hour:02}:00']").click()
    audit(page)
    assert page.get_by_label("Schedule").input_value()  # the one draft schedule
    page.get_by_label("Name").fill(name)
    if times is not None:
        starts = page.get_by_label("Starts (Asia/Seoul)")
        day = starts.input_value()[:11]  # 2026-12-07T
        starts.fill(f"{day}{times[0]:02}:00")
        page.get_by_label("Ends (Asia/Seoul)").fill(f"{day}{times[1]:02}:00")
    page.get_by_role("button", name="Add the draft").click()
    message: str = page.get_by_role("status").first.inner_text()
    return message


def block_of(page: Any, name: str) -> Any:
    """The board's block of the show called ``name`` (other blocks may name it
    in their conflicts)."""
    return page.locator(f"td.block:has(.name:text-is('{name}'))")


def free_hour(page: Any, room: str, hour: int) -> Any:
    """The board's free cell of ``room`` starting at ``hour``."""
    return page.locator(f"td.free:has(a[aria-label='New draft in {room} at {hour:02}:00'])")


def drag(page: Any, block: Any, target: Any) -> None:
    page.once("dialog", lambda dialog: dialog.accept())  # "Move to ...: free." - yes
    with page.expect_navigation():
        block.drag_to(target, target_position={"x": 2, "y": 5})


def inbox_link(page: Any, section: str, name: str) -> Any:
    page.get_by_role("link", name="Inbox").click()
    audit(page)
    return page.get_by_role("region", name=section).get_by_role("link", name=name)


def test_the_whole_story_in_one_go(server: LiveServer, page: Any, tmp_path: Path) -> None:
    services = server.services
    plan = next(s for s in services.schedules.list() if s.schedule_status.value == "draft")
    day: date = plan.start_time.astimezone(SEOUL).date()

    def at(hour: int) -> datetime:
        return datetime.combine(day, time(hour), SEOUL)

    rooms = {
        r.name: r.uid for r in services.studio_rooms.list(where={"studio_uid": plan.studio_uid})
    }
    # a booking confirmed directly, where the studio manager is about to draft
    services.shows.create("Booked launch", at(15), at(16), studio_room_uid=rooms["Studio A"])

    # -- the studio manager drafts on the board ---------------------------------------
    sign_in(page, server, STUDIO_MANAGER)
    open_board_on(page, server, day)
    audit(page)
    assert "added" in draft_on_the_board(page, "Studio B", 14, "Story opener")
    assert "added" in draft_on_the_board(page, "Studio C", 17, "Story encore")
    # over the booked launch: added, flagged as the room's severity says, with the reason
    flagged = draft_on_the_board(page, "Studio A", 17, "Story special", times=(15, 16))
    assert "would meet" in flagged
    special = block_of(page, "Story special")
    assert "Conflict" in special.inner_text()
    special.locator("a").focus()
    assert "Booked launch" in special.locator(".why").inner_text()
    shot(page, "board-conflict", tmp_path)
    # dragged clear of it (checked before it moves)
    drag(page, special, free_hour(page, "Studio A", 18))
    assert "Moved." in page.get_by_role("status").first.inner_text()
    assert "Conflict" not in block_of(page, "Story special").inner_text()
    drafted = {s.name: s for s in services.schedules.shows(plan.uid)}
    assert drafted["Story special"].show_start == at(18)
    assert drafted["Story opener"].studio_room_uid == rooms["Studio B"]

    # ... and proposes the schedule
    page.get_by_role("link", name="Schedules").click()
    open_draft_schedule(page)
    page.get_by_role("button", name="Propose to the client").click()
    assert "Proposed to the client" in page.get_by_role("status").inner_text()
    sign_out(page)

    # -- the client manager approves it from their inbox ------------------------------
    sign_in(page, server, CLIENT_MANAGER)
    waiting = inbox_link(page, "Schedules waiting for you", plan.name)
    shot(page, "inbox-schedule", tmp_path)
    waiting.click()
    audit(page)
    page.get_by_role("button", name="Approve").click()
    assert "Approved" in page.get_by_role("status").inner_text()
    sign_out(page)

    # -- the studio manager confirms it; the board shows the shows confirmed ----------
    sign_in(page, server, STUDIO_MANAGER)
    inbox_link(page, "Schedules waiting for you", plan.name).click()
    page.get_by_role("button", name="Confirm").click()
    assert "Confirmed" in page.get_by_role("status").inner_text()
    audit(page)
    shot(page, "schedule", tmp_path)
    open_board_on(page, server, day)
    for name in ("Story opener", "Story encore", "Story special"):
        block = block_of(page, name)
        assert "is-confirmed" in (block.get_attribute("class") or "")
        assert "Confirmed" in block.inner_text()  # in words, not only in colour

    # a confirmed show dragged to another room: a change request, not a move
    opener = block_of(page, "Story opener")
    same_time = f"td[data-first='{opener.get_attribute('data-first')}']"
    drag(page, opener, page.locator(f"tr[data-room='{rooms['Studio C']}'] {same_time}").first)
    assert page.get_by_role("heading", name="Request a move").is_visible()
    assert page.get_by_label("Kind of change").input_value() == "OPERATIONAL"  # the studio's need
    page.get_by_label("Why").fill("Studio C has the better set for the opener")
    page.get_by_role("button", name="Raise the change request").click()
    assert "Change request raised" in page.get_by_role("status").first.inner_text()
    assert services.shows.get(drafted["Story opener"].uid).studio_room_uid == rooms["Studio B"]
    sign_out(page)

    # -- the client manager approves the change, the studio applies it ----------------
    reason = "Studio C has the better set for the opener"
    sign_in(page, server, CLIENT_MANAGER)
    request = inbox_link(page, "Change requests waiting for a decision", reason)
    page.set_viewport_size({"width": 390, "height": 844})  # the inbox on a phone: cards
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "inbox-phone", tmp_path)
    page.set_viewport_size({"width": 1280, "height": 800})
    request.click()
    audit(page)
    assert "someone at the studio" in page.locator("main").inner_text()  # a name they may not read
    page.get_by_role("button", name="Approve").click()
    assert "Approved" in page.get_by_role("status").inner_text()
    sign_out(page)
    sign_in(page, server, STUDIO_MANAGER)
    inbox_link(page, "Raised by you", reason).click()
    page.get_by_role("button", name="Apply").click()
    assert "Applied" in page.get_by_role("status").inner_text()
    assert services.shows.get(drafted["Story opener"].uid).studio_room_uid == rooms["Studio C"]
    sign_out(page)

    # -- a client member sees their client's shows only, on every page ----------------
    nordic = services.clients.list(where={"name": "Nordic Outdoor"})[0]
    theirs = services.schedules.create(
        nordic.uid, plan.studio_uid, "Nordic autumn", plan.start_time, plan.end_time
    )
    sign_in(page, server, CLIENT_MEMBER)
    this_week = services.scheduling.operational_day_of(plan.studio_uid, datetime.now(SEOUL))
    visits: list[Callable[[], None]] = [
        lambda: page.get_by_role("link", name="Schedules").click(),
        lambda: page.get_by_role("link", name="Inbox").click(),
        lambda: open_board_on(page, server, this_week),
        lambda: open_board_on(page, server, day),
    ]
    for visit in visits:
        visit()
        audit(page)
        content = page.content()
        assert not [name for name in (*OTHER_CLIENTS, "Booked launch") if name in content]
    assert page.locator("td.block").count() > 0  # their own shows are there
    answer = page.goto(f"{server.url}/schedules/{theirs.uid}")
    assert answer is not None
    assert answer.status == 404
    assert "Nordic autumn" not in page.content()
    audit(page)
