"""The access table, cell by cell, through the services on every adapter.

The expected answers are data (``tests/support/access_matrix.py``, written from
issue 13's table); here each cell becomes a call of the services. One world per
adapter serves the whole module: a write that may change what other cells see
acts on a fresh record like its target (made as SYSTEM), or is undone after.
A refused call must change nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import attrs
import pytest

from studiocore import (
    Actor,
    FixedClock,
    LookupTable,
    NotFoundError,
    PermissionDeniedError,
    Services,
    ValidationError,
)
from studiocore.access import ACCESS_TABLE, MembershipPolicy
from studiocore.access.scope import find_any
from studiocore.entities import Entity
from studiocore.ports import REPOSITORY_NAMES, Deleted, repository_for
from tests.support import access_matrix as matrix
from tests.support import access_targets as new
from tests.support.access_matrix import Cell, Outcome, World
from tests.support.adapters import ADAPTERS
from tests.support.builders import T0

_BY_TABLE: dict[str, type[Entity]] = {cls.TABLE: cls for cls in REPOSITORY_NAMES}

Setup = Callable[[World], str]
Act = Callable[[World, str, Actor], object]
State = Callable[[World, str], object]


@attrs.frozen
class Op:
    """How a cell runs: ``act`` calls the services on the target, whose uid
    ``setup`` gives: a new record, for a call that would change what other cells
    see (made again once an allowed call consumed it). Without ``setup``, the
    target is the world's record the cell names (``studios.update[A]``: ``A``),
    which :data:`~tests.support.access_matrix.UNDO` puts back after an allowed
    call. ``state`` is what a refused call must leave unchanged (default: the
    target record)."""

    act: Act
    setup: Setup | None = None
    state: State | None = None


def rows(*tables: str) -> State:
    """Every row (deleted too) of ``tables``, as SYSTEM sees them."""

    def state(w: World, _: str) -> object:
        with w.svc.context.reader() as uow:
            return [
                sorted(
                    repository_for(uow, _BY_TABLE[t]).list(deleted=Deleted.INCLUDE),
                    key=lambda e: e.uid,
                )
                for t in tables
            ]

    return state


def record(w: World, uid: str) -> object:
    """The record ``uid`` (deleted too), as SYSTEM sees it."""
    with w.svc.context.reader() as uow:
        return find_any(uow, uid, include_deleted=True)


def links(table: str, act: Act, setup: Setup = new.show_c) -> Op:
    """A call on a new show's links in ``table`` (the show from ``setup``: like
    ``showC`` by default); a refused one changes no row of ``table``."""
    return Op(act, setup, rows(table))


def _raise_change(category: str) -> Act:
    def act(w: World, plan: str, actor: Actor) -> object:
        draft = w.svc.schedules.shows(plan)[0].uid
        operations = [{"op": "cancel_show", "show_uid": draft}]
        return w.svc.change_requests.create(plan, category, "please", operations, actor=actor)

    return act


LOOKUP = LookupTable.SHOW_TYPES

OPS: dict[str, Op] = {
    # studios and rooms
    "studios.read[A]": Op(lambda w, t, a: w.svc.studios.get(t, actor=a)),
    "studios.update[A]": Op(
        lambda w, t, a: w.svc.studios.update(t, {"name": w.name("A")}, actor=a)
    ),
    "studios.create[A]": Op(
        lambda w, t, a: w.svc.studios.create(w.name("studio"), actor=a), state=rows("studios")
    ),
    "studio_rooms.read[roomA]": Op(lambda w, t, a: w.svc.studio_rooms.get(t, actor=a)),
    "studio_rooms.update[roomA]": Op(
        lambda w, t, a: w.svc.studio_rooms.update(t, {"name": w.name("room")}, actor=a), new.room_a
    ),
    "studio_rooms.create[roomA]": Op(
        lambda w, t, a: w.svc.studio_rooms.create(w["A"], w.name("room"), actor=a),
        state=rows("studio_rooms"),
    ),
    "studio_rooms.delete[roomA]": Op(
        lambda w, t, a: w.svc.studio_rooms.delete(t, actor=a), new.room_a
    ),
    # clients
    "clients.read[C]": Op(lambda w, t, a: w.svc.clients.get(t, actor=a)),
    "clients.update_contact[C]": Op(
        lambda w, t, a: w.svc.clients.update(t, {"contact_person": w.name("Cee")}, actor=a)
    ),
    "clients.update_name[C]": Op(
        lambda w, t, a: w.svc.clients.update(t, {"name": w.name("C")}, actor=a)
    ),
    "clients.create[C]": Op(
        lambda w, t, a: w.svc.clients.create(w.name("client"), actor=a), state=rows("clients")
    ),
    "clients.delete[C]": Op(lambda w, t, a: w.svc.clients.delete(t, actor=a)),
    # users
    "users.read[c_member]": Op(lambda w, t, a: w.svc.users.get(t, actor=a)),
    "users.update_name[c_member]": Op(
        lambda w, t, a: w.svc.users.update(t, {"name": w.name("Cm")}, actor=a)
    ),
    "users.update_role[c_member]": Op(
        lambda w, t, a: w.svc.users.update(t, {"role": "manager"}, actor=a)
    ),
    "users.create[c_member]": Op(
        lambda w, t, a: w.svc.users.create(
            f"{w.name('new').replace(' ', '')}@example.com", "New", actor=a
        ),
        state=rows("users"),
    ),
    "users.delete[user_in_C]": Op(lambda w, t, a: w.svc.users.delete(t, actor=a), new.user_in_c),
    # memberships
    "memberships.read[m_c_member]": Op(lambda w, t, a: w.svc.memberships.get(t, actor=a)),
    "memberships.update[m_c_member]": Op(
        lambda w, t, a: w.svc.memberships.update(t, {"role": "manager"}, actor=a),
        new.membership_in_c,
    ),
    "memberships.create[m_c_member]": Op(
        lambda w, t, a: w.svc.memberships.create(t, w["C"], "member", actor=a),
        new.user,
        rows("memberships"),
    ),
    "memberships.create_admin[m_c_member]": Op(
        lambda w, t, a: w.svc.memberships.create(t, w["C"], "admin", actor=a),
        new.user,
        rows("memberships"),
    ),
    "memberships.delete[m_c_member]": Op(
        lambda w, t, a: w.svc.memberships.delete(t, actor=a), new.membership_in_c
    ),
    # MCs
    "mcs.read[mc]": Op(lambda w, t, a: w.svc.mcs.get(t, actor=a)),
    "mcs.update[mc]": Op(
        lambda w, t, a: w.svc.mcs.update(t, {"name": w.name("MC")}, actor=a), new.mc
    ),
    "mcs.link_user[mc]": Op(
        lambda w, t, a: w.svc.mcs.update(t, {"user_uid": new.user(w)}, actor=a), new.mc
    ),
    "mcs.create[mc]": Op(
        lambda w, t, a: w.svc.mcs.create(w.name("MC"), actor=a), state=rows("mcs")
    ),
    "mcs.delete[mc]": Op(lambda w, t, a: w.svc.mcs.delete(t, actor=a), new.mc),
    # platforms
    "platforms.read[P]": Op(lambda w, t, a: w.svc.platforms.get(t, actor=a)),
    "platforms.update[P]": Op(
        lambda w, t, a: w.svc.platforms.update(t, {"name": w.name("P")}, actor=a)
    ),
    "platforms.create[P]": Op(
        lambda w, t, a: w.svc.platforms.create(w.name("platform"), actor=a),
        state=rows("platforms"),
    ),
    "platforms.delete[P]": Op(lambda w, t, a: w.svc.platforms.delete(t, actor=a)),
    # materials
    "materials.read[briefC]": Op(lambda w, t, a: w.svc.materials.get(t, actor=a)),
    "materials.read[sceneP]": Op(lambda w, t, a: w.svc.materials.get(t, actor=a)),
    "materials.update[briefC]": Op(
        lambda w, t, a: w.svc.materials.update(t, {"description": w.name("d")}, actor=a),
        new.brief_c,
    ),
    "materials.update[sceneP]": Op(
        lambda w, t, a: w.svc.materials.update(t, {"description": w.name("d")}, actor=a)
    ),
    "materials.create[briefC]": Op(
        lambda w, t, a: w.svc.materials.create(w.name("m"), "brief", client_uid=w["C"], actor=a),
        state=rows("materials"),
    ),
    "materials.delete[briefC]": Op(lambda w, t, a: w.svc.materials.delete(t, actor=a), new.brief_c),
    # shows
    "shows.read[showC]": Op(lambda w, t, a: w.svc.shows.get(t, actor=a)),
    "shows.update[showC]": Op(
        lambda w, t, a: w.svc.shows.update(t, {"name": w.name("show")}, actor=a), new.show_c
    ),
    "shows.read[draftC]": Op(lambda w, t, a: w.svc.shows.get(t, actor=a)),
    "shows.update[draftC]": Op(
        lambda w, t, a: w.svc.shows.update(t, {"name": w.name("draft")}, actor=a), new.draft_c
    ),
    "shows.create[showC]": Op(
        lambda w, t, a: w.svc.shows.create(
            w.name("show"),
            **new.show_window(w),
            studio_room_uid=w["roomA"],
            client_uid=w["C"],
            actor=a,
        ),
        state=rows("shows"),
    ),
    "shows.create[draftC]": Op(
        lambda w, t, a: w.svc.shows.create(
            w.name("draft"),
            new.DRAFT_START,
            new.DRAFT_START + timedelta(hours=1),
            studio_room_uid=w["roomA"],
            schedule_uid=w["planC"],
            actor=a,
        ),
        state=rows("shows"),
    ),
    "shows.delete[showC]": Op(lambda w, t, a: w.svc.shows.delete(t, actor=a), new.show_c),
    "shows.cancel[showC]": Op(lambda w, t, a: w.svc.shows.cancel(t, actor=a), new.show_c),
    # the show's links
    "show_mcs.read[showC]": Op(lambda w, t, a: w.svc.shows.mcs(t, actor=a)),
    "show_mcs.update[showC]": links(
        "show_mcs",
        lambda w, t, a: w.svc.shows.update_mc(t, w["mc"], {"note": w.name("note")}, actor=a),
    ),
    "show_mcs.create[showC]": links(
        "show_mcs", lambda w, t, a: w.svc.shows.add_mc(t, w["mc2"], actor=a)
    ),
    "show_mcs.create[draftC]": links(
        "show_mcs", lambda w, t, a: w.svc.shows.add_mc(t, w["mc2"], actor=a), new.draft_c
    ),
    "show_mcs.delete[showC]": links(
        "show_mcs", lambda w, t, a: w.svc.shows.remove_mc(t, w["mc"], actor=a)
    ),
    "show_materials.read[showC]": Op(lambda w, t, a: w.svc.shows.materials(t, actor=a)),
    "show_materials.create[showC]": links(
        "show_materials", lambda w, t, a: w.svc.shows.add_material(t, w["briefC"], actor=a)
    ),
    "show_materials.delete[showC]": links(
        "show_materials",
        lambda w, t, a: w.svc.shows.remove_material(t, w["briefC"], actor=a),
        new.show_c_with_material,
    ),
    "show_platforms.read[showC]": Op(lambda w, t, a: w.svc.shows.platforms(t, actor=a)),
    "show_platforms.update_own_platform[showC]": links(
        "show_platforms",
        lambda w, t, a: w.svc.shows.update_platform(
            t, w["P"], {"viewer_count": w.number()}, actor=a
        ),
    ),
    "show_platforms.update_other_platform[showC]": links(
        "show_platforms",
        lambda w, t, a: w.svc.shows.update_platform(
            t, w["Q"], {"viewer_count": w.number()}, actor=a
        ),
    ),
    "show_platforms.create[showC]": links(
        "show_platforms", lambda w, t, a: w.svc.shows.add_platform(t, w["R"], actor=a)
    ),
    "show_platforms.delete[showC]": links(
        "show_platforms", lambda w, t, a: w.svc.shows.remove_platform(t, w["Q"], actor=a)
    ),
    # schedules
    "schedules.read[planC]": Op(lambda w, t, a: w.svc.schedules.get(t, actor=a)),
    "schedules.check_promotion[planC]": Op(
        lambda w, t, a: w.svc.schedules.check_promotion(t, actor=a)
    ),
    "schedules.update[planC]": Op(
        lambda w, t, a: w.svc.schedules.update(t, {"name": w.name("plan")}, actor=a), new.plan_c
    ),
    "schedules.update_proposed[planC]": Op(
        lambda w, t, a: w.svc.schedules.update(t, {"name": w.name("plan")}, actor=a),
        new.proposed_plan_c,
    ),
    "schedules.create[planC]": Op(
        lambda w, t, a: w.svc.schedules.create(
            w["C"], w["A"], w.name("plan"), T0, T0 + timedelta(days=7), actor=a
        ),
        state=rows("schedules", "schedule_versions"),
    ),
    "schedules.delete[planC]": Op(lambda w, t, a: w.svc.schedules.delete(t, actor=a), new.plan_c),
    "schedules.propose[planC]": Op(lambda w, t, a: w.svc.schedules.propose(t, actor=a), new.plan_c),
    "schedules.approve[planC]": Op(
        lambda w, t, a: w.svc.schedules.approve(t, actor=a), new.proposed_plan_c
    ),
    "schedules.promote[planC]": Op(
        lambda w, t, a: w.svc.schedules.promote(t, actor=a),
        new.approved_plan_c,
        rows("schedules", "schedule_versions"),
    ),
    "schedules.promote_unapproved[planC]": Op(
        lambda w, t, a: w.svc.schedules.promote(t, reason="the client said yes by phone", actor=a),
        new.proposed_plan_c,
        rows("schedules", "schedule_versions"),
    ),
    "change_requests.read[crC]": Op(lambda w, t, a: w.svc.change_requests.get(t, actor=a)),
    "change_requests.create[crC]": Op(
        _raise_change("CLIENT_REQUESTED"), new.proposed_plan_c_with_draft, rows("change_requests")
    ),
    "change_requests.create_operational[crC]": Op(
        _raise_change("OPERATIONAL"), new.proposed_plan_c_with_draft, rows("change_requests")
    ),
    "change_requests.approve[crC]": Op(
        lambda w, t, a: w.svc.change_requests.approve(t, actor=a), new.change_request_c
    ),
    "schedule_versions.read[planC]": Op(lambda w, t, a: w.svc.schedules.versions(t, actor=a)),
    # tags
    "tags.read[gtag]": Op(lambda w, t, a: w.svc.tags.get(t, actor=a)),
    "tags.read[atag]": Op(lambda w, t, a: w.svc.tags.get(t, actor=a)),
    "tags.update[gtag]": Op(
        lambda w, t, a: w.svc.tags.update(t, {"name": w.name("tag")}, actor=a), new.gtag
    ),
    "tags.update[atag]": Op(
        lambda w, t, a: w.svc.tags.update(t, {"name": w.name("tag")}, actor=a), new.atag
    ),
    "tags.create[gtag]": Op(
        lambda w, t, a: w.svc.tags.create(w.name("tag"), actor=a), state=rows("tags")
    ),
    "tags.create[atag]": Op(
        lambda w, t, a: w.svc.tags.create(w.name("tag"), studio_uid=w["A"], actor=a),
        state=rows("tags"),
    ),
    "tags.delete[atag]": Op(lambda w, t, a: w.svc.tags.delete(t, actor=a), new.atag),
    "tags.tag[showC]": links("taggables", lambda w, t, a: w.svc.tags.tag(t, w["gtag"], actor=a)),
    "tags.tag[A]": Op(
        lambda w, t, a: w.svc.tags.tag(t, w["atag"], actor=a), state=rows("taggables")
    ),
    "tags.untag[showC]": links(
        "taggables", lambda w, t, a: w.svc.tags.untag(t, w["gtag"], actor=a), new.tagged_show_c
    ),
    # audits
    "audits.history[showC]": Op(lambda w, t, a: w.svc.audits.history(t, actor=a)),
    "audits.list[nothing]": Op(lambda w, t, a: w.svc.audits.page(limit=5, actor=a)),
    # comments
    "comments.read[commentC]": Op(lambda w, t, a: w.svc.comments.get(t, actor=a), new.comment_c),
    "comments.create[showC]": Op(
        lambda w, t, a: w.svc.comments.create(t, a.user_uid or "", "hi", actor=a),
        state=rows("comments"),
    ),
    "comments.create[planC]": Op(
        lambda w, t, a: w.svc.comments.create(t, a.user_uid or "", "hi", actor=a),
        state=rows("comments"),
    ),
    "comments.update[commentC]": Op(
        lambda w, t, a: w.svc.comments.edit(t, w.name("edited"), actor=a), new.comment_c
    ),
    "comments.delete[commentC]": Op(
        lambda w, t, a: w.svc.comments.delete(t, actor=a), new.comment_c
    ),
    # lookups
    "lookups.read[show_type]": Op(lambda w, t, a: w.svc.lookups[LOOKUP].get(t, actor=a)),
    "lookups.update[show_type]": Op(
        lambda w, t, a: w.svc.lookups[LOOKUP].update(t, {"description": "x"}, actor=a),
        new.show_type,
    ),
    "lookups.create[show_type]": Op(
        lambda w, t, a: w.svc.lookups[LOOKUP].create(w.name("type"), actor=a),
        state=rows("show_types"),
    ),
    "lookups.delete[show_type]": Op(
        lambda w, t, a: w.svc.lookups[LOOKUP].delete(t, actor=a), new.show_type
    ),
    # calendar feed links
    "calendar_feeds.list[feedHost]": Op(
        lambda w, t, a: w.svc.calendar_feeds.page(where={"user_uid": w["host"]}, actor=a),
        new.room_feed_of_host,
    ),
    "calendar_feeds.create[feedHost]": Op(
        lambda w, t, a: w.svc.calendar_feeds.create("schedule", w["planC"], actor=a),
        state=rows("calendar_feeds"),
    ),
    "calendar_feeds.delete[feedHost]": Op(
        lambda w, t, a: w.svc.calendar_feeds.delete(t, actor=a), new.feed_of_host
    ),
    # notifications
    "notifications.list[noteHost]": Op(
        lambda w, t, a: w.svc.notifications.page(
            recipient_uid=w["host"], subject_uid=w["showC"], kind="mention", actor=a
        ),
        new.note_of_host,
    ),
    "notifications.read[noteHost]": Op(
        lambda w, t, a: w.svc.notifications.mark_read(t, actor=a), new.note_of_host
    ),
    # webhooks
    "webhook_endpoints.list[hookA]": Op(lambda w, t, a: w.svc.webhooks.page(actor=a), new.hook_a),
    "webhook_endpoints.read[hookA]": Op(lambda w, t, a: w.svc.webhooks.get(t, actor=a), new.hook_a),
    "webhook_endpoints.create[hookA]": Op(
        lambda w, t, a: w.svc.webhooks.create(
            "http://127.0.0.1:9/new", ["*"], studio_uid=w["A"], actor=a
        ),
        state=rows("webhook_endpoints"),
    ),
    "webhook_endpoints.update[hookA]": Op(
        lambda w, t, a: w.svc.webhooks.update(t, {"description": "x"}, actor=a), new.hook_a
    ),
    "webhook_endpoints.rotate_secret[hookA]": Op(
        lambda w, t, a: w.svc.webhooks.rotate_secret(t, actor=a), new.hook_a
    ),
    "webhook_endpoints.delete[hookA]": Op(
        lambda w, t, a: w.svc.webhooks.delete(t, actor=a), new.hook_a
    ),
    "webhook_deliveries.list[hookA]": Op(
        lambda w, t, a: w.svc.webhooks.deliveries(t, actor=a), new.hook_a
    ),
    "webhook_deliveries.redeliver[deliveryA]": Op(
        lambda w, t, a: w.svc.webhooks.redeliver(t, actor=a), new.delivery_a
    ),
}
"""Each cell's call through the services, by :attr:`Cell.id`."""


