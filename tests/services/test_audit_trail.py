"""The audit trail through the services, on every adapter: a show's history
with its links, the page's filters, and values stored as plain JSON (the same
on every adapter: enums as their values, times as ISO 8601 UTC)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from studiocore import FixedClock, NotFoundError, Services, ValidationError
from studiocore.access import MembershipPolicy
from tests.conftest import FreshDatabase
from tests.support import access_matrix as matrix
from tests.support.adapters import ADAPTERS
from tests.support.builders import T0


@pytest.fixture
def world(fresh_db: FreshDatabase) -> matrix.World:
    return matrix.build_world(Services(fresh_db(), clock=FixedClock(T0), policy=MembershipPolicy()))


def test_a_shows_history_holds_its_link_changes_in_order(world: matrix.World) -> None:
    w = world
    manager = w.actors["a_manager"]
    show = w["showC"]
    w.svc.shows.remove_mc(show, w["mc"], actor=manager)
    w.svc.shows.add_mc(show, w["mc2"], actor=manager)
    w.svc.shows.update(show, {"name": "C renamed"}, actor=manager)
    w.svc.shows.add_material(show, w["briefC"], actor=manager)
    w.svc.shows.remove_platform(show, w["Q"], actor=manager)
    history = w.svc.audits.history(show, actor=w.actors["c_member"])
    steps = [(a.recordable_type, a.action) for a in history]
    assert steps == [
        ("shows", "create"),
        ("show_mcs", "link"),
        ("show_platforms", "link"),
        ("show_platforms", "link"),
        ("show_mcs", "unlink"),
        ("show_mcs", "link"),
        ("shows", "update"),
        ("show_materials", "link"),
        ("show_platforms", "unlink"),
    ]
    assert (history[4].old_values or {}).get("mc_uid") == w["mc"]
    assert (history[5].new_values or {}).get("mc_uid") == w["mc2"]
    assert (history[6].old_values, history[6].new_values) == (
        {"name": "C in A"},
        {"name": "C renamed"},
    )
    alone = w.svc.audits.history(show, with_links=False)
    assert [a.action for a in alone] == ["create", "update"]
    with pytest.raises(NotFoundError):
        w.svc.audits.history(show, actor=w.actors["d_member"])


def test_the_audit_page_filters_by_record_user_action_and_time(world: matrix.World) -> None:
    w = world
    svc = w.svc
    show = w["showC"]
    everything = svc.audits.page(limit=500).items
    assert [a.uid for a in everything] == sorted(a.uid for a in everything)  # oldest first
    mine = svc.audits.page(recordable_uid=show)
    assert {a.recordable_uid for a in mine.items} == {show}
    assert mine.total == 1
    later = Services(
        svc.context.uow_factory,
        clock=FixedClock(T0 + timedelta(hours=2)),
        policy=MembershipPolicy(),
    )
    later.shows.update(show, {"name": "later"}, actor=w.actors["a_manager"])
    window = svc.audits.page(created_from=T0 + timedelta(hours=1))
    assert [(a.action, a.user_uid) for a in window.items] == [("update", w["a_manager"])]
    assert svc.audits.page(created_to=T0 + timedelta(hours=2), recordable_uid=show).total == 1
    assert (
        svc.audits.page(
            created_from=T0 + timedelta(hours=2),
            created_to=T0 + timedelta(hours=2, microseconds=1),
        ).total
        == 1
    )  # half-open: [from, to)
    assert svc.audits.page(action="update", user_uid=w["a_manager"]).total == 1
    a_admin = svc.audits.page(limit=500, actor=w.actors["a_admin"])
    assert 0 < a_admin.total < len(everything) + 1
    assert svc.audits.page(actor=w.actors["c_admin"]).total == 0
    for bad in ({"created_from": datetime(2026, 1, 1)}, {"created_to": T0, "created_from": T0}):
        with pytest.raises(ValidationError) as err:
            svc.audits.page(**bad)  # type: ignore[arg-type]
        assert err.value.field in {"created_from", "created_to"}


def _check_plain(value: Any) -> None:
    """Only JSON's own types, exactly (no enum member, which is a ``str``, no datetime)."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str
            _check_plain(item)
    elif isinstance(value, list):
        for item in value:
            _check_plain(item)
    else:
        assert type(value) in {str, int, float, bool, type(None)}, repr(value)


def _changes(svc: Services) -> list[tuple[str, str, Any, Any]]:
    """The same writes on any adapter; the audit entries they leave, without
    uids (which differ) but with every value."""
    start = datetime(2030, 1, 1, 9, tzinfo=UTC)
    studio = svc.studios.create("Berlin", time_zone="Europe/Berlin")
    room = svc.studio_rooms.create(studio.uid, "R1")
    mc = svc.mcs.create("Mia")
    client = svc.clients.create("Acme")
    plan = svc.schedules.create(client.uid, studio.uid, "Week", start, start + timedelta(days=7))
    show = svc.shows.create(
        "Live", start, start + timedelta(hours=1), studio_room_uid=room.uid, schedule_uid=plan.uid
    ).show
    svc.shows.add_mc(show.uid, mc.uid)
    svc.shows.reschedule(show.uid, {"show_start": start + timedelta(minutes=30)})
    svc.schedules.propose(plan.uid)
    svc.schedules.approve(plan.uid)
    svc.schedules.promote(plan.uid)
    user = svc.users.create("u@example.com", "U")
    note = svc.comments.create(show.uid, user.uid, "ok")
    svc.comments.delete(note.uid)
    uids = {
        e.uid: name
        for name, e in [
            ("studio", studio),
            ("room", room),
            ("mc", mc),
            ("client", client),
            ("plan", plan),
            ("show", show),
            ("user", user),
            ("note", note),
        ]
    }

    def plain(values: Any) -> Any:
        if values is None:
            return None
        _check_plain(values)
        text = json.dumps(values, sort_keys=True)
        for uid, name in uids.items():
            text = text.replace(uid, name)
        found = json.loads(text)
        found.pop("uid", None)  # a link's own uid
        return found

    return [
        (a.recordable_type, a.action, plain(a.old_values), plain(a.new_values))
        for a in svc.audits.page(limit=500).items
    ]


def test_audit_values_are_plain_json_and_identical_on_every_adapter() -> None:
    found = {}
    for name, adapter in sorted(ADAPTERS.items()):
        with adapter() as db:
            found[name] = _changes(Services(db, clock=FixedClock(T0)))
    first = next(iter(found.values()))
    show = next(new for table, action, _, new in first if (table, action) == ("shows", "create"))
    assert show["show_status"] == "draft"
    assert show["show_start"] == "2030-01-01T09:00:00+00:00"
    assert (
        "shows",
        "status_change",
        {"show_status": "draft"},
        {"show_status": "confirmed"},
    ) in first
    for name, entries in found.items():
        assert entries == first, name
