"""Alembic, driven from Python: the migration scripts live in ``migrations/``
(shipped inside the wheel as ``studiocore_sql/_migrations``), and the
configuration is built here, so no ``alembic.ini`` is needed at run time.

Migrating cannot race: any number of processes (the workers of one server,
servers on several hosts) may call :func:`upgrade` at once. On PostgreSQL the
migration's transaction first takes a transaction-level advisory lock, so one
process migrates while the others wait and then find the schema at head; on a
SQLite file the lock is an exclusive lock on a file beside the database
(``<database>.migrate-lock``).
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError

__all__ = [
    "MIGRATION_LOCK_KEY",
    "Migration",
    "SchemaState",
    "alembic_config",
    "current_revision",
    "downgrade",
    "head_revision",
    "schema_state",
    "script_location",
    "upgrade",
]

MIGRATION_LOCK_KEY = 0x73_74_75_64_69_6F_63_6F  # "studioco": one advisory lock per database
"""The PostgreSQL advisory lock key that serializes migrations."""


@attrs.frozen
class Migration:
    """What :func:`upgrade` did: the revision before and after (``None``: an
    empty database)."""

    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        """Whether any migration ran (``False``: the schema was already there)."""
        return self.before != self.after


@attrs.frozen
class SchemaState:
    """How the database's schema compares with the code's migrations."""

    current: str | None
    """The revision the database is at (``None``: never migrated)."""
    head: str | None
    """The newest revision this code knows."""
    known: bool
    """Whether this code knows ``current`` (``False``: a newer studiocore migrated it)."""

    @property
    def at_head(self) -> bool:
        return self.current == self.head

    def describe(self) -> str:
        """One line for a person: where the schema is and what to do."""
        if self.at_head:
            return f"the database schema is at the code's revision {self.head}"
        if self.current is None:
            return (
                "the database has no studiocore schema yet: run `studiocore db upgrade` "
                "(or start the server with migrations on start)"
            )
        if not self.known:
            return (
                f"the database schema is at revision {self.current}, which this version of "
                "studiocore does not know (a newer version migrated it): upgrade studiocore"
            )
        return (
            f"the database schema is at revision {self.current}, behind the code's {self.head}: "
            "run `studiocore db upgrade` (or start the server with migrations on start)"
        )


def script_location() -> Path:
    """Where the migration scripts are: packaged next to this module when
    installed from a wheel, else ``migrations/`` of the source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_migrations", here.parents[1] / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("studiocore_sql: cannot find the alembic migrations directory")


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An alembic configuration; with ``connection``, migrations run on it."""
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: sa.Engine, revision: str = "head") -> Migration:
    """Upgrade the database of ``engine`` to ``revision`` in one transaction,
    holding the migration lock (see the module docstring) so concurrent callers
    migrate once; says what was done."""
    with _file_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        before = MigrationContext.configure(conn).get_current_revision()
        command.upgrade(alembic_config(conn), revision)
        after = MigrationContext.configure(conn).get_current_revision()
    return Migration(before, after)


def _lock_path(engine: sa.Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):  # a URI filename: no lock file beside it
        return None
    return Path(database).with_name(Path(database).name + ".migrate-lock")


@contextmanager
def _file_lock(engine: sa.Engine) -> Iterator[None]:
    path = _lock_path(engine)
    if path is None:
        yield
        return
    with path.open("a+b") as handle:
        _lock_file(handle.fileno())
        try:
            yield
        finally:
            _unlock_file(handle.fileno())


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock_file(fd: int) -> None:
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                time.sleep(0.1)

    def _unlock_file(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock_file(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock_file(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def downgrade(engine: sa.Engine, revision: str) -> None:
    """Downgrade the database of ``engine`` to ``revision`` in one transaction."""
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)


def current_revision(engine: sa.Engine) -> str | None:
    """The revision the database is at, or ``None``."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest revision of the migration scripts."""
    return _scripts().get_current_head()


@functools.cache
def _scripts() -> ScriptDirectory:
    """The migration scripts (read once: they do not change while a process runs)."""
    return ScriptDirectory.from_config(alembic_config())


def _knows(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        scripts.get_revision(revision)
    except CommandError:
        return False
    return True


def schema_state(engine: sa.Engine) -> SchemaState:
    """Where the database's schema is, against the code's head revision."""
    scripts = _scripts()
    with engine.connect() as conn:  # read directly: alembic's context logs each time
        current = (
            conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            if sa.inspect(conn).has_table("alembic_version")
            else None
        )
    known = current is None or _knows(scripts, current)
    return SchemaState(current=current, head=scripts.get_current_head(), known=known)