@attrs.define
class Run:
    """One adapter's world and the fresh targets not yet consumed."""

    world: World
    targets: dict[str, str] = attrs.field(factory=dict)
    states: dict[tuple[str, str], object] = attrs.field(factory=dict)
    """What the target looked like after the last refused call (no need to
    read it again before the next one)."""


@pytest.fixture(scope="module", params=sorted(ADAPTERS))
def run(request: pytest.FixtureRequest) -> Iterator[Run]:
    with ADAPTERS[request.param]() as db:
        svc = Services(db, clock=FixedClock(T0), policy=MembershipPolicy())
        w = matrix.build_world(svc)
        # for the reads about C's records: a tag, a comment and a WARN conflict
        svc.tags.tag(w["showC"], w["gtag"])
        svc.comments.create(w["showC"], w["c_member"], "C only")
        room = svc.studio_rooms.create(w["A"], "A2", changeover_minutes=30).uid
        for hour in (0, 1):
            svc.shows.create(
                "C twin",
                T0 + timedelta(hours=hour),
                T0 + timedelta(hours=hour + 1),
                studio_room_uid=room,
                client_uid=w["C"],
            )
        yield Run(w)


def _target(run: Run, cell: Cell, op: Op) -> str:
    if op.setup is None:
        return run.world.uids.get(cell.target, "")
    if cell.id not in run.targets:
        run.targets[cell.id] = op.setup(run.world)
    return run.targets[cell.id]


