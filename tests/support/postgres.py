"""PostgreSQL for tests: a fresh, randomly named database per use, never the
developer's data.

The server is ``STUDIOCORE_TEST_POSTGRES_URL`` if set, else the local one at
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``. When it cannot be
reached, tests skip with the reason; when the ``CI`` environment variable is
set they fail instead (CI must run them).

Speed: the schema is migrated once per test process into a template database;
each :func:`fresh_database` takes a database cloned from it (or a returned one,
emptied with TRUNCATE and re-seeded), and every database created is dropped
when the process ends.
"""

from __future__ import annotations

import atexit
import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from studiocore_sql import SqlDatabase
from studiocore_sql.seeds import insert_seed_rows
from studiocore_sql.tables import metadata
from tests.support.keys import TEST_SECRET_KEYS

__all__ = [
    "fresh_database",
    "migrate",
    "postgres_url",
    "require_postgres",
    "scratch_database",
    "terminate_backend",
]

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ENV_VAR = "STUDIOCORE_TEST_POSTGRES_URL"

_lock = threading.Lock()
_checked: list[str | None] = []
_created: list[str] = []
_free: list[SqlDatabase] = []
_template: list[str] = []
_prefix = f"studiocore_test_{secrets.token_hex(4)}"


def postgres_url() -> str:
    """The URL of the server's maintenance database used to create test databases."""
    url = os.environ.get(ENV_VAR, "").strip() or DEFAULT_URL
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _admin() -> sa.Engine:
    return sa.create_engine(
        postgres_url(),
        isolation_level="AUTOCOMMIT",
        poolclass=sa.pool.NullPool,
        connect_args={"connect_timeout": 5},
    )


def _unavailable() -> str | None:
    with _lock:
        if not _checked:
            engine = _admin()
            try:
                with engine.connect() as conn:
                    conn.execute(sa.text("SELECT 1"))
                _checked.append(None)
            except Exception as exc:  # any failure to connect means "no server"
                url = make_url(postgres_url()).render_as_string(hide_password=True)
                _checked.append(f"PostgreSQL not reachable at {url} ({type(exc).__name__})")
            finally:
                engine.dispose()
        return _checked[0]


def require_postgres() -> None:
    """Skip the calling test when no server is reachable (fail under ``CI``)."""
    reason = _unavailable()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI requires the PostgreSQL tests to run", pytrace=False)
    pytest.skip(f"{reason}; set {ENV_VAR} to run the PostgreSQL tests")


def _url_for(name: str) -> str:
    return make_url(postgres_url()).set(database=name).render_as_string(hide_password=False)


def _drop_all() -> None:
    for db in _free:
        db.dispose()
    if not _created:
        return
    engine = _admin()
    try:
        with engine.connect() as conn:
            for name in reversed(_created):
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


atexit.register(_drop_all)


def _create(name: str, template: str | None = None) -> str:
    engine = _admin()
    try:
        with engine.connect() as conn:
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(sa.text(f'CREATE DATABASE "{name}"{suffix}'))
    finally:
        engine.dispose()
    _created.append(name)
    return _url_for(name)


def migrate(url: str) -> None:
    """Bring the (template) database at ``url`` to the newest migration."""
    db = SqlDatabase(url)
    try:
        db.upgrade()
    finally:
        db.dispose()


def _template_name() -> str:
    with _lock:
        if not _template:
            name = f"{_prefix}_template"
            migrate(_create(name))
            _template.append(name)
        return _template[0]


def _reset(db: SqlDatabase) -> None:
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        insert_seed_rows(conn)


@contextmanager
def scratch_database() -> Iterator[str]:
    """The URL of a new, empty database (no schema), dropped afterwards."""
    require_postgres()
    name = f"{_prefix}_{secrets.token_hex(4)}"
    url = _create(name)
    try:
        yield url
    finally:
        engine = _admin()
        try:
            with engine.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            _created.remove(name)
        finally:
            engine.dispose()


@contextmanager
def fresh_database(**options: object) -> Iterator[SqlDatabase]:
    """A migrated, seeded, otherwise empty database, encrypting secrets with
    :data:`~tests.support.keys.TEST_SECRET_KEYS` unless ``options`` say
    otherwise. With ``options`` (keyword arguments of :class:`SqlDatabase`) a
    new database is cloned for the caller."""
    require_postgres()
    template = _template_name()
    db: SqlDatabase | None = None
    if not options:
        with _lock:
            db = _free.pop() if _free else None
    if db is not None:
        _reset(db)
    else:
        name = f"{_prefix}_{secrets.token_hex(4)}"
        arguments = {"secret_keys": TEST_SECRET_KEYS, **options}
        db = SqlDatabase(_create(name, template), **arguments)  # type: ignore[arg-type]
    try:
        yield db
    finally:
        if options:
            db.dispose()
        else:
            with _lock:
                _free.append(db)


def terminate_backend(url: str, pid: int) -> None:
    """End the server process of one connection of ``url``'s database from
    outside, as a server restart or an idle timeout would."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            ended = conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            assert ended.scalar_one(), f"no backend {pid}"
    finally:
        engine.dispose()
    time.sleep(0.05)  # the backend exits asynchronously
