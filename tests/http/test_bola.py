"""A BOLA sweep from the OpenAPI document: every operation with an id in its
path, called by a member of client D with the ids of client C's records,
answers 404 and changes nothing; every list shows client D's member only what
they may read.

Records anyone signed in may read (studios, rooms, MCs, platforms, tags,
lookup values) are exempt from the 404: reading them answers 200, and changing
them 403 (or 404), with nothing changed. An operation the sweep cannot
classify fails it, so a new route is swept as soon as it exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import attrs
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from studiocore import FixedClock, InMemoryDatabase, LookupTable, Services
from studiocore.access import MembershipPolicy
from studiocore.ports import REPOSITORY_NAMES, Deleted, repository_for
from studiocore_http import Settings, create_app
from tests.http.conftest import API, SECRET, bearer
from tests.support import access_targets as new
from tests.support.access_matrix import World, build_world, known_bug
from tests.support.builders import T0

ATTACKER = "d_member"
SYSTEM_ADMIN = "sys_admin"

PUBLIC = "public"  # any signed-in user reads it: GET 200, writes 403/404
HIDDEN = "hidden"  # client C's: 404 for everything

TARGETS: dict[str, tuple[str, str]] = {
    "studios": ("A", PUBLIC),
    "studio-rooms": ("roomA", PUBLIC),
    "mcs": ("mc", PUBLIC),
    "platforms": ("P", PUBLIC),
    "tags": ("atag", PUBLIC),
    "material-types": ("material_type", PUBLIC),
    "schedule-statuses": ("schedule_status", PUBLIC),
    "change-categories": ("change_category", PUBLIC),
    "change-types": ("change_type", PUBLIC),
    "show-types": ("show_type", PUBLIC),
    "show-standards": ("show_standard", PUBLIC),
    "clients": ("C", HIDDEN),
    "users": ("c_member", HIDDEN),
    "materials": ("briefC", HIDDEN),
    "shows": ("showC", HIDDEN),
    "schedules": ("planC", HIDDEN),
    "memberships": ("m_c_member", HIDDEN),
    "change-requests": ("crC", HIDDEN),
    "calendar-feeds": ("feedC", HIDDEN),
    "notifications": ("noteC", HIDDEN),
    "webhooks": ("hookA", HIDDEN),
    "webhook-deliveries": ("deliveryA", HIDDEN),
    "comments": ("commentC", HIDDEN),
    "audits": ("auditC", HIDDEN),
}
"""The first segment of a path under /api/v1 -> the world's record its ``{uid}``
names, and whether client D's member may read it."""

OTHER_PARAMS = {
    "mc_uid": "mc",
    "platform_uid": "P",
    "material_uid": "briefC",
    "tag_uid": "gtag",
    "token": "feedC_guessed",
}
"""Path parameters after ``uid`` -> the world's record they name (links of C's
records that exist, so a 404 is not merely "no such link")."""

NUMBERS = {"number": "1", "old": "1", "new": "1"}
"""Path parameters that are numbers (a schedule's versions: ``planC`` has its first)."""

KNOWN_LEAKS: dict[tuple[str, str], str] = {}
"""Operations that still answer otherwise: strict xfails."""

_DRAFT = {
    "show_start": (T0 + timedelta(days=2)).isoformat(),
    "show_end": (T0 + timedelta(days=2, hours=1)).isoformat(),
}

BODIES: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", r"/[^/]+/\{uid\}/tags", {"tag_uid": "{atag}"}),
    ("POST", r"/shows/\{uid\}/mcs", {"mc_uid": "{mc2}"}),
    ("POST", r"/shows/\{uid\}/platforms", {"platform_uid": "{R}"}),
    ("POST", r"/shows/\{uid\}/materials", {"material_uid": "{brief2C}"}),
    ("POST", r"/shows/\{uid\}/status", {"show_status": "cancelled"}),
    ("PATCH", r"/shows/\{uid\}/mcs/\{mc_uid\}", {"note": "mine now"}),
    ("PATCH", r"/shows/\{uid\}/platforms/\{platform_uid\}", {"viewer_count": 1}),
    ("POST", r"/schedules/\{uid\}/shows", {"name": "Mine", **_DRAFT}),
    (
        "POST",
        r"/schedules/\{uid\}/change-requests",
        {
            "change_category": "CLIENT_REQUESTED",
            "reason": "mine now",
            "operations": [{"op": "cancel_show", "show_uid": "{draftC}"}],
        },
    ),
    ("POST", r"/change-requests/\{uid\}/(approve|acknowledge)", {}),
    ("POST", r"/change-requests/\{uid\}/reject", {"reason": "no"}),
    ("POST", r"/schedules/\{uid\}/transitions", {"to": "cancelled"}),
    ("POST", r"/schedules/\{uid\}/approve", {}),
    ("POST", r"/schedules/\{uid\}/confirm", {"reason": "mine now"}),
    ("PATCH", r"/memberships/\{uid\}", {"role": "admin"}),
    ("PATCH", r"/webhooks/\{uid\}", {"description": "mine now", "enabled": False}),
    ("POST", r"/[^/]+/\{uid\}/comments", {"content": "mine now"}),
    ("PATCH", r"/comments/\{uid\}", {"content": "mine now"}),
    ("PATCH", r"/[^/]+/\{uid\}", {"name": "Mine now"}),
]
"""(method, path pattern, minimal valid body): the first match applies."""