@pytest.mark.parametrize(
    ("cell", "persona"), list(matrix.cases()), ids=lambda v: getattr(v, "id", v)
)
def test_cell(run: Run, cell: Cell, persona: str) -> None:
    bug = matrix.KNOWN_BUGS.get((cell.resource, cell.action, cell.target), {}).get(persona)
    with matrix.known_bug(bug):
        op = OPS[cell.id]
        w = run.world
        target = _target(run, cell, op)
        actor = w.actors[persona]
        expected = cell.expected(persona)
        state = op.state or record
        if expected is Outcome.ALLOWED:
            result = op.act(w, target, actor)
            if cell.listing:
                assert getattr(result, "total", 0) > 0, "an allowed list shows something"
            run.targets.pop(cell.id, None)
            run.states.clear()  # an allowed call may change what any cell looks at
            undo = matrix.UNDO.get(cell.id)
            if undo is not None:
                undo(w, target)
            return
        if expected is Outcome.EMPTY:
            page = op.act(w, target, actor)
            assert getattr(page, "items", None) == [], page
            assert getattr(page, "total", None) == 0, page
            return
        key = (cell.id, target)
        before = run.states.pop(key) if key in run.states else state(w, target)
        error = {
            Outcome.HIDDEN: NotFoundError,
            Outcome.UNKNOWN: ValidationError,
        }.get(expected, PermissionDeniedError)
        with pytest.raises(error):
            op.act(w, target, actor)
        after = state(w, target)
        assert after == before, "a refused call changed data"
        run.states[key] = after


