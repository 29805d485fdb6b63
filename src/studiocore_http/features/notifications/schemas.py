"""Bodies of notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from studiocore import NotificationKind
from studiocore_http.shared.schemas import Output, Record

__all__ = ["MarkedRead", "Notification", "UnreadCount"]


class Notification(Record):
    """Something the user is told: ``kind`` of thing happened to the record
    ``subject_uid`` (of table ``subject_type``: a show, a schedule, a change
    request, a webhook endpoint), in words (``text``, with names and the
    studio's local times), caused by ``actor_uid`` (``null``: the system).
    ``read_at`` is ``null`` until the user marks it read. ``metadata`` holds
    details of some kinds (a mention's ``comment_uid``, the ``show_uids`` of a
    conflict warning, a bulk confirmation's ``show_count``)."""

    recipient_uid: str
    kind: NotificationKind
    subject_uid: str
    subject_type: str
    text: str
    actor_uid: str | None
    read_at: datetime | None
    metadata: dict[str, Any]


class UnreadCount(Output):
    """How many of the user's notifications are unread."""

    unread: int


class MarkedRead(Output):
    """How many notifications ``read-all`` marked read."""

    marked: int
