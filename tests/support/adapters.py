"""The adapters the contract suite runs against.

Each entry makes a fresh, empty, migrated database and returns a unit-of-work
factory for it. Adding an adapter to the whole contract suite is one entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from studiocore import InMemoryDatabase, UnitOfWork

UowFactory = Callable[[], UnitOfWork]
AdapterFactory = Callable[[], AbstractContextManager[UowFactory]]


@contextmanager
def memory_adapter() -> Iterator[UowFactory]:
    yield InMemoryDatabase()


ADAPTERS: dict[str, AdapterFactory] = {"memory": memory_adapter}