_WINDOW = {
    "start": (T0 + timedelta(days=1)).isoformat(),
    "end": (T0 + timedelta(days=2)).isoformat(),
}
QUERIES = {
    "/mcs/{uid}/availability": _WINDOW,
    "/studios/{uid}/availability": {
        "start": (T0 + timedelta(days=1)).isoformat(),
        "end": (T0 + timedelta(days=2)).isoformat(),
    },
}

LISTS: dict[str, str | None] = {
    "/health": None,  # not a list
    "/health/live": None,
    "/health/ready": None,
    "/conflicts": "conflicts",
    "/notifications": "personal",
    "/notifications/unread-count": None,  # a number of one's own
    "/notifications/stream": None,  # tests/http/test_notifications*.py
    "/webhooks/event-types": None,
}
"""GET operations without path parameters that are not plain pages of records
(``None``: not a list; else how they are checked)."""


@attrs.define
class Site:
    world: World
    db: InMemoryDatabase
    client: TestClient[Litestar]
    headers: dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    db = InMemoryDatabase()
    svc = Services(db, clock=FixedClock(T0), policy=MembershipPolicy())
    w = build_world(svc)
    u = w.uids
    for table, key in (
        (LookupTable.MATERIAL_TYPES, "material_type"),
        (LookupTable.SCHEDULE_STATUS, "schedule_status"),
        (LookupTable.CHANGE_CATEGORIES, "change_category"),
        (LookupTable.CHANGE_TYPES, "change_type"),
        (LookupTable.SHOW_STANDARDS, "show_standard"),
    ):
        u[key] = svc.lookups[table].list()[0].uid
    # a calendar feed link of C's member, and its link as someone who knows
    # only its uid would guess it (the signature is what they cannot make)
    u["feedC"] = svc.calendar_feeds.create("schedule", u["planC"], actor=w.actors["c_member"]).uid
    u["feedC_guessed"] = f"{u['feedC']}.guessed.ics"
    # a notification of C's member (the world's show C was confirmed for C's members)
    u["noteC"] = svc.notifications.page(actor=w.actors["c_member"]).items[0].uid
    u["hookA"] = new.hook_a(w)  # a webhook endpoint of studio A, and a delivery of another
    u["deliveryA"] = new.delivery_a(w)
    for record in ("A", "roomA", "C", "c_member", "mc", "P", "briefC", "showC"):
        svc.tags.tag(u[record], u["gtag"])  # so untagging C's records finds a link
    u["commentC"] = svc.comments.create(u["showC"], u["c_member"], "C only").uid
    u["auditC"] = svc.audits.history(u["showC"])[0].uid
    # two shows of C back to back in a room with a changeover: a WARN conflict
    svc.studio_rooms.update(u["roomA"], {"changeover_minutes": 30})
    start = T0 + timedelta(days=20)
    for hours in ((0, 1), (1, 2)):
        svc.shows.create(
            "C twin",
            start + timedelta(hours=hours[0]),
            start + timedelta(hours=hours[1]),
            studio_room_uid=u["roomA"],
            client_uid=u["C"],
        )
    settings = Settings(
        jwt_secret=SECRET,
        log_requests=False,
        auth_cache_seconds=0,
        access_policy="membership",
        webhook_worker=False,  # no attempt recorded behind the sweep's back (its snapshots)
    )
    headers = {name: bearer(settings, svc.users.get(u[name])) for name in (ATTACKER, SYSTEM_ADMIN)}
    with TestClient(create_app(settings, services=svc)) as client:
        yield Site(w, db, client, headers)


def _operations() -> tuple[list[tuple[str, str]], set[tuple[str, str]]]:
    """Every operation of the OpenAPI document, and those that take a body."""
    app = create_app(Settings(jwt_secret=SECRET, access_policy="membership"))
    paths = app.openapi_schema.paths or {}
    found, with_body = [], set()
    for path, item in paths.items():
        for method in ("get", "post", "put", "patch", "delete"):
            operation = getattr(item, method, None)
            if operation is not None:
                found.append((method.upper(), path))
                if operation.request_body is not None:
                    with_body.add((method.upper(), path))
    return sorted(found), with_body


OPERATIONS, TAKE_A_BODY = _operations()
WITH_IDS = [(m, p) for m, p in OPERATIONS if "{" in p]
LIST_OPERATIONS = [p for m, p in OPERATIONS if m == "GET" and "{" not in p]


def _snapshot(db: InMemoryDatabase) -> list[object]:
    """Every row of every table (deleted ones too), and the audit trail."""
    with db() as uow:
        return [
            sorted(repository_for(uow, cls).list(deleted=Deleted.INCLUDE), key=lambda e: e.uid)
            for cls in REPOSITORY_NAMES
        ]


