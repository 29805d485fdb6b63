"""Fixtures shared by every test package."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack

import pytest

from studiocore import FixedClock, Services
from tests.support.adapters import ADAPTERS, UowFactory
from tests.support.builders import T0

FreshDatabase = Callable[[], UowFactory]


@pytest.fixture(params=sorted(ADAPTERS))
def fresh_db(request: pytest.FixtureRequest) -> Iterator[FreshDatabase]:
    """A factory of fresh, empty databases on one adapter (parametrized over all).

    Tests call it (possibly many times, e.g. once per hypothesis example) to get a
    unit-of-work factory over a new database; everything is cleaned up after the
    test.
    """
    factory: Callable[[], AbstractContextManager[UowFactory]] = ADAPTERS[request.param]
    with ExitStack() as stack:
        yield lambda: stack.enter_context(factory())


@pytest.fixture
def clock() -> FixedClock:
    """A clock stopped at ``T0``."""
    return FixedClock(T0)


@pytest.fixture
def svc(fresh_db: FreshDatabase, clock: FixedClock) -> Services:
    """Services over a fresh database, on every adapter."""
    return Services(fresh_db(), clock=clock)
