"""Service endpoints outside ``/api/v1``: health."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.openapi import ResponseSpec
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from studiocore_http.version import VERSION

from . import schemas as s

__all__ = ["HealthController"]


class HealthController(Controller):
    path = "/health"
    tags = ["system"]

    @get(
        operation_id="Health",
        sync_to_thread=True,
        exclude_from_auth=True,
        security=[{}],
        responses={
            HTTP_503_SERVICE_UNAVAILABLE: ResponseSpec(
                data_container=s.Health, description="The database does not answer."
            )
        },
    )
    def health(self, state: State) -> Response[s.Health]:
        """The app is up; ``database`` says whether the database answers (503 if not).
        No token needed."""
        database_ok = bool(state.health_check())
        body = s.Health(
            status="ok" if database_ok else "degraded",
            database="ok" if database_ok else "unavailable",
            version=VERSION,
        )
        return Response(
            body, status_code=HTTP_200_OK if database_ok else HTTP_503_SERVICE_UNAVAILABLE
        )
