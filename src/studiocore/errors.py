"""Domain errors.

Every error the library raises on purpose derives from :class:`StudioError`. Each
subclass carries structured fields so adapters can translate it without parsing
messages: the HTTP adapter maps them to 404 / 422 / 409 / 403 / 503 in a single table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studiocore.conflicts import Conflict

__all__ = [
    "ConcurrencyError",
    "ConflictError",
    "FieldProblem",
    "InvalidTransitionError",
    "NotFoundError",
    "PermissionDeniedError",
    "StudioError",
    "UnavailableError",
    "ValidationError",
]


class StudioError(Exception):
    """Base class of every domain error raised by studiocore."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFoundError(StudioError):
    """No live record of ``entity`` has this ``uid``."""

    def __init__(self, entity: str, uid: str) -> None:
        super().__init__(f"{entity} {uid!r} does not exist")
        self.entity = entity
        self.uid = uid


class FieldProblem:
    """One invalid field: its name (a dotted path for nested values) and why."""

    __slots__ = ("field", "reason")

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason

    def __repr__(self) -> str:
        return f"FieldProblem({self.field!r}, {self.reason!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldProblem):
            return NotImplemented
        return (self.field, self.reason) == (other.field, other.reason)

    def __hash__(self) -> int:
        return hash((self.field, self.reason))


class ValidationError(StudioError, ValueError):
    """Input that breaks a rule. ``field`` names the first offending field.

    ``problems`` lists every offending field when several were checked at once.
    """

    def __init__(self, field: str, reason: str, *, problems: Sequence[FieldProblem] = ()) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.problems: tuple[FieldProblem, ...] = tuple(problems) or (FieldProblem(field, reason),)


class ConflictError(StudioError):
    """The operation would double-book a resource or break a uniqueness rule.

    ``conflicts`` holds the full conflict report (empty for plain uniqueness
    violations such as a duplicate e-mail address).
    """

    def __init__(self, message: str, conflicts: Sequence[Conflict] = ()) -> None:
        super().__init__(message)
        self.conflicts: tuple[Conflict, ...] = tuple(conflicts)


class PermissionDeniedError(StudioError):
    """The actor may not perform this action."""

    def __init__(self, message: str, *, action: str = "", resource: str = "") -> None:
        super().__init__(message)
        self.action = action
        self.resource = resource


class InvalidTransitionError(StudioError):
    """A status change that the workflow does not allow."""

    def __init__(self, entity: str, uid: str, from_state: str, to_state: str) -> None:
        super().__init__(f"{entity} {uid!r} cannot go from {from_state!r} to {to_state!r}")
        self.entity = entity
        self.uid = uid
        self.from_state = from_state
        self.to_state = to_state


class ConcurrencyError(StudioError):
    """A concurrent writer changed the data first; the operation may be retried."""


class UnavailableError(StudioError):
    """The storage could not be reached, or dropped the connection mid-way; the
    operation may be retried. A unit of work interrupted before its commit
    wrote nothing; one interrupted during its commit may or may not have."""
