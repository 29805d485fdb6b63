"""Assertions the service tests share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from studiocore import ValidationError


@contextmanager
def refused(field: str, reason: str = "") -> Iterator[None]:
    """Expect the block to raise a :class:`ValidationError` that names ``field``
    and whose reason contains ``reason``."""
    with pytest.raises(ValidationError) as err:
        yield
    assert err.value.field == field
    assert reason in err.value.reason
