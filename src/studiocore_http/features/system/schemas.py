"""Bodies of the service endpoints outside ``/api/v1``."""

from __future__ import annotations

from typing import Literal

from studiocore_http.shared.schemas import Output

__all__ = ["Health", "Live"]


class Health(Output):
    """Readiness: ``status`` is ``ok`` when every part is."""

    status: Literal["ok", "degraded"]
    database: Literal["ok", "unavailable"]
    migrations: Literal["current", "behind", "ahead", "unknown"]
    """``current``: the schema is at this code's head; ``behind``: run
    ``studiocore db upgrade``; ``ahead``: a newer studiocore migrated it;
    ``unknown``: the database did not answer."""
    replica: Literal["ok", "unavailable", "none"]
    """The read replica (``none``: none configured)."""
    version: str


class Live(Output):
    status: Literal["ok"]
    version: str
