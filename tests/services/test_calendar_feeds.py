"""``CalendarFeedService``: personal, revocable calendar feed links, on every
adapter (with the membership policy, as the HTTP app runs)."""

from __future__ import annotations

import pytest

from studiocore import (
    SYSTEM,
    CalendarKind,
    FixedClock,
    NotFoundError,
    PermissionDeniedError,
    Services,
    ValidationError,
)
from studiocore.access import MembershipPolicy
from tests.conftest import FreshDatabase
from tests.support import access_matrix as matrix
from tests.support.builders import T0


@pytest.fixture
def world(fresh_db: FreshDatabase) -> matrix.World:
    return matrix.build_world(Services(fresh_db(), clock=FixedClock(T0), policy=MembershipPolicy()))


def test_a_user_creates_lists_and_revokes_their_own_feed(world: matrix.World) -> None:
    w, me = world, world.actors["c_member"]
    feeds = w.svc.calendar_feeds
    feed = feeds.create("schedule", w["planC"], drafts=True, actor=me)
    assert (feed.user_uid, feed.kind, feed.target_uid, feed.drafts) == (
        w["c_member"],
        CalendarKind.SCHEDULE,
        w["planC"],
        True,
    )
    assert feeds.create("schedule", w["planC"], drafts=True, actor=me).uid == feed.uid  # the same
    other = feeds.create("studio_room", w["roomA"], actor=me)
    assert [f.uid for f in feeds.list(actor=me)] == [feed.uid, other.uid]
    assert feeds.page(actor=me).total == 2
    assert feeds.get(feed.uid, actor=me) == feed
    feeds.delete(feed.uid, actor=me)
    assert [f.uid for f in feeds.list(actor=me)] == [other.uid]
    with pytest.raises(NotFoundError):
        feeds.live(feed.uid)  # a revoked link stops at once
    with pytest.raises(ValidationError):
        feeds.restore(feed.uid, actor=me)  # and stays revoked
    again = feeds.create("schedule", w["planC"], drafts=True, actor=me)
    assert again.uid != feed.uid  # a new link, the old one still dead


def test_nobody_else_lists_reads_or_revokes_a_feed(world: matrix.World) -> None:
    w = world
    feeds = w.svc.calendar_feeds
    feed = feeds.create("mc", w["mc"], actor=w.actors["host"])
    for persona in ("c_member", "a_admin", "stranger"):
        actor = w.actors[persona]
        assert feed.uid not in {f.uid for f in feeds.list(actor=actor)}
        assert feeds.page(where={"user_uid": w["host"]}, actor=actor).items == []
        assert feeds.list(where={"user_uid": w["host"]}, actor=actor) == []
        with pytest.raises(NotFoundError):
            feeds.get(feed.uid, actor=actor)
        with pytest.raises(NotFoundError):
            feeds.delete(feed.uid, actor=actor)
    assert feeds.live(feed.uid) == feed  # still there
    admin = w.actors["sys_admin"]
    assert feed.uid in {f.uid for f in feeds.list(actor=admin)}
    assert feeds.page(where={"user_uid": w["host"]}, actor=admin).total == 1
    feeds.delete(feed.uid, actor=admin)  # a system admin revokes anyone's
    assert feeds.list(actor=w.actors["host"]) == []


def test_a_feed_needs_a_user_and_a_calendar_they_may_read(world: matrix.World) -> None:
    w = world
    feeds = w.svc.calendar_feeds
    for persona in ("stranger", "d_member", "host", "p_member"):
        with pytest.raises(NotFoundError):
            feeds.create("schedule", w["planC"], actor=w.actors[persona])
    with pytest.raises(PermissionDeniedError):
        feeds.create("mc", w["mc"], actor=w.actors["banned"])
    with pytest.raises(ValidationError) as refused:
        feeds.create("mc", w["mc"], actor=SYSTEM)
    assert refused.value.field == "actor"
    with pytest.raises(ValidationError) as refused:
        feeds.create("mc", w["roomA"], actor=w.actors["host"])
    assert refused.value.field == "target_uid"
    with pytest.raises(ValidationError) as refused:
        feeds.create("room", w["roomA"], actor=w.actors["host"])
    assert refused.value.field == "kind"
    with pytest.raises(ValidationError) as refused:
        feeds.create("mc", w["mc"], drafts=1, actor=w.actors["host"])  # type: ignore[arg-type]
    assert refused.value.field == "drafts"
    with pytest.raises(NotFoundError):
        feeds.create("mc", "mc_01JD0000000000000000000000", actor=w.actors["host"])
    assert feeds.list(actor=SYSTEM) == []  # nothing was stored


def test_a_link_stops_when_its_owner_is_banned_or_deleted(world: matrix.World) -> None:
    w = world
    feeds = w.svc.calendar_feeds
    mine = feeds.create("studio_room", w["roomA"], actor=w.actors["a_member"])
    theirs = feeds.create("studio_room", w["roomA"], actor=w.actors["c_member"])
    assert feeds.live(mine.uid) == mine
    w.svc.users.update(w["a_member"], {"is_banned": True})
    with pytest.raises(NotFoundError):
        feeds.live(mine.uid)
    w.svc.users.update(w["a_member"], {"is_banned": False})
    assert feeds.live(mine.uid) == mine
    w.svc.users.delete(w["c_member"])
    with pytest.raises(NotFoundError):
        feeds.live(theirs.uid)


def test_the_feed_reads_with_the_owners_rights_at_each_read(world: matrix.World) -> None:
    """What an adapter does per fetch: the owner's actor now, then the calendar."""
    w = world
    svc = w.svc
    feed = svc.calendar_feeds.create("schedule", w["planC"], actor=w.actors["c_member"])

    def fetch() -> list[str]:
        live = svc.calendar_feeds.live(feed.uid)
        owner = svc.users.actor(live.user_uid)
        view = svc.scheduling.calendar(live.kind, live.target_uid, drafts=True, actor=owner)
        return [e.show_uid for e in view.events]

    assert fetch() == [w["draftC"]]
    svc.memberships.delete(w["m_c_member"])  # no longer in client C
    with pytest.raises(NotFoundError):
        fetch()
