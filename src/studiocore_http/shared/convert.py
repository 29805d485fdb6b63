"""Small explicit conversions between HTTP bodies and service calls."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

import msgspec
from litestar.pagination import OffsetPagination

from studiocore import Page, ValidationError

from .schemas import Input, Output

__all__ = [
    "MAX_YEAR",
    "MIN_YEAR",
    "changes",
    "many",
    "one",
    "page",
    "parse_optional_timestamp",
    "parse_timestamp",
    "payload",
]

OutputT = TypeVar("OutputT", bound=Output)

MIN_YEAR = 1900
MAX_YEAR = 2999


def parse_timestamp(value: object, field: str) -> datetime:
    """An ISO 8601 timestamp with an offset, as an aware UTC datetime.

    Numbers, naive timestamps and years outside 1900..2999 are a
    :class:`ValidationError` naming ``field`` (so a 422)."""
    if not isinstance(value, str):
        raise ValidationError(field, "must be an ISO 8601 timestamp string with an offset")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            field, f"{value!r} is not an ISO 8601 timestamp such as 2026-03-02T09:00:00+00:00"
        ) from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValidationError(
            field, "must include a UTC offset such as +00:00 or Z (naive timestamps are ambiguous)"
        )
    try:
        utc = parsed.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not MIN_YEAR <= utc.year <= MAX_YEAR:
        raise ValidationError(field, f"must lie between the years {MIN_YEAR} and {MAX_YEAR}")
    return utc


def parse_optional_timestamp(value: str | None, field: str) -> datetime | None:
    """:func:`parse_timestamp` for an optional query parameter."""
    return None if value is None else parse_timestamp(value, field)


def _convert_field(data: Input, name: str, value: Any) -> Any:
    if name in data.timestamp_fields and value is not None:
        return parse_timestamp(value, name)
    return value


def payload(data: Input) -> dict[str, Any]:
    """The fields of a POST body as keyword arguments for a service ``create``."""
    return {
        name: _convert_field(data, name, value)
        for name, value in msgspec.structs.asdict(data).items()
        if value is not msgspec.UNSET
    }


def changes(data: Input) -> dict[str, Any]:
    """The fields present in a PATCH body (absent ones are left out)."""
    return payload(data)


def one(cls: type[OutputT], entity: object, /, **fields: Any) -> OutputT:
    """A response struct from a core entity (fields copied by name).

    ``fields`` are taken instead of the entity's attributes of those names: for
    fields the entity derives or lacks, and for sets, which must be given as
    sorted lists (a set's order would make the JSON unstable)."""
    source = _Overlay(entity, fields) if fields else entity
    return msgspec.convert(source, cls, from_attributes=True)


class _Overlay:
    """The attributes of ``entity``, with ``fields`` in place of some."""

    def __init__(self, entity: object, fields: dict[str, Any]) -> None:
        self.__dict__.update(fields)
        self._entity = entity

    def __getattr__(self, name: str) -> Any:  # only for names not in ``fields``
        return getattr(self._entity, name)


def many(cls: type[OutputT], entities: Iterable[object]) -> list[OutputT]:
    """Response structs from core entities."""
    return [one(cls, e) for e in entities]


def page(cls: type[OutputT], result: Page[Any]) -> OffsetPagination[OutputT]:
    """A service :class:`~studiocore.Page` as Litestar's pagination envelope."""
    return OffsetPagination(
        items=many(cls, result.items),
        limit=result.limit,
        offset=result.offset,
        total=result.total,
    )
