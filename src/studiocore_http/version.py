"""The installed package version."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["VERSION"]

try:
    VERSION = version("studiocore")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    VERSION = "0.0.0"
