"""Migrating cannot race: many processes (workers, hosts) upgrading one
database at once migrate it once, and the rest find it at head; where the
schema stands against the code is reported for the server to act on."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from studiocore_sql import SqlDatabase
from studiocore_sql.migrate import Migration, head_revision
from tests.support.keys import TEST_SECRET_KEYS
from tests.support.postgres import scratch_database

RACERS = 8


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'racing.db'}"
    else:
        with scratch_database() as url:
            yield url


def _race(url: str, action: Callable[[SqlDatabase], Migration]) -> list[Migration]:
    """``action`` on ``RACERS`` databases (separate engines, as separate
    processes would have) released at the same instant."""
    databases = [SqlDatabase(url, secret_keys=TEST_SECRET_KEYS) for _ in range(RACERS)]
    start = threading.Barrier(RACERS)

    def go(db: SqlDatabase) -> Migration:
        start.wait()
        return action(db)

    try:
        with ThreadPoolExecutor(RACERS) as pool:
            return list(pool.map(go, databases))
    finally:
        for db in databases:
            db.dispose()


def test_concurrent_upgrades_of_an_empty_database_migrate_it_once(empty_url: str) -> None:
    results = _race(empty_url, lambda db: db.upgrade())

    assert [r.changed for r in results].count(True) == 1
    assert {r.after for r in results} == {head_revision()}
    assert {r.before for r in results if not r.changed} == {head_revision()}
    db = SqlDatabase(empty_url, secret_keys=TEST_SECRET_KEYS)
    try:
        with db.engine.connect() as conn:
            versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
        assert [v for (v,) in versions] == [head_revision()]
        with db.unit_of_work() as uow:
            assert uow.show_types.count() == 3  # seeded once, not once per racer
    finally:
        db.dispose()


def test_the_schema_state_says_behind_at_head_or_unknown(empty_url: str) -> None:
    db = SqlDatabase(empty_url, secret_keys=TEST_SECRET_KEYS)
    try:
        empty = db.schema_state()
        assert (empty.current, empty.known, empty.at_head) == (None, True, False)
        assert "no studiocore schema" in empty.describe()

        db.upgrade("0010")
        behind = db.schema_state()
        assert (behind.current, behind.head, behind.at_head) == ("0010", head_revision(), False)
        assert "behind" in behind.describe()
        assert "studiocore db upgrade" in behind.describe()

        migration = db.upgrade()
        assert (migration.before, migration.after, migration.changed) == (
            "0010",
            head_revision(),
            True,
        )
        assert db.schema_state().at_head

        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
        newer = db.schema_state()
        assert (newer.known, newer.at_head) == (False, False)
        assert "does not know" in newer.describe()
        assert "upgrade studiocore" in newer.describe()
    finally:
        db.dispose()
