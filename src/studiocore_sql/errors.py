"""Driver errors as domain errors.

:func:`translate` maps what PostgreSQL (SQLSTATE, constraint name) or SQLite
(exception type and text) reports onto :mod:`studiocore.errors`; anything else
is a bug and propagates unchanged.
"""

from __future__ import annotations

import re
import sqlite3
from typing import NoReturn

import sqlalchemy as sa

from studiocore.errors import ConcurrencyError, ConflictError, UnavailableError, ValidationError
from studiocore_sql import tables as t

__all__ = ["RefusedBookingError", "reraise", "translate"]

_RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}
_DOUBLE_BOOKING_GUARDS = (t.ROOM_EXCLUSION, t.MC_OVERLAP)


class RefusedBookingError(ConflictError):
    """The room exclusion constraint or the MC guard refused a write. The
    session reports it with the shows it collided with (see
    :meth:`studiocore_sql.session.SqlSession.guarded`)."""


def _sqlstate(exc: BaseException) -> str | None:
    state = getattr(exc, "sqlstate", None)
    return state if isinstance(state, str) else None


def _constraint(exc: BaseException) -> str:
    diag = getattr(exc, "diag", None)
    name = getattr(diag, "constraint_name", None) if diag is not None else None
    return name if isinstance(name, str) else ""


def translate(exc: sa.exc.DBAPIError) -> Exception:
    """The domain error for a driver error, or the original error when it is a bug."""
    if exc.connection_invalidated:  # the server went away (restart, failover, kill)
        return UnavailableError(
            f"the database connection was lost; retry the operation ({exc.orig})"
        )
    orig = exc.orig
    state = _sqlstate(orig) if orig is not None else None
    constraint = _constraint(orig) if orig is not None else ""
    if state in _RETRYABLE_SQLSTATES:
        return ConcurrencyError(
            f"a concurrent transaction got in the way ({state}); retry the operation"
        )
    if isinstance(orig, sqlite3.OperationalError) and "locked" in str(orig):
        return ConcurrencyError("the database is locked by another writer; retry the operation")
    if state == "23P01" or constraint in _DOUBLE_BOOKING_GUARDS:
        mc = constraint == t.MC_OVERLAP
        return RefusedBookingError(
            f"{'an MC' if mc else 'the room'} is already booked by another show over this "
            f"time (refused by the database's {'MC guard' if mc else 'exclusion constraint'})"
        )
    if state == "23505" or (
        isinstance(orig, sqlite3.IntegrityError) and "UNIQUE" in str(orig).upper()
    ):
        match = re.search(r"failed: (.*)$", str(orig))
        what = constraint or (match.group(1) if match else "a unique value")
        return ConflictError(f"{what}: the value is already used by another record")
    if state == "23503" or (
        isinstance(orig, sqlite3.IntegrityError) and "FOREIGN KEY" in str(orig).upper()
    ):
        what = constraint or "a foreign key"
        return ConflictError(f"{what}: the record is referenced by another one")
    if state == "23514" or (isinstance(orig, sqlite3.IntegrityError) and "CHECK" in str(orig)):
        return ValidationError("record", f"refused by a database check: {orig}")
    return exc


def reraise(exc: sa.exc.DBAPIError) -> NoReturn:
    """Raise the domain error for ``exc`` (chained), or ``exc`` itself when it is
    not a domain condition (a bug to see as is)."""
    err = translate(exc)
    if err is exc:
        raise exc
    raise err from exc
