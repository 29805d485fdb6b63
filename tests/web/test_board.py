"""The planning board over HTTP, as the demo's people use it: what each sees,
drafting in free time, the conflict a draft would meet, moving a draft, and
moving a confirmed show through a change request."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from studiocore import ScheduleStatus, Services, ShowQuery, ShowStatus
from tests.web.conftest import ADMIN, CLIENT_MANAGER, CLIENT_MEMBER, STUDIO_MANAGER, Browser

SEOUL = ZoneInfo("Asia/Seoul")


def seoul(services: Services) -> str:
    return next(s.uid for s in services.studios.list() if s.time_zone == "Asia/Seoul")


def form_page(browser: Browser, path: str) -> str:
    page = browser.get(path)
    assert page.status_code == 200, page.text
    return page.text


def new_draft(browser: Browser, services: Services, name: str, start: datetime, room: str) -> str:
    """Fill the board's new-draft form (opened from free time in ``room``) and submit it."""
    studio = seoul(services)
    plan = services.schedules.list(where={"schedule_status": ScheduleStatus.DRAFT})[0]
    path = f"/board/new?studio={studio}&room={room}&start={quote(start.isoformat())}"
    assert "New draft in Seoul Main" in form_page(browser, path)
    local = start.astimezone(SEOUL)
    answer = browser.submit(
        path,
        "/board/new",
        studio=studio,
        schedule=plan.uid,
        name=name,
        room=room,
        start=f"{local:%Y-%m-%dT%H:%M}",
        end=f"{local + timedelta(hours=1):%Y-%m-%dT%H:%M}",
    )
    assert answer.status_code == 200, answer.text
    text: str = answer.text
    return text


