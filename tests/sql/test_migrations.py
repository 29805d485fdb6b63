"""Alembic: one linear history that builds exactly the schema of the models."""

from __future__ import annotations

import contextlib
import importlib.util
import tempfile
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from studiocore.lookups import LOOKUP_SEEDS, LookupTable
from studiocore_sql import SqlDatabase
from studiocore_sql.migrate import alembic_config, head_revision, script_location
from studiocore_sql.tables import HAND_WRITTEN_DDL, SHOW_STATUS_IDS, metadata
from tests.support.postgres import scratch_database


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions("base", "heads")))]


def _diff(db: SqlDatabase) -> list[object]:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_object": lambda _obj, name, *_: name not in HAND_WRITTEN_DDL,
            },
        )
        return list(compare_metadata(context, metadata))


def _tables(db: SqlDatabase) -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_the_history_is_one_straight_line() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1
    assert _revisions()[0] == "0001"
    assert head_revision() == _revisions()[-1]


def test_upgrade_builds_exactly_the_models_and_downgrade_removes_everything(
    empty_url: str,
) -> None:
    db = SqlDatabase(empty_url)
    try:
        assert db.current_revision() is None
        db.upgrade()
        assert db.current_revision() == head_revision()
        assert _tables(db) == set(metadata.tables)
        assert _diff(db) == []
        db.downgrade("base")
        assert _tables(db) == set()
        db.upgrade()
        assert _diff(db) == []
    finally:
        db.dispose()


def test_every_step_upgrades_and_downgrades_on_its_own(empty_url: str) -> None:
    """The stairway: up one, down one, up again, for every revision."""
    db = SqlDatabase(empty_url)
    try:
        previous = "base"
        for revision in _revisions():
            db.upgrade(revision)
            assert db.current_revision() == revision
            db.downgrade(previous)
            assert db.current_revision() == (None if previous == "base" else previous)
            db.upgrade(revision)
            previous = revision
    finally:
        db.dispose()


def test_create_all_matches_the_migrated_schema(sqlite_url: str) -> None:
    db = SqlDatabase(sqlite_url)
    try:
        db.create_all()
        assert _tables(db) == set(metadata.tables)
        assert _diff(db) == []
        with db() as uow:
            names = sorted(e.name for e in uow.show_types.list())
        assert names == sorted(LOOKUP_SEEDS[LookupTable.SHOW_TYPES])
    finally:
        db.dispose()


def _seed_migration() -> ModuleType:
    path = script_location() / "versions" / "0002_seed_lookups.py"
    spec = importlib.util.spec_from_file_location("seed_migration", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_seed_migration_inserts_exactly_the_core_lookup_seeds() -> None:
    frozen = {name: values for name, (_, values) in _seed_migration().SEEDS.items()}
    assert frozen == {table.value: tuple(names) for table, names in LOOKUP_SEEDS.items()}


def test_show_statuses_get_the_ids_the_exclusion_constraint_names(sqlite_url: str) -> None:
    db = SqlDatabase(sqlite_url)
    try:
        db.upgrade()
        with db.engine.connect() as conn:
            rows = {r.name: r.id for r in conn.execute(sa.text("SELECT name, id FROM show_status"))}
        assert rows == {status.value: i for status, i in SHOW_STATUS_IDS.items()}
    finally:
        db.dispose()


@pytest.mark.postgres
def test_postgresql_gets_the_exclusion_constraint_and_gist_index(postgres_empty_url: str) -> None:
    db = SqlDatabase(postgres_empty_url)
    try:
        db.upgrade()
        with db.engine.connect() as conn:
            definition = conn.execute(
                sa.text(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conname = 'ex_shows_room_overlap'"
                )
            ).scalar_one()
        assert "EXCLUDE USING gist (studio_room_id WITH =, time_range WITH &&)" in definition
        assert "deleted_at IS NULL" in definition
        with db.engine.connect() as conn:
            generated = conn.execute(
                sa.text(
                    "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d "
                    "JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
                    "WHERE d.adrelid = 'shows'::regclass AND a.attname = 'time_range'"
                )
            ).scalar_one()
        assert generated == "tstzrange(show_start, show_end, '[)'::text)"
        with db.engine.connect() as conn:
            options = conn.execute(
                sa.text("SELECT reloptions FROM pg_class WHERE oid = 'shows'::regclass")
            ).scalar_one()
        assert options == ["fillfactor=80"]
        with db.engine.connect() as conn:
            indexes: dict[str, str] = dict(
                conn.execute(
                    sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'shows'")
                ).all()
            )
        # one btree by room and start, covering what availability reads (0007)
        assert indexes["ix_shows_studio_room_id_show_start"].endswith(
            "(studio_room_id, show_start) INCLUDE (show_end, show_status_id, id) "
            "WHERE (deleted_at IS NULL)"
        )
        assert "ix_shows_booked_by_start" not in indexes
    finally:
        db.dispose()


def _hand_written_objects(db: SqlDatabase) -> dict[str, str]:
    """Triggers, trigger functions, indexes and column compression, by name, as
    the database shows them."""
    queries = (
        [
            "SELECT attrelid::regclass || '.' || attname, attcompression::text "
            "FROM pg_attribute WHERE attcompression <> '' AND attnum > 0",
            "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal",
            "SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'studiocore%'",
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = 'public' AND tablename <> 'alembic_version'",
        ]
        if db.is_postgresql
        else [
            "SELECT name, sql FROM sqlite_master "
            "WHERE type IN ('trigger', 'index') AND tbl_name <> 'alembic_version'"
        ]
    )
    with db.engine.connect() as conn:
        return {
            name: " ".join((sql or "").split())
            for query in queries
            for name, sql in conn.execute(sa.text(query))
        }


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_create_all_writes_the_same_triggers_and_indexes_as_the_migrations(backend: str) -> None:
    with contextlib.ExitStack() as stack:
        if backend == "sqlite":
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="studiocore-")))
            urls = [f"sqlite:///{folder / 'migrated.db'}", f"sqlite:///{folder / 'created.db'}"]
        else:
            urls = [stack.enter_context(scratch_database()) for _ in range(2)]
        migrated, created = SqlDatabase(urls[0]), SqlDatabase(urls[1])
        stack.callback(migrated.dispose)
        stack.callback(created.dispose)
        migrated.upgrade()
        created.create_all()
        expected = _hand_written_objects(migrated)
        assert _hand_written_objects(created) == expected
        if backend == "postgres":
            assert {"shows_check_mcs", "show_mcs_check_insert", "show_mcs_check_update"} <= set(
                expected
            )
            assert "USING gist (mc_id, tstzrange" in expected["ix_show_mcs_mc_range"]
            assert expected["schedule_versions.snapshot"] == "l"  # lz4 (0008)
