"""The access table, cell by cell, through HTTP (in-memory services).

The same cells as ``tests/services/test_access_cells.py`` (data in
``tests/support/access_matrix.py``), each mapped to its call on ``/api/v1``:
allowed is 2xx, hidden 404, refused 403. A refused call changes nothing.
Rows without routes yet are listed, and a test fails once their routes appear.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import attrs
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import FixedClock, Services
from studiocore.access import MembershipPolicy
from studiocore.access.scope import find_any
from studiocore.ports import REPOSITORY_NAMES, Deleted, repository_for
from studiocore_http import Settings, create_app
from tests.http.conftest import API, SECRET, bearer
from tests.support import access_matrix as matrix
from tests.support import access_targets as new
from tests.support.access_matrix import Cell, Outcome, World
from tests.support.builders import T0

_BY_TABLE = {cls.TABLE: cls for cls in REPOSITORY_NAMES}

Body = Callable[[World, str], dict[str, Any] | None]
Setup = Callable[[World], str]


@attrs.frozen
class Call:
    """A cell's HTTP call: ``route`` is the method and the path, formatted with
    the world's uids and ``t``, the target's uid. ``setup`` makes the target: a
    new record, for a call that would change what other cells see (made again
    once an allowed call consumed it); without it, the target is the world's
    record the cell names (``studios.update[A]``: ``A``)."""

    route: str
    body: Body | None = None
    setup: Setup | None = None
    tables: tuple[str, ...] = ()
    """Tables a refused call must leave unchanged (default: the target record)."""


def links(table: str, route: str, body: Body | None = None, setup: Setup = new.show_c) -> Call:
    """A call on a new show's links in ``table`` (the show from ``setup``: like
    ``showC`` by default); a refused one changes no row of ``table``."""
    return Call(route, body, setup, (table,))


def _name(prefix: str) -> Body:
    return lambda w, t: {"name": w.name(prefix)}


def _iso(w: World) -> dict[str, str]:
    return {k: v.isoformat() for k, v in new.show_window(w).items()}


def _change(w: World, plan: str, category: str) -> dict[str, Any]:
    draft = w.svc.schedules.shows(plan)[0].uid
    operations = [{"op": "cancel_show", "show_uid": draft}]
    return {"change_category": category, "reason": "please", "operations": operations}


CALLS: dict[str, Call] = {
    "studios.read[A]": Call("GET /studios/{A}"),
    "studios.update[A]": Call("PATCH /studios/{t}", _name("A")),
    "studios.create[A]": Call("POST /studios", _name("studio"), tables=("studios",)),
    "studio_rooms.read[roomA]": Call("GET /studio-rooms/{roomA}"),
    "studio_rooms.update[roomA]": Call("PATCH /studio-rooms/{t}", _name("room"), new.room_a),
    "studio_rooms.create[roomA]": Call(
        "POST /studio-rooms",
        lambda w, t: {"studio_uid": w["A"], "name": w.name("room")},
        tables=("studio_rooms",),
    ),
    "studio_rooms.delete[roomA]": Call("DELETE /studio-rooms/{t}", setup=new.room_a),
    "clients.read[C]": Call("GET /clients/{C}"),
    "clients.update_contact[C]": Call(
        "PATCH /clients/{t}", lambda w, t: {"contact_person": w.name("Cee")}
    ),
    "clients.update_name[C]": Call("PATCH /clients/{t}", _name("C")),
    "clients.create[C]": Call("POST /clients", _name("client"), tables=("clients",)),
    "clients.delete[C]": Call("DELETE /clients/{t}"),
    "users.read[c_member]": Call("GET /users/{c_member}"),
    "users.update_name[c_member]": Call("PATCH /users/{t}", _name("Cm")),
    "users.update_role[c_member]": Call("PATCH /users/{t}", lambda w, t: {"role": "manager"}),
    "users.create[c_member]": Call(
        "POST /users",
        lambda w, t: {"email": f"{w.name('h').replace(' ', '')}@example.com", "name": "New"},
        tables=("users",),
    ),
    "users.delete[user_in_C]": Call("DELETE /users/{t}", setup=new.user_in_c),
    "memberships.read[m_c_member]": Call("GET /memberships/{m_c_member}"),
    "memberships.update[m_c_member]": Call(
        "PATCH /memberships/{t}", lambda w, t: {"role": "manager"}, new.membership_in_c
    ),
    "memberships.create[m_c_member]": Call(
        "POST /memberships",
        lambda w, t: {"user_uid": t, "group_uid": w["C"], "role": "member"},
        new.user,
        tables=("memberships",),
    ),
    "memberships.create_admin[m_c_member]": Call(
        "POST /memberships",
        lambda w, t: {"user_uid": t, "group_uid": w["C"], "role": "admin"},
        new.user,
        tables=("memberships",),
    ),
    "memberships.delete[m_c_member]": Call("DELETE /memberships/{t}", setup=new.membership_in_c),
    "mcs.read[mc]": Call("GET /mcs/{mc}"),
    "mcs.update[mc]": Call("PATCH /mcs/{t}", _name("MC"), new.mc),
    "mcs.link_user[mc]": Call("PATCH /mcs/{t}", lambda w, t: {"user_uid": new.user(w)}, new.mc),
    "mcs.create[mc]": Call("POST /mcs", _name("MC"), tables=("mcs",)),
    "mcs.delete[mc]": Call("DELETE /mcs/{t}", setup=new.mc),
    "platforms.read[P]": Call("GET /platforms/{P}"),
    "platforms.update[P]": Call("PATCH /platforms/{t}", _name("P")),
    "platforms.create[P]": Call("POST /platforms", _name("platform"), tables=("platforms",)),
    "platforms.delete[P]": Call("DELETE /platforms/{t}"),
    "materials.read[briefC]": Call("GET /materials/{briefC}"),
    "materials.read[sceneP]": Call("GET /materials/{sceneP}"),
    "materials.update[briefC]": Call(
        "PATCH /materials/{t}", lambda w, t: {"description": w.name("d")}, new.brief_c
    ),
    "materials.update[sceneP]": Call(
        "PATCH /materials/{t}", lambda w, t: {"description": w.name("d")}
    ),
    "materials.create[briefC]": Call(
        "POST /materials",
        lambda w, t: {"name": w.name("m"), "material_type": "brief", "client_uid": w["C"]},
        tables=("materials",),
    ),
    "materials.delete[briefC]": Call("DELETE /materials/{t}", setup=new.brief_c),
    "shows.read[showC]": Call("GET /shows/{showC}"),
    "shows.read[draftC]": Call("GET /shows/{draftC}"),
    "shows.update[showC]": Call("PATCH /shows/{t}", _name("show"), new.show_c),
    "shows.update[draftC]": Call("PATCH /shows/{t}", _name("draft"), new.draft_c),
    "shows.create[showC]": Call(
        "POST /shows",
        lambda w, t: {
            "name": w.name("show"),
            "studio_room_uid": w["roomA"],
            "client_uid": w["C"],
            **_iso(w),
        },
        tables=("shows",),
    ),
    "shows.create[draftC]": Call(
        "POST /shows",
        lambda w, t: {
            "name": w.name("draft"),
            "studio_room_uid": w["roomA"],
            "schedule_uid": w["planC"],
            "show_start": new.DRAFT_START.isoformat(),
            "show_end": (new.DRAFT_START + timedelta(hours=1)).isoformat(),
        },
        tables=("shows",),
    ),
    "shows.delete[showC]": Call("DELETE /shows/{t}", setup=new.show_c),
    "shows.cancel[showC]": Call(
        "POST /shows/{t}/status", lambda w, t: {"show_status": "cancelled"}, new.show_c
    ),
    "show_mcs.read[showC]": Call("GET /shows/{showC}/mcs"),
    "show_mcs.update[showC]": links(
        "show_mcs", "PATCH /shows/{t}/mcs/{mc}", lambda w, t: {"note": w.name("note")}
    ),
    "show_mcs.create[showC]": links(
        "show_mcs", "POST /shows/{t}/mcs", lambda w, t: {"mc_uid": w["mc2"]}
    ),
    "show_mcs.create[draftC]": links(
        "show_mcs", "POST /shows/{t}/mcs", lambda w, t: {"mc_uid": w["mc2"]}, new.draft_c
    ),
    "show_mcs.delete[showC]": links("show_mcs", "DELETE /shows/{t}/mcs/{mc}"),
    "show_materials.read[showC]": Call("GET /shows/{showC}/materials"),
    "show_materials.create[showC]": links(
        "show_materials", "POST /shows/{t}/materials", lambda w, t: {"material_uid": w["briefC"]}
    ),
    "show_materials.delete[showC]": links(
        "show_materials", "DELETE /shows/{t}/materials/{briefC}", setup=new.show_c_with_material
    ),
    "show_platforms.read[showC]": Call("GET /shows/{showC}/platforms"),
    "show_platforms.update_own_platform[showC]": links(
        "show_platforms",
        "PATCH /shows/{t}/platforms/{P}",
        lambda w, t: {"viewer_count": w.number()},
    ),
    "show_platforms.update_other_platform[showC]": links(
        "show_platforms",
        "PATCH /shows/{t}/platforms/{Q}",
        lambda w, t: {"viewer_count": w.number()},
    ),
    "show_platforms.create[showC]": links(
        "show_platforms", "POST /shows/{t}/platforms", lambda w, t: {"platform_uid": w["R"]}
    ),
    "show_platforms.delete[showC]": links("show_platforms", "DELETE /shows/{t}/platforms/{Q}"),
    "schedules.read[planC]": Call("GET /schedules/{planC}"),
    "schedules.check_promotion[planC]": Call("GET /schedules/{planC}/conflicts"),
    "schedules.update[planC]": Call("PATCH /schedules/{t}", _name("plan"), new.plan_c),
    "schedules.update_proposed[planC]": Call(
        "PATCH /schedules/{t}", _name("plan"), new.proposed_plan_c
    ),
    "schedules.create[planC]": Call(
        "POST /schedules",
        lambda w, t: {
            "client_uid": w["C"],
            "studio_uid": w["A"],
            "name": w.name("plan"),
            "start_time": T0.isoformat(),
            "end_time": (T0 + timedelta(days=7)).isoformat(),
        },
        tables=("schedules", "schedule_versions"),
    ),
    "schedules.delete[planC]": Call("DELETE /schedules/{t}", setup=new.plan_c),
    "schedules.propose[planC]": Call(
        "POST /schedules/{t}/transitions",
        lambda w, t: {"to": "proposed"},
        new.plan_c,
        tables=("schedules", "schedule_versions"),
    ),
    "schedules.approve[planC]": Call(
        "POST /schedules/{t}/approve", lambda w, t: {}, new.proposed_plan_c
    ),
    "schedules.promote[planC]": Call(
        "POST /schedules/{t}/confirm",
        lambda w, t: {},
        new.approved_plan_c,
        tables=("schedules", "schedule_versions"),
    ),
    "schedules.promote_unapproved[planC]": Call(
        "POST /schedules/{t}/confirm",
        lambda w, t: {"reason": "the client said yes by phone"},
        new.proposed_plan_c,
        tables=("schedules", "schedule_versions"),
    ),
    "change_requests.read[crC]": Call("GET /change-requests/{crC}"),
    "change_requests.create[crC]": Call(
        "POST /schedules/{t}/change-requests",
        lambda w, t: _change(w, t, "CLIENT_REQUESTED"),
        new.proposed_plan_c_with_draft,
        tables=("change_requests",),
    ),
    "change_requests.create_operational[crC]": Call(
        "POST /schedules/{t}/change-requests",
        lambda w, t: _change(w, t, "OPERATIONAL"),
        new.proposed_plan_c_with_draft,
        tables=("change_requests",),
    ),
    "change_requests.approve[crC]": Call(
        "POST /change-requests/{t}/approve", lambda w, t: {}, new.change_request_c
    ),
    "schedule_versions.read[planC]": Call("GET /schedules/{planC}/versions"),
    "tags.read[gtag]": Call("GET /tags/{gtag}"),
    "tags.read[atag]": Call("GET /tags/{atag}"),
    "tags.update[gtag]": Call("PATCH /tags/{t}", _name("tag"), new.gtag),
    "tags.update[atag]": Call("PATCH /tags/{t}", _name("tag"), new.atag),
    "tags.create[gtag]": Call("POST /tags", _name("tag"), tables=("tags",)),
    "tags.create[atag]": Call(
        "POST /tags", lambda w, t: {"name": w.name("tag"), "studio_uid": w["A"]}, tables=("tags",)
    ),
    "tags.delete[atag]": Call("DELETE /tags/{t}", setup=new.atag),
    "tags.tag[showC]": links(
        "taggables", "POST /shows/{t}/tags", lambda w, t: {"tag_uid": w["gtag"]}
    ),
    "tags.tag[A]": Call(
        "POST /studios/{t}/tags", lambda w, t: {"tag_uid": w["atag"]}, tables=("taggables",)
    ),
    "tags.untag[showC]": links(
        "taggables", "DELETE /shows/{t}/tags/{gtag}", setup=new.tagged_show_c
    ),
    "comments.read[commentC]": Call("GET /comments/{t}", setup=new.comment_c),
    "comments.create[showC]": Call(
        "POST /shows/{t}/comments", lambda w, t: {"content": "hi"}, tables=("comments",)
    ),
    "comments.create[planC]": Call(
        "POST /schedules/{t}/comments", lambda w, t: {"content": "hi"}, tables=("comments",)
    ),
    "comments.update[commentC]": Call(
        "PATCH /comments/{t}", lambda w, t: {"content": w.name("edited")}, new.comment_c
    ),
    "comments.delete[commentC]": Call("DELETE /comments/{t}", setup=new.comment_c),
    "audits.history[showC]": Call("GET /shows/{showC}/history"),
    "audits.list[nothing]": Call("GET /audits?limit=5"),
    "lookups.read[show_type]": Call("GET /show-types/{show_type}"),
    "lookups.update[show_type]": Call(
        "PATCH /show-types/{t}", lambda w, t: {"description": w.name("d")}, new.show_type
    ),
    "lookups.create[show_type]": Call("POST /show-types", _name("type"), tables=("show_types",)),
    "lookups.delete[show_type]": Call("DELETE /show-types/{t}", setup=new.show_type),
    "calendar_feeds.list[feedHost]": Call(
        "GET /calendar-feeds?user_uid={host}", setup=new.room_feed_of_host
    ),
    "calendar_feeds.create[feedHost]": Call(
        "POST /calendar-feeds",
        lambda w, t: {"kind": "schedule", "uid": w["planC"]},
        tables=("calendar_feeds",),
    ),
    "calendar_feeds.delete[feedHost]": Call("DELETE /calendar-feeds/{t}", setup=new.feed_of_host),
    "notifications.list[noteHost]": Call(
        "GET /notifications?recipient_uid={host}&kind=mention&subject_uid={showC}",
        setup=new.note_of_host,
    ),
    "notifications.read[noteHost]": Call("POST /notifications/{t}/read", setup=new.note_of_host),
    "webhook_endpoints.list[hookA]": Call("GET /webhooks", setup=new.hook_a),
    "webhook_endpoints.read[hookA]": Call("GET /webhooks/{t}", setup=new.hook_a),
    "webhook_endpoints.create[hookA]": Call(
        "POST /webhooks",
        lambda w, t: {"url": "http://127.0.0.1:9/new", "event_types": ["*"], "studio_uid": w["A"]},
        tables=("webhook_endpoints",),
    ),
    "webhook_endpoints.update[hookA]": Call(
        "PATCH /webhooks/{t}", lambda w, t: {"description": w.name("d")}, new.hook_a
    ),
    "webhook_endpoints.rotate_secret[hookA]": Call(
        "POST /webhooks/{t}/rotate-secret", setup=new.hook_a
    ),
    "webhook_endpoints.delete[hookA]": Call("DELETE /webhooks/{t}", setup=new.hook_a),
    "webhook_deliveries.list[hookA]": Call("GET /webhooks/{t}/deliveries", setup=new.hook_a),
    "webhook_deliveries.redeliver[deliveryA]": Call(
        "POST /webhook-deliveries/{t}/redeliver", setup=new.delivery_a
    ),
}
"""Each cell's HTTP call, by :attr:`Cell.id`."""