def test_a_studio_manager_sees_their_studios_rooms_by_local_time(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(STUDIO_MANAGER)
    page = form_page(browser, "/board")
    rooms = [r.name for r in services.studio_rooms.list(where={"studio_uid": seoul(services)})]
    for room in rooms:
        assert f'<th scope="rowgroup" rowspan="1">{room}</th>' in page or f">{room}</th>" in page
    assert "Times in Asia/Seoul." in page
    assert '<th scope="colgroup" colspan="4">06:00</th>' in page  # the operational day's start
    week = form_page(browser, "/board?span=week")
    shown = set(re.findall(r'<span class="name">([^<]+)</span>', week))
    # the week is Seoul's from its today, which is UTC's tomorrow after 15:00 UTC:
    # which of the demo's numbered shows it starts with depends on the hour
    assert any(name.startswith("Glow Cosmetics live #") for name in shown), shown


def test_a_client_member_sees_only_their_clients_shows(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(CLIENT_MEMBER)
    week = form_page(browser, f"/board?studio={seoul(services)}&span=week")
    shown = set(re.findall(r'<span class="name">([^<]+)</span>', week))
    assert shown
    assert all(name.startswith("Glow Cosmetics") for name in shown), shown
    others = [
        s
        for s in services.shows.search(ShowQuery(), limit=500).items
        if not s.name.startswith("Glow")
    ]
    assert browser.get(f"/board/shows/{others[0].uid}").status_code == 404
    assert "New draft" not in week  # a member may not add drafts


def test_a_draft_over_a_confirmed_show_is_flagged_and_a_free_one_is_not(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(STUDIO_MANAGER)
    plan = services.schedules.list(where={"schedule_status": ScheduleStatus.DRAFT})[0]
    drafts = services.schedules.shows(plan.uid)
    room = drafts[0].studio_room_uid or ""
    start = drafts[0].show_start + timedelta(hours=3)  # a confirmed booking in the plan's days
    clash = services.shows.create(
        "Booked launch", start, start + timedelta(hours=1), studio_room_uid=room
    ).show
    flagged = new_draft(browser, services, "Clashing draft", clash.show_start, room)
    assert "Note:" in flagged
    assert "would meet" in flagged
    assert f'"{clash.name}"' in html.unescape(flagged)  # the reason names the show it meets
    assert 'class="flag">Conflict</span>' in flagged  # and the board marks the draft
    free_at = plan.start_time.replace(hour=20)  # 05:00 in Seoul: nothing is booked then
    fine = new_draft(browser, services, "Quiet draft", free_at, room)
    assert 'Draft "Quiet draft" added.' in html.unescape(fine)
    [quiet] = [s for s in services.schedules.shows(plan.uid) if s.name == "Quiet draft"]
    assert quiet.show_status is ShowStatus.DRAFT
    assert quiet.show_start == free_at


def test_a_wrong_time_is_shown_next_to_its_field_and_nothing_is_written(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(STUDIO_MANAGER)
    studio = seoul(services)
    plan = services.schedules.list(where={"schedule_status": ScheduleStatus.DRAFT})[0]
    room = services.studio_rooms.list(where={"studio_uid": studio})[0].uid
    before = len(services.schedules.shows(plan.uid))
    path = f"/board/new?studio={studio}&room={room}"
    answer = browser.submit(
        path,
        "/board/new",
        studio=studio,
        schedule=plan.uid,
        name="Backwards",
        room=room,
        start="2026-12-08T12:00",
        end="2026-12-08T11:00",
    )
    assert answer.status_code == 422
    assert 'aria-invalid="true"' in answer.text
    assert re.search(r'<p class="field-error" id="(start|end)-error">[^<]+</p>', answer.text)
    assert len(services.schedules.shows(plan.uid)) == before


def test_checking_and_moving_a_draft(browser: Browser, services: Services) -> None:
    browser.sign_in(STUDIO_MANAGER)
    plan = services.schedules.list(where={"schedule_status": ScheduleStatus.DRAFT})[0]
    draft = services.schedules.shows(plan.uid)[0]
    path = f"/board/shows/{draft.uid}"
    page = form_page(browser, path)
    assert "Conflicts now" in page
    to = draft.show_start.astimezone(SEOUL) + timedelta(hours=1)
    fields = {
        "room": draft.studio_room_uid or "",
        "start": f"{to:%Y-%m-%dT%H:%M}",
        "end": f"{to + (draft.show_end - draft.show_start):%Y-%m-%dT%H:%M}",
    }
    assert f'formaction="{path}/check"' in page  # the move form's other button
    checked = browser.post(f"{path}/check", data={**fields, "_csrf_token": browser.token(path)})
    assert "there it would meet" in checked.text.lower() or "Free:" in checked.text
    assert services.shows.get(draft.uid).show_start == draft.show_start  # a check moves nothing
    moved = browser.submit(path, f"{path}/move", **fields)
    assert moved.status_code == 200, moved.text
    assert "Moved." in moved.text
    assert services.shows.get(draft.uid).show_start == draft.show_start + timedelta(hours=1)


def test_moving_a_confirmed_show_of_a_schedule_raises_a_change_request(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(STUDIO_MANAGER)
    plan = services.schedules.list(where={"schedule_status": ScheduleStatus.CONFIRMED})[0]
    show = next(
        s for s in services.schedules.shows(plan.uid) if s.show_status is ShowStatus.CONFIRMED
    )
    path = f"/board/shows/{show.uid}"
    page = form_page(browser, path)
    assert "Request a move" in page
    to = show.show_start.astimezone(SEOUL) + timedelta(hours=2)
    answer = browser.submit(
        path,
        f"{path}/move",
        room=show.studio_room_uid or "",
        start=f"{to:%Y-%m-%dT%H:%M}",
        end=f"{to + (show.show_end - show.show_start):%Y-%m-%dT%H:%M}",
        category="OPERATIONAL",
        reason="The set needs longer",
    )
    assert answer.status_code == 200, answer.text
    assert "Change request raised" in answer.text
    assert services.shows.get(show.uid).show_start == show.show_start  # not moved yet
    raised = [
        r
        for r in services.change_requests.list(where={"schedule_uid": plan.uid})
        if r.reason == "The set needs longer"
    ]
    assert [op["op"] for op in raised[0].payload["operations"]] == ["move"]


def test_the_boards_live_check_answers_in_json_and_moves_nothing(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(STUDIO_MANAGER)
    plan = services.schedules.list(where={"schedule_status": ScheduleStatus.DRAFT})[0]
    draft = services.schedules.shows(plan.uid)[0]
    room = draft.studio_room_uid or ""
    booked = services.shows.create(
        "Booked launch",
        draft.show_start + timedelta(hours=3),
        draft.show_start + timedelta(hours=4),
        studio_room_uid=room,
    ).show
    url = f"/board/shows/{draft.uid}/check.json"
    clash = browser.get(
        url,
        params={
            "room": room,
            "start": booked.show_start.isoformat(),
            "end": booked.show_end.isoformat(),
        },
    ).json()
    assert clash["ok"]
    assert clash["blocked"]
    assert "Booked launch" in clash["conflicts"][0]["reason"]
    free = browser.get(
        url,
        params={
            "room": room,
            "start": (booked.show_end + timedelta(hours=2)).isoformat(),
            "end": (booked.show_end + timedelta(hours=3)).isoformat(),
        },
    ).json()
    assert free["free"]
    wrong = browser.get(url, params={"room": room, "start": "noon", "end": "later"}).json()
    assert wrong == {"ok": False, "field": "start", "reason": wrong["reason"]}
    assert services.shows.get(draft.uid).show_start == draft.show_start

    browser.post("/sign-out", data={"_csrf_token": browser.token("/board")})
    browser.sign_in(CLIENT_MEMBER)
    hidden = next(
        s
        for s in services.shows.search(ShowQuery(), limit=500).items
        if not s.name.startswith("Glow")
    )
    assert browser.get(f"/board/shows/{hidden.uid}/check.json").status_code == 404


def test_a_request_offers_the_kinds_of_change_the_person_may_raise(
    browser: Browser, services: Services
) -> None:
    plan = services.schedules.list(where={"schedule_status": ScheduleStatus.CONFIRMED})[0]
    show = services.schedules.shows(plan.uid)[0]
    path = f"/board/shows/{show.uid}"

    def kinds() -> list[str]:
        form = form_page(browser, path)
        select = form.split('name="category"', 1)[1].split("</select>", 1)[0]
        return re.findall(r'<option value="([A-Z_]+)"', select)

    browser.sign_in(STUDIO_MANAGER)  # the studio's need first, or the client's on its behalf
    assert kinds() == ["OPERATIONAL", "CLIENT_REQUESTED"]
    browser.post("/sign-out", data={"_csrf_token": browser.token(path)})
    browser.sign_in(CLIENT_MANAGER)
    assert kinds() == ["CLIENT_REQUESTED"]
    browser.post("/sign-out", data={"_csrf_token": browser.token(path)})
    browser.sign_in(ADMIN)  # force majeure is a studio admin's (or a system admin's) call
    assert kinds() == ["OPERATIONAL", "CLIENT_REQUESTED", "FORCE_MAJEURE"]
