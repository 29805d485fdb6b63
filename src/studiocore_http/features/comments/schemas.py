"""Bodies of comments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from studiocore_http.shared.schemas import Input, Output

__all__ = ["Comment", "CommentCreate", "CommentEdit", "Mention"]

Content = Annotated[str, msgspec.Meta(min_length=1, max_length=10_000)]


class Mention(Output):
    """A user the comment mentions (``@user_<ULID>`` in its content)."""

    uid: str
    name: str | None


class Comment(Output):
    """One comment of a thread. ``depth`` is 0 for a comment on the record, 1
    for a reply, and so on: a client indents by it. A deleted comment keeps its
    place with ``deleted`` true, ``content`` null and no mentions."""

    uid: str
    commentable_uid: str
    commentable_type: str
    parent_uid: str | None
    depth: int
    owner_uid: str
    owner_name: str | None
    content: str | None
    mentions: list[Mention]
    deleted: bool
    edited: bool
    created_at: datetime
    updated_at: datetime


class CommentCreate(Input):
    """A comment by the signed-in user; ``parent_uid`` makes it a reply to a
    comment on the same record. Mention people as ``@user_<ULID>``: each must
    be able to read the record."""

    content: Content
    parent_uid: str | None = None


class CommentEdit(Input):
    """The new content of one's own comment."""

    content: Content
