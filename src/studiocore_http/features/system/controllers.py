"""Service endpoints outside ``/api/v1``: liveness and readiness."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.openapi import ResponseSpec
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from studiocore_http.health import Readiness
from studiocore_http.version import VERSION

from . import schemas as s

__all__ = ["HealthController"]

_NOT_READY = {
    HTTP_503_SERVICE_UNAVAILABLE: ResponseSpec(
        data_container=s.Health,
        description="Not ready (`status: unavailable`): the database does not answer, "
        "or its schema is not at the code's migration head.",
    )
}


def _ready(state: State) -> Response[s.Health]:
    readiness: Readiness = state.readiness()
    body = s.Health(
        status=readiness.status,
        database="ok" if readiness.database else "unavailable",
        migrations=readiness.migrations,
        replica=readiness.replica,
        replica_lag_seconds=readiness.replica_lag_seconds,
        version=VERSION,
    )
    return Response(
        body, status_code=HTTP_200_OK if readiness.ready else HTTP_503_SERVICE_UNAVAILABLE
    )


class HealthController(Controller):
    path = "/health"
    tags = ["system"]

    @get(
        operation_id="Health",
        summary="Readiness (alias of /health/ready)",
        sync_to_thread=True,
        exclude_from_auth=True,
        security=[{}],
        responses=_NOT_READY,
    )
    def health(self, state: State) -> Response[s.Health]:
        """The same answer as `/health/ready` (200 when this process may take traffic,
        503 when not), kept for probes configured before it existed. No token needed."""
        return _ready(state)

    @get(
        "/ready",
        operation_id="HealthReady",
        summary="Readiness: may this process take traffic?",
        sync_to_thread=True,
        exclude_from_auth=True,
        security=[{}],
        responses=_NOT_READY,
    )
    def ready(self, state: State) -> Response[s.Health]:
        """200 when the database answers and its schema is at this code's migration
        head (`migrations: current`); 503 with the same body otherwise. A configured
        read replica that does not answer gives 200 with `status: degraded` and
        `replica: unavailable`: reads then go to the primary, so the process can still
        serve. Point a load balancer's or an orchestrator's readiness probe here.
        No token needed."""
        return _ready(state)

    @get(
        "/live",
        operation_id="HealthLive",
        summary="Liveness: does the process answer?",
        exclude_from_auth=True,
        security=[{}],
    )
    async def live(self) -> s.Live:
        """Always 200 while the process serves requests; it asks nothing of the
        database, so a database outage does not get healthy processes restarted.
        Point a liveness probe here. No token needed."""
        return s.Live(status="ok", version=VERSION)
