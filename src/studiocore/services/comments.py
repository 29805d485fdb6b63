"""Threaded comments on shows, schedules, change requests and tasks.

Who may do what is the ``comments`` row of the access table: whoever may read
the record comments on it, as themselves; its author edits the content and
deletes it; the admins of the record's studio or client (and system admins)
delete (hide) any comment there, but do not edit it.

A deleted comment stays in its thread: :meth:`CommentService.thread` returns
it in place, without content, so its replies still make sense. Every write is
audited by the pipeline (``create``, ``update`` with the old and new content,
``delete``), so :meth:`studiocore.AuditService.history` of a comment shows its
edits and its deletion.

Mentions are ``@user_<ULID>`` in the content. A comment may mention only users
who exist, are not banned and may read the record it is on; otherwise it is a
:class:`~studiocore.ValidationError` on ``content`` that tells the author
nothing about the record the mentioned user could not have learned.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from studiocore.access.scope import find_any
from studiocore.entities import ChangeRequest, Comment, Entity, Schedule, Show, Task, User
from studiocore.errors import NotFoundError, PermissionDeniedError, ValidationError
from studiocore.ids import uid_prefix
from studiocore.permissions import SYSTEM, Action, Actor
from studiocore.ports import Deleted, UnitOfWork, Where

from ._base import CrudService, Listing, Work, actor_for, check_paging, reads, require, writes

__all__ = ["COMMENTABLE_TYPES", "CommentService", "CommentThread", "CommentView", "Mention"]

_COMMENTABLE: dict[str, tuple[type[Entity], str]] = {
    cls.PREFIX: (cls, words)
    for cls, words in (
        (Show, "show"),
        (Schedule, "schedule"),
        (ChangeRequest, "change request"),
        (Task, "task"),
    )
}

_MAX_DEPTH = 1000
"""How far :meth:`CommentService.view` walks up a reply chain."""

COMMENTABLE_TYPES: frozenset[str] = frozenset(cls.TABLE for cls, _ in _COMMENTABLE.values())
"""The records comments may be on (their tables): ``shows``, ``schedules``,
``change_requests`` and ``tasks``."""


@attrs.frozen(kw_only=True)
class Mention:
    """A user a comment mentions: their uid and name (``None`` for a user that
    no longer exists)."""

    uid: str
    name: str | None


@attrs.frozen(kw_only=True)
class CommentView:
    """One comment of a thread, as a client shows it.

    ``depth`` is 0 for a comment on the record, 1 for a reply to it, and so on.
    A deleted comment keeps its place (``deleted`` true) with ``content``
    ``None`` and no mentions. ``edited`` says the content changed after it was
    written."""

    uid: str
    commentable_uid: str
    commentable_type: str
    parent_uid: str | None
    depth: int
    owner_uid: str
    owner_name: str | None
    content: str | None
    mentions: tuple[Mention, ...]
    deleted: bool
    edited: bool
    created_at: datetime
    updated_at: datetime


@attrs.frozen(kw_only=True)
class CommentThread:
    """One page of a record's thread: ``limit`` top-level comments from
    ``offset`` (oldest first), each followed by all its replies (depth first,
    oldest first among siblings) in ``items``. ``total`` counts the top-level
    comments (deleted ones too), so a client pages by top-level comment and
    indents each item by its ``depth``."""

    items: list[CommentView]
    total: int
    limit: int
    offset: int


def _kind_of(uid: object) -> tuple[type[Entity], str]:
    """The entity type and its words for a commentable uid, else a
    ``ValidationError`` on ``commentable_uid`` (from the uid alone: nothing is read)."""
    found = _COMMENTABLE.get(uid_prefix(uid)) if isinstance(uid, str) else None
    if found is None:
        raise ValidationError(
            "commentable_uid", "comments are on shows, schedules, change requests or tasks"
        )
    return found


def _may_read(work: Work, user: User, record: Entity) -> bool:
    """Whether ``user`` may read ``record``, by the services' policy."""
    if user.is_banned:
        return False
    actor = actor_for(work.inner, user)
    call = attrs.evolve(work.call, actor=actor, action=Action.READ)
    try:
        work.call.ctx.policy.authorize(call.request(work.inner, target=record))
    except (NotFoundError, PermissionDeniedError):
        return False
    return True


