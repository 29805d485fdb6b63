"""Bodies of the service endpoints outside ``/api/v1``."""

from __future__ import annotations

from typing import Literal

from studiocore_http.shared.schemas import Output

__all__ = ["Health", "Live"]


class Health(Output):
    """Readiness: ``status`` is ``ok`` when every part is, ``degraded`` when the
    process serves without its read replica, ``unavailable`` when it should
    not take traffic (503)."""

    status: Literal["ok", "degraded", "unavailable"]
    database: Literal["ok", "unavailable"]
    migrations: Literal["current", "behind", "ahead", "unknown"]
    """``current``: the schema is at this code's head; ``behind``: run
    ``studiocore db upgrade``; ``ahead``: a newer studiocore migrated it;
    ``unknown``: the database did not answer."""
    replica: Literal["ok", "unavailable", "none"]
    """The read replica (``none``: none configured)."""
    replica_lag_seconds: float | None
    """How many seconds the replica's replay is behind (``null``: unknown or none)."""
    version: str


class Live(Output):
    status: Literal["ok"]
    version: str