def test_the_matrix_covers_every_row_of_the_access_table() -> None:
    """A new row of ACCESS_TABLE needs cells here (and a new cell, a call)."""
    assert {c.resource for c in matrix.CELLS} == set(ACCESS_TABLE)
    assert set(OPS) == {c.id for c in matrix.CELLS}
    # an undo puts back the world's own record: for cells acting on one
    assert set(matrix.UNDO) <= {cell for cell, op in OPS.items() if op.setup is None}
    assert len({c.id for c in matrix.CELLS}) == len(matrix.CELLS)
    for cell in matrix.CELLS:
        assert cell.allowed <= set(matrix.PERSONAS), cell.id
        assert "sys_admin" in cell.allowed, cell.id  # system admins may do everything


# --------------------------------------------------------------------------- reads about C

Read = Callable[[World, Actor], object]

READS_ABOUT_C: dict[str, Read] = {
    "shows.get": lambda w, a: w.svc.shows.get(w["showC"], actor=a),
    "shows.mcs": lambda w, a: w.svc.shows.mcs(w["showC"], actor=a),
    "shows.platforms": lambda w, a: w.svc.shows.platforms(w["showC"], actor=a),
    "shows.materials": lambda w, a: w.svc.shows.materials(w["showC"], actor=a),
    "shows.search": lambda w, a: w.svc.shows.search(actor=a, limit=500),
    "schedules.shows": lambda w, a: w.svc.schedules.shows(w["planC"], actor=a),
    "schedules.versions": lambda w, a: w.svc.schedules.versions(w["planC"], actor=a),
    "schedules.check_promotion": lambda w, a: w.svc.schedules.check_promotion(w["planC"], actor=a),
    "materials.versions": lambda w, a: w.svc.materials.versions(w["briefC"], actor=a),
    "users.by_email": lambda w, a: w.svc.users.by_email("c_member@example.com", actor=a),
    "audits.history": lambda w, a: w.svc.audits.history(w["showC"], actor=a),
    "audits.page": lambda w, a: w.svc.audits.page(limit=500, actor=a),
    "tags.tags_of": lambda w, a: w.svc.tags.tags_of(w["showC"], actor=a),
    "tags.tagged": lambda w, a: w.svc.tags.tagged(w["gtag"], actor=a),
    "comments.thread": lambda w, a: w.svc.comments.thread(w["showC"], actor=a),
    "memberships.role_in": lambda w, a: w.svc.memberships.role_in(w["c_member"], w["C"], actor=a),
    "scheduling.suggest_room_for_show": lambda w, a: w.svc.scheduling.suggest_room_for_show(
        w["showC"], actor=a
    ),
    "scheduling.conflicts": lambda w, a: w.svc.scheduling.conflicts(actor=a),
    "scheduling.shows_of_operational_day": lambda w, a: w.svc.scheduling.shows_of_operational_day(
        w["A"], T0.date(), actor=a
    ),
}
"""Every read use case about one record (or listing records) of client C."""

