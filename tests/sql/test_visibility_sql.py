"""The shape of the visibility condition (what it selects is the contract
suite's: lists and single reads agree on every adapter)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from studiocore import Show
from studiocore.permissions import Visibility
from studiocore_sql import tables as t
from studiocore_sql.dialect_postgresql import PostgresDialect
from studiocore_sql.dialect_sqlite import SqliteDialect
from studiocore_sql.visibility import visible_rows

POSTGRESQL = sa.create_engine("postgresql+psycopg://").dialect  # compiles; never connects
CLIENT_USER = Visibility(client_uids=frozenset({"client_01JD8X3W6Q3M1V7T0N6ZC4K9RB"}))


def _sql(condition: sa.ColumnElement[bool], dialect: sa.Dialect) -> str:
    return str(sa.select(t.shows.c.id).where(condition).compile(dialect=dialect))


def test_on_postgresql_the_ored_subqueries_are_index_conditions() -> None:
    """``IN (subquery)`` inside an ``OR`` is a hashed subplan tested on every row;
    ``= ANY(ARRAY(subquery))`` is computed once and can drive an index scan."""
    sql = _sql(visible_rows(Show, CLIENT_USER, PostgresDialect()), POSTGRESQL)
    assert "shows.client_id = any(array((SELECT" in sql
    assert "shows.schedule_id = any(array((SELECT" in sql
    assert " IN (SELECT" not in sql


def test_on_sqlite_they_stay_in_subqueries() -> None:
    sql = _sql(visible_rows(Show, CLIENT_USER, SqliteDialect()), sqlite.dialect())
    assert "shows.client_id IN (SELECT" in sql
    assert "any(" not in sql


def test_references_that_can_match_nothing_are_left_out() -> None:
    """A client user has no studio: the show's room (a studio's) is not asked about."""
    sql = _sql(visible_rows(Show, CLIENT_USER, PostgresDialect()), POSTGRESQL)
    assert "studio_room_id" not in sql
    assert "false" not in sql.lower()


def test_an_actor_who_sees_nothing_gets_false() -> None:
    condition = visible_rows(Show, Visibility(), SqliteDialect())
    assert _sql(condition, sqlite.dialect()).endswith("WHERE 0 = 1")


def test_the_condition_of_one_visibility_is_built_once() -> None:
    dialect = PostgresDialect()
    again = Visibility(client_uids=frozenset(CLIENT_USER.client_uids))
    assert visible_rows(Show, CLIENT_USER, dialect) is visible_rows(Show, again, dialect)
