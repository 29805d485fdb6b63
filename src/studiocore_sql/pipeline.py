"""Several SELECTs in one round trip to PostgreSQL (psycopg's pipeline mode).

A listing's page and its total are two statements. Sent one after the other,
each waits for the server's answer; under load the second wait, not the
count itself, is what a request pays most for (the worker thread blocks,
then fights the event loop for the GIL again). In pipeline mode psycopg sends
both and reads both answers in one exchange.

SQLAlchemy does not run statements in pipeline mode (it reads a result's
columns right after sending it), so :func:`fetch_pipelined` runs them on the
connection's psycopg connection itself, with what SQLAlchemy's public API
gives: the statement compiled once for the connection's dialect, its SQL and
values for this call (:meth:`~sqlalchemy.sql.compiler.SQLCompiler.construct_expanded_state`:
expanding ``IN`` lists included) through their types' bind processors, and
each selected column's result processor
(:class:`~studiocore_sql.types.UTCDateTime` included). Rows come back as tuples
in the order of ``selected_columns``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler

__all__ = ["fetch_pipelined"]


class _Prepared:
    """A SELECT compiled for a dialect, with its columns' result processors."""

    __slots__ = ("compiled", "results")

    def __init__(self, stmt: sa.Select[Any], dialect: Dialect) -> None:
        compiled = stmt.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        self.compiled = compiled
        self.results: list[Callable[[Any], Any] | None] = [
            column.type.result_processor(dialect, None) for column in stmt.selected_columns
        ]

    def bound(self, values: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """The SQL text and the driver's parameters for ``values``."""
        state = self.compiled.construct_expanded_state(dict(values))
        processors = state.processors
        return state.statement, {
            name: processors[name](value) if name in processors else value
            for name, value in state.parameters.items()
        }

    def rows(self, fetched: list[tuple[Any, ...]]) -> list[Sequence[Any]]:
        processors = self.results
        if not any(processors):
            return list(fetched)
        return [
            tuple(v if p is None else p(v) for p, v in zip(processors, row, strict=True))
            for row in fetched
        ]


@lru_cache(maxsize=512)
def _prepared(stmt: sa.Select[Any], dialect: Dialect) -> _Prepared:
    """``stmt`` compiled once (statements built once per shape are reused)."""
    return _Prepared(stmt, dialect)


def fetch_pipelined(
    conn: sa.Connection, queries: Sequence[tuple[sa.Select[Any], Mapping[str, Any]]]
) -> list[list[Sequence[Any]]]:
    """The rows of each ``(statement, values)`` of ``queries``, sent to the
    server together. Driver errors come back as SQLAlchemy's
    :class:`~sqlalchemy.exc.DBAPIError` (the connection invalidated when it
    broke), as from :meth:`sqlalchemy.engine.Connection.execute`."""
    prepared = [_prepared(stmt, conn.dialect) for stmt, _ in queries]
    sent = [p.bound(values) for p, (_, values) in zip(prepared, queries, strict=True)]
    driver = conn.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    cursors: list[psycopg.Cursor[Any]] = []
    try:
        with driver.pipeline():
            for sql, params in sent:
                cursor = driver.cursor()
                cursor.execute(sql, params)
                cursors.append(cursor)
        return [p.rows(c.fetchall()) for p, c in zip(prepared, cursors, strict=True)]
    except psycopg.Error as exc:
        broken = driver.broken
        if broken:
            conn.invalidate(exc)
        raise sa.exc.DBAPIError.instance(
            ";\n".join(sql for sql, _ in sent),
            [params for _, params in sent],
            exc,
            psycopg.Error,
            hide_parameters=conn.engine.hide_parameters,
            connection_invalidated=broken,
            dialect=conn.dialect,
        ) from exc
    finally:
        for cursor in cursors:
            cursor.close()
