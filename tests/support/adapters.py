"""The adapters the contract suite runs against.

Each entry makes a fresh, empty, migrated database and returns a unit-of-work
factory for it. Adding an adapter to the whole contract suite is one entry here.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from studiocore import InMemoryDatabase, UnitOfWork
from studiocore_sql import SqlDatabase
from tests.support.keys import TEST_SECRET_KEYS
from tests.support.postgres import fresh_database, migrate

UowFactory = Callable[[], UnitOfWork]
AdapterFactory = Callable[[], AbstractContextManager[UowFactory]]


@contextmanager
def memory_adapter() -> Iterator[UowFactory]:
    yield InMemoryDatabase()


_sqlite_lock = threading.Lock()
_sqlite_template: list[Path] = []


def _sqlite_template_file() -> Path:
    """A SQLite file migrated once per test process; fresh databases copy it."""
    with _sqlite_lock:
        if not _sqlite_template:
            folder = Path(tempfile.mkdtemp(prefix="studiocore-sqlite-"))
            path = folder / "template.db"
            migrate(f"sqlite:///{path}")
            _sqlite_template.append(path)
        return _sqlite_template[0]


@contextmanager
def sqlite_adapter() -> Iterator[UowFactory]:
    template = _sqlite_template_file()
    with tempfile.TemporaryDirectory(prefix="studiocore-sqlite-") as folder:
        path = Path(folder) / "studiocore.db"
        shutil.copyfile(template, path)
        db = SqlDatabase(f"sqlite:///{path}", secret_keys=TEST_SECRET_KEYS)
        try:
            yield db
        finally:
            db.dispose()


@contextmanager
def postgres_adapter() -> Iterator[UowFactory]:
    with fresh_database() as db:
        yield db


ADAPTERS: dict[str, AdapterFactory] = {
    "memory": memory_adapter,
    "sqlite": sqlite_adapter,
    "postgres": postgres_adapter,
}
