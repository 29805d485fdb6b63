"""Calendars over HTTP: the ``.ics`` exports and personal feed links (the
membership policy, as the app runs by default)."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import icalendar
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import FixedClock, Services
from studiocore.access import MembershipPolicy
from studiocore_http import Settings, create_app
from studiocore_http.features.calendars.tokens import feed_token
from tests.http.conftest import API, SECRET, bearer
from tests.support import access_matrix as matrix
from tests.support.builders import T0


@attrs.define
class Site:
    world: matrix.World
    client: TestClient[Litestar]
    settings: Settings

    def headers(self, persona: str) -> dict[str, str]:
        return bearer(self.settings, self.world.svc.users.get(self.world[persona]))

    def get(self, path: str, persona: str | None = None) -> object:
        headers = self.headers(persona) if persona else {}
        return self.client.get(path, headers=headers)


@pytest.fixture
def site() -> Iterator[Site]:
    svc = Services.in_memory(clock=FixedClock(T0), policy=MembershipPolicy())
    world = matrix.build_world(svc)
    settings = Settings(
        jwt_secret=SECRET,
        log_requests=False,
        access_policy="membership",
        public_url="https://studio.example.com",
    )
    with TestClient(create_app(settings, services=svc)) as client:
        yield Site(world, client, settings)


def uids_of(body: bytes) -> set[str]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]).removesuffix("@studiocore") for e in calendar.walk("VEVENT")}


def path_of(url: str) -> str:
    return url.removeprefix("https://studio.example.com")


def test_each_export_is_an_icalendar_file(site: Site) -> None:
    w, c = site.world, site.client
    h = site.headers("a_member")
    for path, expected in (
        (f"/mcs/{w['mc']}/calendar.ics", {w["showC"]}),
        (f"/studio-rooms/{w['roomA']}/calendar.ics", {w["showC"]}),
        (f"/schedules/{w['planC']}/calendar.ics", set()),
    ):
        response = c.get(API + path, headers=h)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/calendar; charset=utf-8"
        assert uids_of(response.content) == expected
    drafts = c.get(f"{API}/schedules/{w['planC']}/calendar.ics?drafts=true", headers=h)
    assert uids_of(drafts.content) == {w["draftC"]}
    assert b"STATUS:TENTATIVE" in drafts.content


def test_exports_answer_404_422_and_401_as_the_rest_of_the_api(site: Site) -> None:
    w, c = site.world, site.client
    assert c.get(f"{API}/schedules/{w['planC']}/calendar.ics").status_code == 401
    hidden = c.get(f"{API}/schedules/{w['planC']}/calendar.ics", headers=site.headers("stranger"))
    assert hidden.status_code == 404
    unknown = c.get(
        f"{API}/mcs/mc_01JD0000000000000000000000/calendar.ics", headers=site.headers("a_member")
    )
    assert unknown.status_code == 404
    bad = c.get(f"{API}/mcs/{w['mc']}/calendar.ics?drafts=maybe", headers=site.headers("a_member"))
    assert bad.status_code == 422, bad.text
    assert bad.json()["extra"]["field"] == "drafts"
    assert (
        c.get(
            f"{API}/mcs/{w['mc']}/calendar.ics?start=x", headers=site.headers("a_member")
        ).status_code
        == 422
    )


def test_a_feed_link_serves_the_calendar_without_a_bearer_until_revoked(site: Site) -> None:
    w, c = site.world, site.client
    h = site.headers("host")
    created = c.post(f"{API}/calendar-feeds", json={"kind": "mc", "uid": w["mc"]}, headers=h)
    assert created.status_code == 201, created.text
    feed = created.json()
    assert feed["url"].startswith("https://studio.example.com/api/v1/calendar-feeds/calfeed_")
    assert feed["url"].endswith(".ics")
    assert feed["webcal_url"] == "webcal://" + feed["url"].removeprefix("https://")
    assert (feed["kind"], feed["target_uid"], feed["user_uid"]) == ("mc", w["mc"], w["host"])
    authenticated = c.get(f"{API}/mcs/{w['mc']}/calendar.ics", headers=h)
    public = c.get(path_of(feed["url"]))  # no Authorization header
    assert public.status_code == 200, public.text
    assert public.headers["content-type"] == "text/calendar; charset=utf-8"
    assert public.content == authenticated.content
    listed = c.get(f"{API}/calendar-feeds", headers=h).json()
    assert [f["uid"] for f in listed["items"]] == [feed["uid"]]
    assert listed["items"][0]["url"] == feed["url"]
    assert c.delete(f"{API}/calendar-feeds/{feed['uid']}", headers=h).status_code == 204
    assert c.get(path_of(feed["url"])).status_code == 404
    assert c.get(f"{API}/calendar-feeds", headers=h).json()["total"] == 0


def test_forged_or_malformed_tokens_are_404(site: Site) -> None:
    w, c = site.world, site.client
    feed = w.svc.calendar_feeds.create("mc", w["mc"], actor=w.actors["host"])
    good = feed_token(SECRET, feed.uid)
    assert c.get(f"{API}/calendar-feeds/{good}.ics").status_code == 200
    uid, _, signature = good.partition(".")
    forged = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    other_secret = feed_token("another-secret-that-is-long-enough-for-it", feed.uid)
    for token in (
        f"{uid}.{forged}.ics",
        f"{other_secret}.ics",
        f"{uid}.ics",
        f"{good}",  # without .ics
        f"{good}.ics.ics",
        "nonsense.ics",
        f"{feed_token(SECRET, 'calfeed_01JD0000000000000000000000')}.ics",  # signed, unknown
        f"{feed_token(SECRET, w['mc'])}.ics",  # signed, but no feed uid
    ):
        response = c.get(f"{API}/calendar-feeds/{token}")
        assert response.status_code == 404, (token, response.text)


def test_a_feed_stops_when_the_owner_loses_the_right_to_read_it(site: Site) -> None:
    w, c = site.world, site.client
    created = c.post(
        f"{API}/calendar-feeds",
        json={"kind": "schedule", "uid": w["planC"], "drafts": True},
        headers=site.headers("c_member"),
    ).json()
    link = path_of(created["url"])
    assert uids_of(c.get(link).content) == {w["draftC"]}
    w.svc.memberships.delete(w["m_c_member"])  # the owner leaves client C
    assert c.get(link).status_code == 404


def test_a_feed_stops_when_the_owner_is_banned_or_deleted(site: Site) -> None:
    w, c = site.world, site.client
    link = path_of(
        c.post(
            f"{API}/calendar-feeds",
            json={"kind": "studio_room", "uid": w["roomA"]},
            headers=site.headers("a_member"),
        ).json()["url"]
    )
    assert c.get(link).status_code == 200
    w.svc.users.update(w["a_member"], {"is_banned": True})
    assert c.get(link).status_code == 404
    w.svc.users.update(w["a_member"], {"is_banned": False})
    assert c.get(link).status_code == 200
    w.svc.users.delete(w["a_member"])
    assert c.get(link).status_code == 404


def test_a_client_members_room_feed_lists_only_their_clients_shows(site: Site) -> None:
    w, c = site.world, site.client
    start, end = w.when(w.next_hours())
    other = w.svc.shows.create(
        "D in A", start, end, studio_room_uid=w["roomA"], client_uid=w["D"]
    ).show.uid
    link = path_of(
        c.post(
            f"{API}/calendar-feeds",
            json={"kind": "studio_room", "uid": w["roomA"]},
            headers=site.headers("c_member"),
        ).json()["url"]
    )
    body = c.get(link).content
    assert w["showC"] in uids_of(body)
    assert other not in uids_of(body)
    assert b"D in A" not in body
    staff = c.get(f"{API}/studio-rooms/{w['roomA']}/calendar.ics", headers=site.headers("a_member"))
    assert other in uids_of(staff.content)


def test_someone_elses_feed_cannot_be_listed_or_revoked(site: Site) -> None:
    w, c = site.world, site.client
    feed = w.svc.calendar_feeds.create("mc", w["mc"], actor=w.actors["host"])
    for persona in ("c_member", "a_admin"):
        h = site.headers(persona)
        assert c.delete(f"{API}/calendar-feeds/{feed.uid}", headers=h).status_code == 404
        mine = c.get(f"{API}/calendar-feeds", headers=h).json()
        assert feed.uid not in {f["uid"] for f in mine["items"]}
        theirs = c.get(f"{API}/calendar-feeds?user_uid={w['host']}", headers=h).json()
        assert theirs["items"] == []
    link = f"{API}/calendar-feeds/{feed_token(SECRET, feed.uid)}.ics"
    assert c.get(link).status_code == 200  # still the host's, still working


def test_a_feed_of_a_calendar_one_may_not_read_is_refused_with_404(site: Site) -> None:
    w, c = site.world, site.client
    refused = c.post(
        f"{API}/calendar-feeds",
        json={"kind": "schedule", "uid": w["planC"]},
        headers=site.headers("stranger"),
    )
    assert refused.status_code == 404
    bad = c.post(
        f"{API}/calendar-feeds",
        json={"kind": "calendar", "uid": w["planC"]},
        headers=site.headers("c_member"),
    )
    assert bad.status_code == 422
    wrong = c.post(
        f"{API}/calendar-feeds",
        json={"kind": "mc", "uid": w["planC"]},
        headers=site.headers("c_member"),
    )
    assert wrong.status_code == 422
    assert "target_uid" in wrong.text
    assert c.post(f"{API}/calendar-feeds", json={"kind": "mc", "uid": w["mc"]}).status_code == 401


def test_without_a_public_url_the_link_is_on_the_requests_address(services: Services) -> None:
    settings = Settings(jwt_secret=SECRET, log_requests=False)
    user = services.users.create("hana@example.com", "Hana", role="admin")
    mc = services.mcs.create("Hana")
    with TestClient(create_app(settings, services=services)) as client:
        feed = client.post(
            f"{API}/calendar-feeds",
            json={"kind": "mc", "uid": mc.uid},
            headers=bearer(settings, user),
        ).json()
    assert feed["url"].startswith("http://testserver.local/api/v1/calendar-feeds/")


def test_the_default_window_is_in_the_openapi_description(site: Site) -> None:
    paths = site.client.get("/schema/openapi.json").json()["paths"]
    feed = paths[f"{API}/calendar-feeds/{{token}}"]["get"]
    assert feed.get("security") == [{}]  # no bearer
    assert "404" in feed["description"]
    export = paths[f"{API}/mcs/{{uid}}/calendar.ics"]["get"]
    assert "text/calendar" in export["responses"]["200"]["content"]
    assert "400 days" in export["description"]
