"""Bodies of calendar feed links."""

from __future__ import annotations

from typing import Annotated

import msgspec

from studiocore import CalendarKind
from studiocore_http.shared.schemas import Input, Record

__all__ = ["CalendarFeed", "CalendarFeedCreate"]


class CalendarFeedCreate(Input):
    """Whose calendar to subscribe to: ``kind`` (``mc``, ``studio_room``,
    ``schedule``) and that record's ``uid``; ``drafts`` adds draft shows (as
    tentative events)."""

    kind: CalendarKind
    uid: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    drafts: bool = False


class CalendarFeed(Record):
    """A personal feed link: ``url`` (``https://...``) and ``webcal_url`` (the
    same as ``webcal://...``, which calendar apps open as a subscription) serve
    the calendar without a bearer token, read with its owner's current rights,
    until it is revoked."""

    user_uid: str
    kind: CalendarKind
    target_uid: str
    drafts: bool
    url: str
    webcal_url: str
