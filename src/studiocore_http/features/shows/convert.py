"""Conversions of show results to response bodies."""

from __future__ import annotations

from studiocore import ShowOutcome
from studiocore_http.shared.convert import one

from .schemas import ShowWritten

__all__ = ["written"]


def written(outcome: ShowOutcome) -> ShowWritten:
    """A show after a write, with its WARN conflicts."""
    return one(ShowWritten, outcome.show, warnings=list(outcome.warnings))