def _fill(value: Any, uids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**uids)
    if isinstance(value, dict):
        return {k: _fill(v, uids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, uids) for v in value]
    return value


def _call(method: str, template: str, w: World) -> tuple[str, dict[str, Any] | None, str]:
    """The URL (with C's ids), the body and the expectation for an operation;
    ``pytest.fail`` if the sweep cannot classify it."""
    relative = template.removeprefix(API)
    segment = relative.strip("/").split("/")[0]
    if segment not in TARGETS:
        pytest.fail(f"unclassified operation: {template} (add its resource to TARGETS)")
    key, kind = TARGETS[segment]
    values: dict[str, str] = {}
    for name in re.findall(r"\{(\w+)\}", template):
        if name == "uid":
            values[name] = w[key]
        elif name in OTHER_PARAMS:
            values[name] = w[OTHER_PARAMS[name]]
        elif name in NUMBERS:
            values[name] = NUMBERS[name]
        else:
            pytest.fail(f"unclassified path parameter {name!r} in {template}")
    url = template.format(**values)
    body = None
    if (method, template) in TAKE_A_BODY:
        found = [b for m, p, b in BODIES if m == method and re.fullmatch(p, relative)]
        if not found:
            pytest.fail(f"no body for {method} {template} (add one to BODIES)")
        body = _fill(found[0], w.uids)
    return url, body, kind


@pytest.mark.parametrize(("method", "template"), WITH_IDS, ids=lambda v: v)
def test_an_id_of_client_c_answers_404_to_client_d_and_changes_nothing(
    site: Site, method: str, template: str
) -> None:
    with known_bug(KNOWN_LEAKS.get((method, template))):
        _sweep_one(site, method, template)


def _sweep_one(site: Site, method: str, template: str) -> None:
    url, body, kind = _call(method, template, site.world)
    before = _snapshot(site.db)
    response = site.client.request(
        method,
        url,
        json=body,
        params=QUERIES.get(template.removeprefix(API)),
        headers=site.headers[ATTACKER],
    )
    if kind == HIDDEN:
        assert response.status_code == 404, (url, response.status_code, response.text)
    elif method == "GET":
        assert response.status_code == 200, (url, response.status_code, response.text)
    else:
        assert response.status_code in {403, 404}, (url, response.status_code, response.text)
    assert _snapshot(site.db) == before, f"{method} {url} changed data"


def test_the_sweep_covers_every_kind_of_operation() -> None:
    """Every operation is an id operation (swept above), a list (below), or a
    create without ids (the per-cell tests)."""
    for method, path in OPERATIONS:
        if "{" in path or method == "GET":
            continue
        assert method == "POST", f"unclassified operation: {method} {path}"
    assert len(WITH_IDS) > 50  # the document was read


def _uids(client: TestClient[Litestar], path: str, headers: dict[str, str]) -> tuple[set[str], int]:
    response = client.get(path, params={"limit": 500}, headers=headers)
    assert response.status_code == 200, (path, response.text)
    body = response.json()
    return {item["uid"] for item in body["items"]}, body["total"]


@pytest.mark.parametrize("path", LIST_OPERATIONS, ids=lambda v: v)
def test_a_list_shows_client_d_only_what_it_may_read(
    site: Site, path: str, request: pytest.FixtureRequest
) -> None:
    relative = path.removeprefix(API)
    client, attacker = site.client, site.headers[ATTACKER]
    if relative in LISTS:
        if LISTS[relative] is None:
            return
        if LISTS[relative] == "personal":  # one's own records, about what one may read
            items = client.get(path, headers=attacker).json()["items"]
            assert items, "client D's member has notifications of their own"
            for item in items:
                assert item["recipient_uid"] == site.world[ATTACKER]
                subject = client.get(
                    f"{API}/{item['subject_type']}/{item['subject_uid']}", headers=attacker
                )
                assert subject.status_code == 200, item
            return
        conflicts = client.get(path, headers=attacker).json()
        named = {uid for c in conflicts for uid in c["show_uids"]}
        hidden = {
            uid
            for uid in named
            if client.get(f"{API}/shows/{uid}", headers=attacker).status_code != 200
        }
        assert not hidden, f"{path} names shows client D may not read: {sorted(hidden)}"
        return
    segment = relative.strip("/").split("/")[0]
    if segment not in TARGETS:
        pytest.fail(f"unclassified list: {path} (add it to TARGETS or LISTS)")
    everything, _ = _uids(client, path, site.headers[SYSTEM_ADMIN])
    readable = {
        uid
        for uid in everything
        if client.get(f"{path}/{uid}", headers=attacker).status_code == 200
    }
    seen, total = _uids(client, path, attacker)
    assert seen == readable, (path, sorted(seen ^ readable))
    assert total == len(readable), path
    if TARGETS[segment][1] == HIDDEN:
        assert site.world[TARGETS[segment][0]] not in seen, path
