from __future__ import annotations

import pytest

from studiocore import FixedClock, Services
from tests.conftest import FreshDatabase
from tests.support.builders import T0


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def svc(fresh_db: FreshDatabase, clock: FixedClock) -> Services:
    """Services over a fresh database, on every adapter."""
    return Services(fresh_db(), clock=clock)
