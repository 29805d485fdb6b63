"""Bodies of the service endpoints outside ``/api/v1``."""

from __future__ import annotations

from typing import Literal

from studiocore_http.shared.schemas import Output

__all__ = ["Health"]


class Health(Output):
    status: Literal["ok", "degraded"]
    database: Literal["ok", "unavailable"]
    version: str
