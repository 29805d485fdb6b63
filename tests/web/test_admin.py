"""The admin pages over HTTP: one description per entity makes the list,
search, paging, detail, create, edit, delete and restore, each through the core
with the signed-in user's rights."""

from __future__ import annotations

import re

import pytest

from studiocore import Services
from studiocore_http.web.admin_entities import ADMIN_ENTITIES
from tests.web.conftest import ADMIN, CLIENT_MEMBER, STUDIO_MANAGER, Browser


def listed(html: str) -> list[str]:
    """The records a list page links to, by their first column."""
    return re.findall(r'<td><a href="/admin/[^/"]+/[^"]+">([^<]+)</a></td>', html)


@pytest.mark.parametrize("admin", ADMIN_ENTITIES, ids=lambda a: a.slug)
def test_every_entitys_list_and_new_form_render(
    browser: Browser, services: Services, admin: object
) -> None:
    browser.sign_in(ADMIN)
    slug = admin.slug  # type: ignore[attr-defined]
    listing = browser.get(f"/admin/{slug}")
    assert listing.status_code == 200, listing.text
    form = browser.get(f"/admin/{slug}/new")
    assert form.status_code == 200
    for field in admin.fields:  # type: ignore[attr-defined]
        assert f'for="{field.name}"' in form.text or f'id="{field.name}"' in form.text


def test_create_search_edit_delete_and_restore_a_client(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(ADMIN)
    created = browser.submit(
        "/admin/clients/new",
        "/admin/clients/new",
        name="Zephyr Audio",
        contact_person="Mina Cho",
        contact_email="mina@zephyr.example",
    )
    assert created.status_code == 200, created.text
    assert "was created" in created.text
    [client] = services.clients.list(where={"name": "Zephyr Audio"})
    assert client.contact_person == "Mina Cho"
    assert listed(browser.get("/admin/clients?q=zeph").text) == ["Zephyr Audio"]
    assert "Zephyr Audio" not in listed(browser.get("/admin/clients?q=glow").text)

    path = f"/admin/clients/{client.uid}"
    saved = browser.submit(path, path, name="Zephyr Audio", contact_person="Jun Lee")
    assert "Saved." in saved.text
    assert services.clients.get(client.uid).contact_person == "Jun Lee"

    deleted = browser.submit(path, f"{path}/delete")
    assert "Deleted" in deleted.text
    assert services.clients.list(where={"name": "Zephyr Audio"}) == []
    assert "Zephyr Audio" in listed(browser.get("/admin/clients?deleted=only").text)
    restored = browser.submit(path, f"{path}/restore")
    assert "Restored." in restored.text
    assert services.clients.get(client.uid).deleted_at is None


def test_a_refused_field_is_shown_next_to_it_and_nothing_is_written(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(ADMIN)
    studio = services.studios.list()[0]
    before = len(services.studio_rooms.list())
    answer = browser.submit(
        "/admin/rooms/new",
        "/admin/rooms/new",
        studio_uid=studio.uid,
        name="Booth",
        changeover_minutes="ninety",
    )
    assert answer.status_code == 422
    assert re.search(r'id="changeover_minutes-error">must be a whole number<', answer.text)
    assert 'aria-invalid="true"' in answer.text
    assert len(services.studio_rooms.list()) == before
    wrong_zone = browser.submit(
        "/admin/studios/new", "/admin/studios/new", name="Nowhere", time_zone="Mars/Olympus"
    )
    assert wrong_zone.status_code == 422
    assert re.search(r'id="time_zone-error">[^<]+<', wrong_zone.text)


def test_people_see_and_may_do_only_what_the_access_rules_allow(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(CLIENT_MEMBER)
    clients = listed(browser.get("/admin/clients").text)
    assert clients == ["Glow Cosmetics"]
    nordic = services.clients.list(where={"name": "Nordic Outdoor"})[0]
    assert browser.get(f"/admin/clients/{nordic.uid}").status_code == 404
    glow = services.clients.list(where={"name": "Glow Cosmetics"})[0]
    page = browser.get(f"/admin/clients/{glow.uid}").text
    assert ">Save<" not in page  # a member may not change the client
    assert f'action="/admin/clients/{glow.uid}/delete"' not in page
    refused = browser.post(
        f"/admin/clients/{glow.uid}",
        data={"name": "Renamed", "_csrf_token": browser.token("/admin")},
    )
    assert refused.status_code == 422
    assert services.clients.get(glow.uid).name == "Glow Cosmetics"

    browser.post("/sign-out", data={"_csrf_token": browser.token("/admin")})
    browser.sign_in(STUDIO_MANAGER)
    room = services.studio_rooms.list()[0]
    page = browser.get(f"/admin/rooms/{room.uid}").text
    assert ">Save<" not in page  # rooms: their studio's admins


def test_an_unknown_entity_is_a_404(browser: Browser) -> None:
    browser.sign_in(ADMIN)
    assert browser.get("/admin/spaceships").status_code == 404


def column(html: str, index: int) -> list[str]:
    """The text of column ``index`` of a list page's rows."""
    rows = re.findall(r"<tr>(<td>.*?)</tr>", html)
    return [re.sub(r"<[^>]+>", "", re.findall(r"<td>(.*?)</td>", row)[index]) for row in rows]


def test_a_list_sorts_by_a_column_and_filters_by_a_reference(
    browser: Browser, services: Services
) -> None:
    browser.sign_in(ADMIN)
    rooms = services.studio_rooms.list()
    names = sorted((r.name for r in rooms), key=str.lower)
    assert column(browser.get("/admin/rooms?sort=name").text, 1) == names
    descending = browser.get("/admin/rooms?sort=-name").text
    assert column(descending, 1) == names[::-1]
    assert 'aria-sort="descending"' in descending
    assert "sorted by name (descending)" in descending
    # the column's link turns the order around; a column that cannot be sorted is ignored
    assert 'href="/admin/rooms?q=&sort=name"' in descending
    unsorted = column(browser.get("/admin/rooms").text, 1)
    assert column(browser.get("/admin/rooms?sort=studio_uid").text, 1) == unsorted
    seoul = services.studios.list(where={"name": "Seoul Main"})[0].uid
    in_seoul = browser.get(f"/admin/rooms?studio_uid={seoul}&sort=-changeover_minutes").text
    assert column(in_seoul, 1) == sorted(r.name for r in rooms if r.studio_uid == seoul)
    assert set(column(in_seoul, 0)) == {"Seoul Main"}
    assert f'<option value="{seoul}" selected>' in in_seoul
    assert f"studio_uid={seoul}" in in_seoul  # the column links keep the filter
