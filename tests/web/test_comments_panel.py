"""The comments panel of the schedule, show and change request pages, over
the demo data: the thread with names for mentions, replies and deletion by
the author, and what another person may not do."""

from __future__ import annotations

import re

from studiocore import ChangeRequestStatus, Services
from tests.web.conftest import CLIENT_MANAGER, CLIENT_MEMBER, MC, STUDIO_MANAGER, Browser


def _confirmed_plan(services: Services) -> str:
    found = [
        s for s in services.schedules.list() if s.name == "Glow Cosmetics - summer launch week"
    ]
    return found[0].uid


def test_a_schedules_thread_shows_names_and_takes_replies_and_deletions(
    browser: Browser, services: Services
) -> None:
    plan = _confirmed_plan(services)
    page = f"/schedules/{plan}"
    browser.sign_in(CLIENT_MEMBER)
    html = browser.get(page).text
    assert "Comments (2)" in html
    assert '<span class="mention">@Seo-jun Han</span>' in html  # a mention, as a name
    assert "This comment was deleted." in html
    thread = html.split('<ol class="thread">')[1].split("</ol>")[0]
    shown = re.sub(r'(id|value|action|for)="[^"]*"', "", thread)
    assert "user_" not in shown  # people by name, not by uid
    answer = browser.submit(page, f"/comments/{plan}", content="Looks good to me")
    assert answer.status_code == 200
    assert "Comment posted." in answer.text
    assert "Looks good to me" in answer.text
    mine = services.comments.thread(plan).items[-1]
    assert mine.content == "Looks good to me"
    deleted = browser.submit(page, f"/comments/{plan}/{mine.uid}/delete")
    assert "Comment deleted." in deleted.text
    assert services.comments.thread(plan).items[-1].deleted


def test_only_the_author_and_moderators_get_a_delete_button(
    browser: Browser, services: Services
) -> None:
    plan = _confirmed_plan(services)
    first = services.comments.thread(plan).items[0]  # the client manager's question
    browser.sign_in(STUDIO_MANAGER)  # a manager, not an admin: no moderation
    html = browser.get(f"/schedules/{plan}").text
    assert f"/comments/{plan}/{first.uid}/delete" not in html
    browser.sign_in(CLIENT_MANAGER)
    html = browser.get(f"/schedules/{plan}").text
    assert f"/comments/{plan}/{first.uid}/delete" in html


def test_a_refused_mention_is_a_message_and_posts_nothing(
    browser: Browser, services: Services
) -> None:
    plan = _confirmed_plan(services)
    (request,) = services.change_requests.of_schedule(plan, status=ChangeRequestStatus.PENDING)
    page = f"/change-requests/{request.uid}"
    host = services.users.by_email(MC).uid  # Hana reads her shows, not the schedule's requests
    browser.sign_in(CLIENT_MANAGER)
    before = len(services.comments.thread(request.uid).items)
    answer = browser.submit(page, f"/comments/{request.uid}", content=f"@{host} see this")
    assert "Not posted" in answer.text
    assert "they cannot see this change request" in answer.text
    assert len(services.comments.thread(request.uid).items) == before


def test_the_show_page_has_its_thread(browser: Browser, services: Services) -> None:
    plan = _confirmed_plan(services)
    shows = [s for s in services.schedules.shows(plan) if services.comments.thread(s.uid).total]
    page = f"/board/shows/{shows[0].uid}"
    browser.sign_in(STUDIO_MANAGER)  # (the show page also reads its schedule: not Hana's)
    html = browser.get(page).text
    assert "@Hana Kim" in html
    answer = browser.submit(page, f"/comments/{shows[0].uid}", content="Thanks!")
    assert "Thanks!" in answer.text
