"""Fixtures for the SQL adapter's own tests (beyond the shared contract suite)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from studiocore_sql import SqlDatabase
from tests.support.adapters import ADAPTERS
from tests.support.postgres import fresh_database, scratch_database


@pytest.fixture
def sqlite_url() -> Iterator[str]:
    """The URL of a new, empty SQLite file."""
    with tempfile.TemporaryDirectory(prefix="studiocore-sql-") as folder:
        yield f"sqlite:///{Path(folder) / 'test.db'}"


@pytest.fixture
def postgres_empty_url() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database (dropped afterwards)."""
    with scratch_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database on each SQL backend."""
    if request.param == "sqlite":
        with tempfile.TemporaryDirectory(prefix="studiocore-sql-") as folder:
            yield f"sqlite:///{Path(folder) / 'test.db'}"
    else:
        with scratch_database() as url:
            yield url


@pytest.fixture
def pg_db() -> Iterator[SqlDatabase]:
    """A migrated PostgreSQL database."""
    with fresh_database() as db:
        yield db


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sql_db(request: pytest.FixtureRequest) -> Iterator[SqlDatabase]:
    """A fresh, migrated database on each SQL backend."""
    with ADAPTERS[request.param]() as db:
        assert isinstance(db, SqlDatabase)
        yield db
