"""Comments: threads, deletion keeping replies, mentions refused for users who
cannot see the record, moderation; on every adapter, with the membership
policy. The world is the access world (``tests/support/access_matrix.py``):
show C in studio A for client C, hosted by the ``host`` user's MC; client D
and its member see none of it."""

from __future__ import annotations

import pytest

from studiocore import (
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


def test_a_thread_pages_top_level_comments_with_their_replies_in_place(
    world: matrix.World,
) -> None:
    w = world
    say = w.svc.comments.create
    first = say(w["showC"], w["c_member"], "Lights?", actor=w.actors["c_member"])
    second = say(w["showC"], w["a_member"], "Sound check at 9", actor=w.actors["a_member"])
    reply = say(
        w["showC"], w["a_manager"], "Yes", parent_uid=first.uid, actor=w.actors["a_manager"]
    )
    deeper = say(w["showC"], w["host"], "Thanks", parent_uid=reply.uid, actor=w.actors["host"])
    third = say(w["showC"], w["host"], "Running late", actor=w.actors["host"])

    thread = w.svc.comments.thread(w["showC"], limit=2, actor=w.actors["p_member"])
    assert thread.total == 3  # top-level comments
    assert [(c.uid, c.depth) for c in thread.items] == [
        (first.uid, 0),
        (reply.uid, 1),
        (deeper.uid, 2),
        (second.uid, 0),
    ]
    assert thread.items[0].owner_name == "c_member"
    rest = w.svc.comments.thread(w["showC"], limit=2, offset=2, actor=w.actors["p_member"])
    assert [c.uid for c in rest.items] == [third.uid]

    # deleting keeps the comment in place, content hidden, replies kept
    w.svc.comments.delete(first.uid, actor=w.actors["c_member"])
    items = w.svc.comments.thread(w["showC"], actor=w.actors["a_member"]).items
    gone = items[0]
    assert (gone.uid, gone.deleted, gone.content, gone.mentions) == (first.uid, True, None, ())
    assert [c.uid for c in items[1:3]] == [reply.uid, deeper.uid]
    assert items[1].content == "Yes"
    with pytest.raises(NotFoundError):
        w.svc.comments.thread(w["showC"], actor=w.actors["d_member"])


def test_only_readers_comment_as_themselves_on_shows_schedules_and_change_requests(
    world: matrix.World,
) -> None:
    w = world
    for record in ("showC", "planC", "crC"):
        made = w.svc.comments.create(w[record], w["c_member"], "ok", actor=w.actors["c_member"])
        assert made.commentable_type == {"showC": "shows", "planC": "schedules"}.get(
            record, "change_requests"
        )
    with pytest.raises(NotFoundError):  # D's member may not read show C
        w.svc.comments.create(w["showC"], w["d_member"], "hi", actor=w.actors["d_member"])
    with pytest.raises(PermissionDeniedError):  # a user comments as themselves
        w.svc.comments.create(w["showC"], w["a_member"], "hi", actor=w.actors["c_member"])
    for record in ("A", "C", "c_member", "briefC"):  # not commentable
        with pytest.raises(ValidationError) as err:
            w.svc.comments.create(w[record], w["c_member"], "hi")
        assert err.value.field == "commentable_uid"
    with pytest.raises(ValidationError) as err:
        w.svc.comments.create("show_01JD0000000000000000000000", w["c_member"], "x")
    assert err.value.field == "commentable_uid"
    other = w.svc.comments.create(w["planC"], w["c_member"], "elsewhere")
    with pytest.raises(ValidationError) as err:
        w.svc.comments.create(w["showC"], w["c_member"], "x", parent_uid=other.uid)
    assert err.value.field == "parent_uid"
    with pytest.raises(ValidationError) as err:
        w.svc.comments.create(w["showC"], w["c_member"], "   ")
    assert err.value.field == "content"


def test_authors_edit_and_delete_their_own_and_the_records_admins_moderate(
    world: matrix.World,
) -> None:
    w = world
    note = w.svc.comments.create(w["showC"], w["c_member"], "v1", actor=w.actors["c_member"])
    edited = w.svc.comments.edit(note.uid, "v2", actor=w.actors["c_member"])
    assert edited.content == "v2"
    for persona in ("a_member", "a_admin", "c_admin", "c_manager"):  # nobody else edits
        with pytest.raises(PermissionDeniedError):
            w.svc.comments.edit(note.uid, "hijacked", actor=w.actors[persona])
    with pytest.raises(NotFoundError):
        w.svc.comments.edit(note.uid, "hijacked", actor=w.actors["d_member"])
    for persona in ("a_manager", "c_manager", "host", "p_admin"):  # not moderators
        with pytest.raises(PermissionDeniedError):
            w.svc.comments.delete(note.uid, actor=w.actors[persona])
    with pytest.raises(ValidationError) as err:  # the author changes only the content
        w.svc.comments.update(note.uid, {"owner_uid": w["a_member"]}, actor=w.actors["c_member"])
    assert err.value.field == "owner_uid"
    for moderator in ("a_admin", "c_admin", "sys_admin"):
        other = w.svc.comments.create(w["showC"], w["a_member"], "spam", actor=w.actors["a_member"])
        w.svc.comments.delete(other.uid, actor=w.actors[moderator])
    w.svc.comments.delete(note.uid, actor=w.actors["c_member"])
    with pytest.raises(NotFoundError):  # a deleted comment is not edited
        w.svc.comments.edit(note.uid, "v3", actor=w.actors["c_member"])

    history = w.svc.audits.history(note.uid, actor=w.actors["host"])
    assert [(a.action, a.user_uid) for a in history] == [
        ("create", w["c_member"]),
        ("update", w["c_member"]),
        ("delete", w["c_member"]),
    ]
    assert (history[1].old_values, history[1].new_values) == ({"content": "v1"}, {"content": "v2"})
    assert history[2].old_values == {"deleted_at": None}
    assert history[2].new_values == {"deleted_at": T0.isoformat()}


def test_mentions_only_of_live_users_who_may_read_the_record(world: matrix.World) -> None:
    w = world
    ok = f"@{w['host']} and @{w['a_member']}, see this"
    made = w.svc.comments.create(w["showC"], w["c_member"], ok, actor=w.actors["c_member"])
    view = w.svc.comments.thread(w["showC"], actor=w.actors["c_member"]).items[0]
    assert [(m.uid, m.name) for m in view.mentions] == [
        (w["host"], "host"),
        (w["a_member"], "a_member"),
    ]
    for persona in ("d_member", "b_manager", "banned"):
        uid = w[persona]
        with pytest.raises(ValidationError) as err:
            w.svc.comments.create(
                w["showC"], w["c_member"], f"@{uid} hi", actor=w.actors["c_member"]
            )
        assert err.value.field == "content"
        assert err.value.reason == f"cannot mention {uid}: they cannot see this show"
        with pytest.raises(ValidationError):  # nor by editing
            w.svc.comments.edit(made.uid, f"{ok} @{uid}", actor=w.actors["c_member"])
    ghost = "user_01JD0000000000000000000000"
    with pytest.raises(ValidationError) as err:
        w.svc.comments.create(w["planC"], w["c_member"], f"@{ghost}", actor=w.actors["c_member"])
    assert err.value.reason == f"cannot mention {ghost}: no such user"
    with pytest.raises(ValidationError) as err:  # the host reads show C, not its schedule
        w.svc.comments.create(
            w["planC"], w["c_member"], f"@{w['host']}", actor=w.actors["c_member"]
        )
    assert err.value.reason == f"cannot mention {w['host']}: they cannot see this schedule"
    assert w.svc.comments.get(made.uid).content == ok  # refused edits changed nothing


def test_comments_are_listed_one_readable_record_at_a_time(world: matrix.World) -> None:
    w = world
    w.svc.comments.create(w["showC"], w["c_member"], "C only")
    with pytest.raises(ValidationError) as err:  # every comment of every record: no
        w.svc.comments.page(actor=w.actors["d_member"])
    assert err.value.field == "commentable_uid"
    with pytest.raises(NotFoundError):
        w.svc.comments.list(where={"commentable_uid": w["showC"]}, actor=w.actors["d_member"])
    mine = w.svc.comments.page(where={"commentable_uid": w["showC"]}, actor=w.actors["host"])
    assert [c.content for c in mine.items] == ["C only"]
    assert mine.total == 1
    assert w.svc.comments.page(actor=w.actors["sys_admin"]).total == 1
