"""attrs field helpers whose validators raise :class:`ValidationError` naming the field."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from studiocore.errors import ValidationError
from studiocore.ids import is_uid
from studiocore.timeslot import require_aware

E = TypeVar("E", bound=enum.Enum)

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$")

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def _fail(attribute: attrs.Attribute[Any], reason: str) -> ValidationError:
    return ValidationError(attribute.name, reason)


def text(*, max_length: int = 255, optional: bool = False, non_empty: bool = True) -> Validator:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str):
            raise _fail(attribute, f"must be a string, got {type(value).__name__}")
        if non_empty and not value.strip():
            raise _fail(attribute, "must not be empty")
        if len(value) > max_length:
            raise _fail(attribute, f"must be at most {max_length} characters")

    return check


def email(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not _EMAIL_RE.match(value) or len(value) > 320:
        raise _fail(attribute, "must be an e-mail address")


def url(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not _URL_RE.match(value) or len(value) > 2048:
        raise _fail(attribute, "must be an absolute URL such as https://example.com/x")


def integer(
    *, minimum: int | None = None, maximum: int | None = None, optional: bool = False
) -> Validator:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(attribute, f"must be an integer, got {type(value).__name__}")
        if minimum is not None and value < minimum:
            raise _fail(attribute, f"must be >= {minimum}")
        if maximum is not None and value > maximum:
            raise _fail(attribute, f"must be <= {maximum}")

    return check


def boolean(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, bool):
        raise _fail(attribute, f"must be a boolean, got {type(value).__name__}")


def json_object(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dict):
        raise _fail(attribute, f"must be a JSON object, got {type(value).__name__}")
    if not all(isinstance(k, str) for k in value):
        raise _fail(attribute, "keys must be strings")


def json_object_or_none(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        json_object(instance, attribute, value)


def uid(prefix: str, *, optional: bool = False) -> Validator:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str) or not is_uid(value, prefix):
            raise _fail(attribute, f"must be a {prefix} uid like {prefix}_01J..., got {value!r}")

    return check


def any_uid(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not is_uid(value):
        raise _fail(attribute, f"must be a uid, got {value!r}")


def aware(*, optional: bool = False) -> Validator:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        require_aware(value, attribute.name)

    return check


def to_utc(value: Any) -> Any:
    """Converter: aware datetimes to UTC; anything else is left for the validator."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return require_aware(value, "datetime")
    return value


def coerce(enum_type: type[E], value: Any) -> Any:
    """Converter body: an enum member from itself or its value; unknown values are
    left for the validator to reject with a clear message."""
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(value)
    except ValueError:
        return value


def enum_value(enum_type: type[E]) -> Validator:
    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, enum_type):
            allowed = ", ".join(str(m.value) for m in enum_type)
            raise _fail(attribute, f"must be one of {allowed}; got {value!r}")

    return check


def time_zone(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value:
        raise _fail(attribute, "must be an IANA time zone name such as Europe/Berlin")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: overlong names
        raise _fail(attribute, f"unknown IANA time zone {value!r}") from exc