class CommentService(CrudService[Comment]):
    """Threaded comments (a reply names its ``parent_uid``) on shows, schedules,
    change requests and tasks (:data:`COMMENTABLE_TYPES`)."""

    entity_type = Comment
    read_only_fields = frozenset({"commentable_uid", "commentable_type", "owner_uid", "parent_uid"})

    @writes
    def create(
        self,
        work: Work,
        commentable_uid: str,
        owner_uid: str,
        content: str,
        *,
        parent_uid: str | None = None,
        actor: Actor = SYSTEM,
    ) -> Comment:
        """Comment on a record, or reply to a comment on it (``parent_uid``).

        ``owner_uid`` is the author: a user comments as themselves (another
        uid is refused by the access table: ``PermissionDeniedError``); the
        system actor may write on anyone's behalf (imports, demo data). A
        record the actor may not read is a ``NotFoundError``; one that does not
        exist, or is not commentable, a ``ValidationError`` on
        ``commentable_uid``."""
        cls, _ = _kind_of(commentable_uid)
        target = find_any(work, commentable_uid)
        if target is None:
            raise ValidationError("commentable_uid", f"{commentable_uid!r} does not exist")
        work.authorize(target)  # may the actor read it: NotFoundError before any rule speaks
        return self._add(
            work,
            {
                "commentable_uid": commentable_uid,
                "commentable_type": cls.TABLE,
                "owner_uid": owner_uid,
                "parent_uid": parent_uid,
                "content": content,
            },
        )

    @writes
    def edit(self, work: Work, uid: str, content: str, *, actor: Actor = SYSTEM) -> Comment:
        """Change the content of a comment (its author only; moderators delete,
        they do not edit). The old and new content are audited."""
        return self._update(work, uid, {"content": content})

    @reads
    def view(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> CommentView:
        """One comment as :meth:`thread` shows it (its depth, its author's and
        mentioned users' names), for whoever may read the record it is on."""
        comment: Comment = work.load(Comment, uid, include_deleted=True)
        depth, parent = 0, comment.parent_uid
        while parent is not None and depth < _MAX_DEPTH:
            above = work.inner.comments.find(parent, include_deleted=True)
            parent = None if above is None else above.parent_uid
            depth += 1
        return _view(comment, depth, _names(work, [(comment, depth)]))

    @reads
    def thread(
        self,
        work: Work,
        commentable_uid: str,
        *,
        limit: int = 50,
        offset: int = 0,
        actor: Actor = SYSTEM,
    ) -> CommentThread:
        """The comments on a record the actor may read (``NotFoundError`` for
        any other), one page of top-level comments at a time with their
        replies: see :class:`CommentThread`. Deleted comments keep their place,
        without content."""
        check_paging(limit, offset)
        cls, _ = _kind_of(commentable_uid)
        work.load(cls, commentable_uid)  # NotFoundError unless the actor may read it
        found = work.inner.comments.list(
            where={"commentable_uid": commentable_uid}, deleted=Deleted.INCLUDE
        )
        found.sort(key=lambda c: (c.created_at, c.uid))
        children: dict[str | None, list[Comment]] = {}
        uids = {c.uid for c in found}
        for comment in found:
            parent = comment.parent_uid if comment.parent_uid in uids else None
            children.setdefault(parent, []).append(comment)
        roots = children.get(None, [])
        shown = roots[offset : offset + limit]
        ordered: list[tuple[Comment, int]] = []
        pending = [(c, 0) for c in reversed(shown)]
        while pending:
            comment, depth = pending.pop()
            ordered.append((comment, depth))
            pending.extend((c, depth + 1) for c in reversed(children.get(comment.uid, [])))
        names = _names(work, ordered)
        return CommentThread(
            items=[_view(c, depth, names) for c, depth in ordered],
            total=len(roots),
            limit=limit,
            offset=offset,
        )

    def _listing(self, work: Work, where: Where | None) -> Listing:
        """Comments about one record the actor may read
        (``where={"commentable_uid": ...}``), or any, for whoever sees every
        commentable record. Prefer :meth:`thread`."""
        _check_listing(work, where)
        return where, None

    def _validate(self, uow: UnitOfWork, new: Comment, old: Comment | None) -> None:
        require(uow.users, new.owner_uid, "owner_uid", "user")
        if new.parent_uid is not None:
            parent: Comment = require(uow.comments, new.parent_uid, "parent_uid", "comment")
            if parent.commentable_uid != new.commentable_uid:
                raise ValidationError("parent_uid", "a reply must be on the same record")
        if isinstance(uow, Work):
            known = () if old is None else old.mentioned_uids
            _check_mentions(uow, new, [u for u in new.mentioned_uids if u not in known])


def _check_listing(work: Work, where: Where | None) -> None:
    """A list of comments is about one record the actor may read, unless the
    actor sees every commentable record (the policy lists comments only
    through the record they are on)."""
    record_uid = (where or {}).get("commentable_uid")
    if isinstance(record_uid, str):
        cls, _ = _kind_of(record_uid)
        work.load(cls, record_uid)
        return
    if any(work.visibility(table) is not None for table in COMMENTABLE_TYPES):
        raise ValidationError(
            "commentable_uid", "comments are listed one record at a time: name the record"
        )


def _check_mentions(work: Work, comment: Comment, mentioned: list[str]) -> None:
    """Refuse a mention of a user who may not read the record (or is not
    there): a ``ValidationError`` on ``content`` naming only the uid."""
    if not mentioned:
        return
    _, words = _kind_of(comment.commentable_uid)
    record = find_any(work.inner, comment.commentable_uid)
    users = work.inner.users.get_many(mentioned)
    for uid in mentioned:
        user = users.get(uid)
        if user is None or user.deleted_at is not None:
            raise ValidationError("content", f"cannot mention {uid}: no such user")
        if record is None or not _may_read(work, user, record):
            raise ValidationError("content", f"cannot mention {uid}: they cannot see this {words}")


def _names(work: Work, comments: list[tuple[Comment, int]]) -> Mapping[str, str]:
    """The names of the authors and mentioned users of ``comments``, read in
    one query (shown with the comments to whoever may read the thread)."""
    uids: set[str] = set()
    for comment, _ in comments:
        uids.add(comment.owner_uid)
        if comment.deleted_at is None:
            uids.update(comment.mentioned_uids)
    if not uids:
        return {}
    found = work.inner.users.list(where={"uid": sorted(uids)}, deleted=Deleted.INCLUDE)
    return {u.uid: u.name for u in found}


def _view(comment: Comment, depth: int, names: Mapping[str, Any]) -> CommentView:
    deleted = comment.deleted_at is not None
    return CommentView(
        uid=comment.uid,
        commentable_uid=comment.commentable_uid,
        commentable_type=comment.commentable_type,
        parent_uid=comment.parent_uid,
        depth=depth,
        owner_uid=comment.owner_uid,
        owner_name=names.get(comment.owner_uid),
        content=None if deleted else comment.content,
        mentions=()
        if deleted
        else tuple(Mention(uid=u, name=names.get(u)) for u in comment.mentioned_uids),
        deleted=deleted,
        edited=not deleted and comment.updated_at > comment.created_at,
        created_at=comment.created_at,
        updated_at=comment.updated_at,
    )