REFUSALS: dict[str, type[Exception] | tuple[type[Exception], ...]] = {
    "users.by_email": (NotFoundError, ValidationError),  # for system admins only, any address
}
"""Reads refused whatever the record, besides NotFoundError."""

LISTINGS = frozenset(
    {
        "shows.search",
        "audits.page",
        "tags.tagged",
        "scheduling.conflicts",
        "scheduling.shows_of_operational_day",
    }
)
"""Reads that list records (the rest read about one record of C: NotFoundError)."""

READ_LEAKS: dict[str, str] = {}


def _c_uids(w: World, svc: Services) -> set[str]:
    """The uids client D's member may not see: C's records and everything linked
    to them (links, versions, audits, comments)."""
    with svc.context.reader() as uow:
        everything = [
            e
            for cls in REPOSITORY_NAMES
            for e in repository_for(uow, cls).list(deleted=Deleted.INCLUDE)
        ]
    mine = {w["D"], w["showD"], w["d_member"], w["m_d_member"]}
    c = {w["C"], w["showC"], w["draftC"], w["planC"], w["briefC"], w["c_member"]}
    c |= {e.uid for e in everything if getattr(e, "client_uid", None) == w["C"]}
    shows = {e.uid for e in everything if e.TABLE == "shows"} - mine
    c |= shows
    related = {
        e.uid
        for e in everything
        if any(
            getattr(e, field, None) in c
            for field in ("show_uid", "schedule_uid", "recordable_uid", "commentable_uid")
        )
    }
    return c | related


@pytest.mark.parametrize("name", sorted(READS_ABOUT_C))
def test_reads_about_client_c_tell_client_d_nothing(run: Run, name: str) -> None:
    """Hidden (NotFoundError); a list may answer, naming none of C's records."""
    with matrix.known_bug(READ_LEAKS.get(name)):
        w = run.world
        try:
            answer = READS_ABOUT_C[name](w, w.actors["d_member"])
        except REFUSALS.get(name, NotFoundError):
            return
        assert name in LISTINGS, f"{name} about a record of C answered {answer!r}"
        named = {uid for uid in _c_uids(w, w.svc) if uid in repr(answer)}
        assert not named, f"{name} names records of client C: {sorted(named)}"
