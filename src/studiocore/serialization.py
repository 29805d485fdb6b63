"""A cattrs converter for the core's types: entities, conflict reports, bookings.

``to_jsonable`` turns any of them into plain JSON types (datetimes as ISO 8601
strings with offset, enums as their values), used for audit snapshots, schedule
versions and by adapters that need JSON.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any

import cattrs

from studiocore.timeslot import require_aware

__all__ = ["converter", "to_jsonable"]

converter = cattrs.Converter()
converter.register_unstructure_hook(datetime, lambda dt: dt.isoformat())
converter.register_structure_hook(
    datetime,
    lambda value, _: require_aware(
        datetime.fromisoformat(value) if isinstance(value, str) else value, "datetime"
    ),
)
converter.register_unstructure_hook(
    frozenset, lambda s: sorted(converter.unstructure(v) for v in s)
)
for _kind in (enum.Enum, enum.StrEnum, enum.IntEnum):  # a StrEnum is a str: it would stay a member
    converter.register_unstructure_hook(_kind, lambda member: member.value)
converter.register_unstructure_hook(
    timedelta, lambda length: f"PT{length.total_seconds():g}S"
)  # ISO 8601, as the HTTP bodies write it


def to_jsonable(value: object) -> Any:
    """``value`` as JSON-compatible dicts, lists, strings and numbers."""
    return converter.unstructure(value)
