"""Bodies of change requests, their decisions and previews."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from studiocore import ChangeRequestStatus
from studiocore_http.features.schedules.schemas import ShowChange
from studiocore_http.features.scheduling.schemas import Conflict
from studiocore_http.shared.schemas import Input, Json, MetadataRecord, Output

__all__ = [
    "ChangeApplied",
    "ChangeRequest",
    "ChangeRequestCreate",
    "ChangeRequestWithPreview",
    "Decision",
    "Preview",
    "Rejection",
]

Text = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class ChangeRequest(MetadataRecord):
    schedule_uid: str
    change_category: str
    change_type: str
    """The main change type; ``change_types`` lists every one its operations have."""
    change_types: list[str]
    status: ChangeRequestStatus
    reason: str | None
    operations: list[Json]
    requested_by_uid: str | None
    reviewed_by_uid: str | None
    decided_at: datetime | None


class ChangeRequestCreate(Input):
    """A change to a proposed or confirmed schedule. Each operation is an
    object with an ``op``: ``move`` (``show_uid``, ``show_start``, ``show_end``),
    ``change_room`` (``show_uid``, ``studio_room_uid``), ``add_mc`` /
    ``remove_mc`` (``show_uid``, ``mc_uid``), ``add_platform`` /
    ``remove_platform`` (``show_uid``, ``platform_uid``), ``add_show``
    (``name``, ``show_start``, ``show_end``, ``studio_room_uid``, optional
    ``mc_uids``, ``platform_uids``, ``show_type``, ``show_standard``),
    ``cancel_show`` (``show_uid``)."""

    change_category: str
    reason: Text
    operations: list[dict[str, Any]]


class Preview(Output):
    """What applying would do now: each changed show and the conflicts of the result."""

    applicable: bool
    changes: list[ShowChange]
    conflicts: list[Conflict]
    problems: list[str]


class ChangeRequestWithPreview(ChangeRequest):
    preview: Preview


class Decision(Input):
    note: Text | None = None


class Rejection(Input):
    reason: Text


class ChangeApplied(Output):
    change_request: ChangeRequest
    version: int
    warnings: list[Conflict]
