"""Adapters that ship with the pure core (no I/O library needed)."""

from studiocore.adapters.memory import InMemoryDatabase, InMemoryUnitOfWork

__all__ = ["InMemoryDatabase", "InMemoryUnitOfWork"]
