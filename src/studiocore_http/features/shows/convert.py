"""Conversions of show results to response bodies."""

from __future__ import annotations

from typing import Any

from studiocore import ShowOutcome
from studiocore_http.shared.convert import one

from .schemas import ShowWritten

__all__ = ["written"]


def written(outcome: ShowOutcome) -> ShowWritten:
    """A show after a write, with its WARN conflicts."""
    return one(ShowWritten, _ShowWithWarnings(outcome))


class _ShowWithWarnings:
    """Attribute view of a :class:`ShowOutcome` for :func:`one`."""

    def __init__(self, outcome: ShowOutcome) -> None:
        self._show = outcome.show
        self.warnings = list(outcome.warnings)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._show, name)