UNROUTED: dict[str, str] = {}
"""Rows with no routes yet."""

HTTP_CELLS = tuple(c for c in matrix.CELLS if c.resource not in UNROUTED)


@attrs.define
class Site:
    world: World
    client: TestClient[Litestar]
    headers: dict[str, dict[str, str]]
    targets: dict[str, str] = attrs.field(factory=dict)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    svc = Services.in_memory(clock=FixedClock(T0), policy=MembershipPolicy())
    world = matrix.build_world(svc)
    settings = Settings(
        jwt_secret=SECRET,
        log_requests=False,
        auth_cache_seconds=0,
        access_policy="membership",
        webhook_worker=False,  # no attempt recorded behind a refused call's state check
    )
    headers = {name: bearer(settings, svc.users.get(world[name])) for name in world.actors}
    with TestClient(create_app(settings, services=svc)) as client:
        yield Site(world, client, headers)


def _state(w: World, call: Call, target: str) -> object:
    with w.svc.context.reader() as uow:
        if not call.tables:
            return find_any(uow, target, include_deleted=True)
        return [
            sorted(
                repository_for(uow, _BY_TABLE[t]).list(deleted=Deleted.INCLUDE),
                key=lambda e: e.uid,
            )
            for t in call.tables
        ]


@pytest.mark.parametrize(
    ("cell", "persona"), list(matrix.cases(HTTP_CELLS)), ids=lambda v: getattr(v, "id", v)
)
def test_cell(site: Site, cell: Cell, persona: str) -> None:
    bug = matrix.KNOWN_BUGS.get((cell.resource, cell.action, cell.target), {}).get(persona)
    with matrix.known_bug(bug):
        call, w = CALLS[cell.id], site.world
        if call.setup is None:
            target = w.uids.get(cell.target, "")
        elif cell.id in site.targets:
            target = site.targets[cell.id]
        else:
            target = site.targets[cell.id] = call.setup(w)
        method, path = call.route.split(" ", 1)
        path = API + path.format(t=target, **w.uids)
        body = call.body(w, target) if call.body is not None else None
        before = _state(w, call, target)
        response = site.client.request(method, path, json=body, headers=site.headers[persona])
        expected = cell.expected(persona)
        if expected is Outcome.ALLOWED:
            assert 200 <= response.status_code < 300, response.text
            site.targets.pop(cell.id, None)
            undo = matrix.UNDO.get(cell.id)
            if undo is not None:
                undo(w, target)
            if cell.listing:
                assert response.json()["total"] > 0, "an allowed list shows something"
            return
        if expected is Outcome.EMPTY:  # a list: nothing in it
            assert response.status_code == 200, response.text
            assert (response.json()["items"], response.json()["total"]) == ([], 0)
            return
        status = {Outcome.HIDDEN: 404, Outcome.UNKNOWN: 422}.get(expected, 403)
        assert response.status_code == status, response.text
        assert _state(w, call, target) == before, "a refused call changed data"


def test_every_cell_with_a_route_has_its_call(site: Site) -> None:
    """A cell without a call is a row (or action) the HTTP tests do not cover
    yet; once a row in UNROUTED gets routes, map its cells."""
    assert set(CALLS) == {c.id for c in HTTP_CELLS}
    assert set(matrix.UNDO) <= {cell for cell, call in CALLS.items() if call.setup is None}
    paths = site.client.app.openapi_schema.paths or {}
    for resource, prefix in UNROUTED.items():
        routed = [p for p in paths if p.startswith(API + prefix)]
        assert not routed, f"{resource} has routes now: map its cells here ({routed})"
