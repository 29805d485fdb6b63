"""Base classes and field types of the request and response bodies.

``XCreate`` is a POST body, ``XUpdate`` a PATCH body (every field optional; an
absent field is left alone, ``null`` clears a nullable one), ``X`` the response;
each feature declares its own in its ``schemas`` module. A stored row's response
extends :class:`Record` (``uid`` and its timestamps) or :class:`MetadataRecord`
(those and ``metadata``); a POST body with ``metadata`` extends
:class:`MetadataInput`. Input structs refuse
unknown fields. Timestamps are read as strings and parsed by
:func:`studiocore_http.shared.convert.parse_timestamp`, because Litestar's lenient
decoding would accept numbers and naive values. Enumerated fields use the core's
enums (``studiocore.ShowStatus``, ``Severity``, ...), so the API cannot drift from
the values the core accepts.
"""

from __future__ import annotations

import functools
import operator
import types
from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

import msgspec
from litestar.params import KwargDefinition
from msgspec import UNSET, UnsetType

__all__ = [
    "Count",
    "Input",
    "Json",
    "MetadataInput",
    "MetadataRecord",
    "Minutes",
    "Name",
    "Output",
    "Record",
    "TimeZone",
    "Timestamp",
    "has_nul",
    "patch_of",
]

Timestamp = Annotated[
    str,
    KwargDefinition(
        format="date-time",
        description="ISO 8601 timestamp with a UTC offset, e.g. 2026-03-02T09:00:00+09:00",
    ),
]
"""An input timestamp; naive values are refused with 422."""

Json = dict[str, Any]
TimeZone = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
Minutes = Annotated[int, msgspec.Meta(ge=0, le=1440)]
Count = Annotated[int, msgspec.Meta(ge=0, le=2_147_483_647)]


def has_nul(value: object) -> bool:
    """Whether a decoded JSON value holds a NUL character anywhere (PostgreSQL text
    cannot store one). Walks the value with an explicit stack, so no nesting depth
    can overflow Python's recursion limit."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class Input(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of request bodies; ``timestamp_fields`` are parsed as timestamps.
    Strings must not contain NUL characters."""

    timestamp_fields: ClassVar[frozenset[str]] = frozenset()

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            if has_nul(getattr(self, name)):
                raise ValueError(f"field `{name}` must not contain NUL characters")


class MetadataInput(Input, kw_only=True):
    """Base of the POST bodies of resources with free-form ``metadata``."""

    metadata: Json | None = None


class Output(msgspec.Struct, kw_only=True):
    """Base of response bodies."""


class Record(Output):
    """Base of the response bodies of stored rows."""

    uid: str
    created_at: datetime
    updated_at: datetime


class MetadataRecord(Record):
    """Base of the response bodies of stored rows with free-form ``metadata``."""

    metadata: Json


def _without_none(annotation: Any) -> tuple[Any, bool]:
    """``annotation`` without ``None``, and whether it allowed ``None``."""
    if get_origin(annotation) not in (Union, types.UnionType):
        return annotation, False
    members = [a for a in get_args(annotation) if a is not type(None)]
    return functools.reduce(operator.or_, members), len(members) < len(get_args(annotation))


def _is_object(annotation: Any) -> bool:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation is dict or get_origin(annotation) is dict


def patch_of(create: type[Input], *, omit: Iterable[str] = ()) -> type[Input]:
    """The PATCH body of a resource whose POST body is ``create``, by the API's
    one rule: every field of ``create`` but the ``omit``-ted ones (fixed at
    creation), each optional (absent: left alone); ``null`` clears a field
    ``create`` lets be ``null``, except JSON objects (``metadata``), which are
    replaced but never cleared. Named ``<Resource>Update``."""
    skipped = set(omit)
    fields: list[tuple[str, Any, Any]] = []
    for field in msgspec.structs.fields(create):
        if field.name in skipped:
            continue
        annotation, nullable = _without_none(field.type)
        nullable = nullable and not _is_object(annotation)
        patch_type = annotation | UnsetType | None if nullable else annotation | UnsetType
        fields.append((field.name, patch_type, UNSET))
    name = create.__name__.removesuffix("Create") + "Update"
    update: type[Input] = msgspec.defstruct(  # type: ignore[assignment]
        name,
        fields,
        bases=(Input,),
        module=create.__module__,
        namespace={"timestamp_fields": create.timestamp_fields},
        kw_only=True,
    )
    return update
