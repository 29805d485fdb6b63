"""The web interface over HTTP (no browser): signing in, the schedule workflow
as the demo's people, what each may see, and the protections every page has."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from studiocore import Services, ShowQuery
from tests.web.conftest import (
    CLIENT_MANAGER,
    CLIENT_MEMBER,
    MC,
    STUDIO_MANAGER,
    Browser,
)


def schedule_links(html: str) -> dict[str, str]:
    """The schedules a page links to: name -> path."""
    return {
        name: path for path, name in re.findall(r'<a href="(/schedules/[^"]+)">([^<]+)</a>', html)
    }


def draft_schedule(browser: Browser) -> str:
    [path] = [
        p for name, p in schedule_links(browser.get("/schedules").text).items() if "draft" in name
    ]
    return path


def waiting_schedules(browser: Browser) -> dict[str, str]:
    """The schedules the inbox says wait for the signed-in user: path -> for what."""
    inbox = browser.get("/inbox").text
    section = inbox.split('id="schedules"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(
        r'<a href="(/schedules/[^"]+)">.*?<td[^>]*>([^<]*)</td>\s*</tr>', section, re.S
    )
    return dict(rows)


def test_the_start_sends_a_stranger_to_sign_in_and_lists_every_demo_person(
    browser: Browser,
) -> None:
    answer = browser.get("/schedules", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (302, "/sign-in")
    page = browser.get("/").text
    for name in ("Seo-jun Han", "Ji-woo Park", "Eun-ji Song", "Hana Kim", "Demo Admin"):
        assert f"Sign in as {name}" in page


def test_the_promotable_draft_workflow_through_the_pages(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(STUDIO_MANAGER)
    plan = draft_schedule(browser)
    page = browser.get(plan).text
    assert "Propose to the client" in page
    assert "Glow Cosmetics" in page  # names, and local times with their zone
    assert "Asia/Seoul" in page
    done = browser.submit(plan, f"{plan}/propose")
    assert "Proposed to the client." in done.text
    assert 'status-proposed">proposed' in done.text

    assert plan not in waiting_schedules(browser)  # the client decides now

    browser.post("/sign-out", data={"_csrf_token": browser.token(plan)})
    browser.sign_in(CLIENT_MEMBER)
    assert plan not in waiting_schedules(browser)  # a member may not approve
    browser.post("/sign-out", data={"_csrf_token": browser.token(plan)})
    browser.sign_in(CLIENT_MANAGER)
    assert waiting_schedules(browser)[plan] == "your approval"
    approved = browser.submit(plan, f"{plan}/approve", note="Looks good")
    assert "Approved" in approved.text, approved.text
    assert plan not in waiting_schedules(browser)

    browser.post("/sign-out", data={"_csrf_token": browser.token(plan)})
    browser.sign_in(STUDIO_MANAGER)
    assert waiting_schedules(browser)[plan] == "your confirmation"
    confirmed = browser.submit(plan, f"{plan}/confirm")
    assert "Confirmed: every draft is booked." in confirmed.text, confirmed.text
    uid = plan.rsplit("/", 1)[1]
    assert services.schedules.get(uid).schedule_status.value == "confirmed"
    shows = services.schedules.shows(uid)
    assert shows
    assert {s.show_status.value for s in shows} == {"confirmed"}


def test_a_step_the_core_refuses_is_a_message_and_changes_nothing(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(CLIENT_MEMBER)
    plan = draft_schedule(browser)
    uid = plan.rsplit("/", 1)[1]
    assert f'action="{plan}/propose"' not in browser.get(plan).text  # no button: may not
    answer = browser.post(f"{plan}/propose", data={"_csrf_token": browser.token(plan)})
    assert answer.status_code == 200
    assert "Refused:" in answer.text
    assert services.schedules.get(uid).schedule_status.value == "draft"


def test_a_client_member_sees_only_their_clients_schedules_and_404_for_others(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(CLIENT_MEMBER)
    listed = schedule_links(browser.get("/schedules").text)
    assert listed
    assert all(name.startswith("Glow Cosmetics") for name in listed)
    nordic = services.clients.list(where={"name": "Nordic Outdoor"})[0]
    mine = services.schedules.list()[0]
    other = services.schedules.create(
        nordic.uid, mine.studio_uid, "Nordic autumn", mine.start_time, mine.end_time
    )
    assert other.name not in browser.get("/schedules").text
    hidden = browser.get(f"/schedules/{other.uid}")
    assert hidden.status_code == 404
    assert "nothing you may see" in hidden.text
    assert other.name not in hidden.text
    assert browser.get("/schedules/schedule_unknown").status_code == 404


def test_every_form_needs_its_csrf_token(browser: Browser, services: Services) -> None:
    browser.sign_in(STUDIO_MANAGER)
    plan = draft_schedule(browser)
    forged = browser.post(f"{plan}/propose", data={})
    assert forged.status_code == 403
    assert services.schedules.get(plan.rsplit("/", 1)[1]).schedule_status.value == "draft"
    assert browser.post("/sign-in", data={"email": STUDIO_MANAGER}).status_code == 403


def test_pages_carry_a_strict_csp_and_the_session_cookie_its_flags(browser: Browser) -> None:
    page = browser.get("/sign-in")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "<script" not in page.text
    assert "style=" not in page.text
    answer = browser.post(
        "/sign-in",
        data={"email": STUDIO_MANAGER, "_csrf_token": browser.token("/sign-in")},
        follow_redirects=False,
    )
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith("studiocore_session=")
    )
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=lax"} <= flags
    # the API keeps answering bearer tokens only: no session there
    assert browser.get("/api/v1/studios").status_code == 401


def test_what_users_typed_is_escaped(browser: Browser, services: Services) -> None:
    plan = next(s for s in services.schedules.list() if "draft" in s.name)
    services.schedules.update(plan.uid, {"name": "<script>alert(1)</script> week"})
    browser.sign_in(STUDIO_MANAGER)
    page = browser.get("/schedules").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; week" in page


def change_links(html: str) -> dict[str, str]:
    """The change requests a page links to: label -> path."""
    return {
        label: path
        for path, label in re.findall(r'<a href="(/change-requests/[^"]+)">([^<]+)</a>', html)
    }


def test_a_change_request_waits_in_the_inbox_is_approved_and_applied(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(CLIENT_MANAGER)
    inbox = browser.get("/inbox").text
    [path] = change_links(inbox).values()
    assert "Change requests waiting for a decision" in inbox
    page = browser.get(path).text
    assert "What it changes" in page
    assert "Asia/Seoul" in page  # the shows' times in the studio's zone
    assert "No conflict: it would apply cleanly now." in page
    approved = browser.submit(path, f"{path}/approve", note="Fine by us")
    assert "Approved: the studio may now apply it." in approved.text, approved.text

    browser.post("/sign-out", data={"_csrf_token": browser.token(path)})
    browser.sign_in(STUDIO_MANAGER)
    uid = path.rsplit("/", 1)[1]
    schedule = services.change_requests.get(uid).schedule_uid
    before = services.schedules.get(schedule).version
    applied = browser.submit(path, f"{path}/apply")
    assert "Applied: the schedule has a new version." in applied.text, applied.text
    assert services.change_requests.get(uid).status.value == "applied"
    assert services.schedules.get(schedule).version == before + 1


def test_a_client_member_reads_a_change_request_but_may_not_decide_it(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(CLIENT_MEMBER)
    [path] = change_links(browser.get("/inbox").text).values()
    assert f'action="{path}/approve"' not in browser.get(path).text
    refused = browser.post(f"{path}/approve", data={"_csrf_token": browser.token(path)})
    assert "Refused:" in refused.text
    assert services.change_requests.get(path.rsplit("/", 1)[1]).status.value == "pending"


def test_an_mc_sees_their_own_shows_on_their_agenda(browser: Browser, services: Services) -> None:
    browser.sign_in(MC)
    user = services.users.by_email(MC)
    [mine] = [m for m in services.mcs.list() if m.user_uid == user.uid]
    hosted = services.shows.search(ShowQuery(mc_uid=mine.uid), limit=500).items
    others = services.shows.search(ShowQuery(), limit=500).items
    page = browser.get("/agenda").text
    upcoming = [s for s in hosted if s.show_end > datetime.now(UTC)]
    assert upcoming, "the demo gives the MC shows ahead"
    for show in upcoming[:5]:
        assert show.name in page
    assert "(Asia/Seoul)" in page
    not_hers = {s.name for s in others} - {s.name for s in hosted}
    assert not any(f"<strong>{name}</strong>" in page for name in not_hers)


def test_someone_without_an_mc_profile_is_told_so(browser: Browser) -> None:
    browser.sign_in(STUDIO_MANAGER)
    assert "You have no MC profile" in browser.get("/agenda").text


def test_a_schedules_page_links_each_version_to_what_changed_since_the_one_before(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(CLIENT_MEMBER)
    confirmed = next(s for s in services.schedules.list() if s.schedule_status.value == "confirmed")
    page = browser.get(f"/schedules/{confirmed.uid}").text
    last = confirmed.version
    link = f"/schedules/{confirmed.uid}/versions/{last - 1}/diff/{last}"
    assert f'href="{link}"' in page
    diff = browser.get(link).text
    expected = services.schedules.diff(confirmed.uid, last - 1, last)
    assert expected, "the demo's last version changed something"
    for change in expected:
        assert change.name in diff
        assert ", ".join(sorted(k.value for k in change.kinds)) in diff
    assert "Asia/Seoul" in diff
    assert browser.get(f"/schedules/{confirmed.uid}/versions/1/diff/99").status_code == 404


def test_the_schedules_list_filters_by_status(browser: Browser, services: Services) -> None:
    browser.sign_in(STUDIO_MANAGER)
    every = schedule_links(browser.get("/schedules").text)
    confirmed = {
        s.name for s in services.schedules.list() if s.schedule_status.value == "confirmed"
    }
    assert confirmed
    assert set(every) > confirmed
    assert set(schedule_links(browser.get("/schedules?status=confirmed").text)) == confirmed
    assert schedule_links(browser.get("/schedules?status=nonsense").text) == every
    nordic = services.clients.list(where={"name": "Nordic Outdoor"})[0]
    theirs = {s.name for s in services.schedules.list() if s.client_uid == nordic.uid}
    by_client = set(schedule_links(browser.get(f"/schedules?client={nordic.uid}").text))
    assert by_client == theirs
    assert by_client < set(every)
    studio = services.schedules.list()[0].studio_uid
    here = {s.name for s in services.schedules.list() if s.studio_uid == studio}
    assert set(schedule_links(browser.get(f"/schedules?studio={studio}").text)) == here


def test_any_two_versions_can_be_compared(browser: Browser, services: Services) -> None:
    browser.sign_in(STUDIO_MANAGER)
    confirmed = next(s for s in services.schedules.list() if s.schedule_status.value == "confirmed")
    path = f"/schedules/{confirmed.uid}"
    assert f'action="{path}/diff"' in browser.get(path).text
    picked = browser.get(f"{path}/diff", params={"from": 1, "to": confirmed.version})
    assert picked.status_code == 200
    assert f"version 1 to {confirmed.version}" in picked.text
    assert str(picked.url).endswith(f"/versions/1/diff/{confirmed.version}")
    assert str(browser.get(f"{path}/diff", params={"from": "x"}).url).endswith(path)


def step_buttons(html: str, base: str) -> set[str]:
    """The steps a page offers as forms posting under ``base``."""
    return set(re.findall(rf'<form method="post" action="{re.escape(base)}/([a-z-]+)">', html))


def test_each_person_sees_only_the_steps_they_may_take(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(STUDIO_MANAGER)
    plan = draft_schedule(browser)
    assert step_buttons(browser.get(plan).text, plan) == {"propose"}
    browser.submit(plan, f"{plan}/propose")
    # proposed, not approved: confirming needs a studio admin (with a reason)
    assert step_buttons(browser.get(plan).text, plan) == {"send-back"}

    browser.post("/sign-out", data={"_csrf_token": browser.token(plan)})
    browser.sign_in(CLIENT_MANAGER)
    assert step_buttons(browser.get(plan).text, plan) == {"approve", "send-back"}
    browser.submit(plan, f"{plan}/approve")
    assert step_buttons(browser.get(plan).text, plan) == {"send-back"}

    browser.post("/sign-out", data={"_csrf_token": browser.token(plan)})
    browser.sign_in(CLIENT_MEMBER)
    assert step_buttons(browser.get(plan).text, plan) == set()

    browser.post("/sign-out", data={"_csrf_token": browser.token(plan)})
    browser.sign_in(STUDIO_MANAGER)
    assert step_buttons(browser.get(plan).text, plan) == {"confirm", "send-back"}


def test_a_change_requests_decisions_are_offered_to_the_side_that_decides(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(CLIENT_MANAGER)
    [path] = change_links(browser.get("/inbox").text).values()
    assert step_buttons(browser.get(path).text, path) == {"approve", "reject"}
    browser.post("/sign-out", data={"_csrf_token": browser.token(path)})
    browser.sign_in(STUDIO_MANAGER)  # raised it: may withdraw, not decide
    assert step_buttons(browser.get(path).text, path) == {"withdraw"}
