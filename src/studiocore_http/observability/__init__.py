"""Observability: request logs, application logs and Prometheus metrics.

:class:`Observability` is what :func:`studiocore_http.create_app` asks for: the
logging configuration (:mod:`.logs`), ``GET /metrics`` (:mod:`.metrics`), the
error handlers that count refused conflicts, and :meth:`Observability.observe`,
which wraps the finished app in a :class:`RequestObserver`.

The observer sits outside Litestar's router and error handling, so it sees
every answer, also a 404 no route matched, a 401 of the authentication
middleware and a 500: one request line each (``STUDIOCORE_LOG_REQUESTS``), one
count in the request metrics (``STUDIOCORE_METRICS``), and the request id in
the ``X-Request-ID`` response header.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from litestar import Litestar, Request, Response
from litestar.enums import ScopeType
from litestar.handlers import HTTPRouteHandler
from litestar.logging import LoggingConfig
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from studiocore import ConflictError, Services
from studiocore.services import Attempt, Dispatch

from .logs import (
    RequestLog,
    bind_request_id,
    logging_config,
    request_fields,
    request_id_from,
    unbind_request_id,
)
from .metrics import UNMATCHED, Metrics, MetricsAccess, metrics_handler

if TYPE_CHECKING:
    from studiocore_http.settings import Settings
    from studiocore_http.webhooks import WebhookWorker

__all__ = ["Metrics", "MetricsAccess", "Observability", "RequestObserver"]

_REQUEST_ID_HEADER = b"x-request-id"
ExceptionHandler = Callable[[Request[Any, Any, Any], Any], Response[Any]]


def _user_uid(scope: Scope) -> str | None:
    """The signed-in user: the bearer token's, else the web session's."""
    user = scope.get("user")
    uid = getattr(user, "uid", None)
    if isinstance(uid, str):
        return uid
    session = scope.get("session")
    if isinstance(session, dict):
        named = session.get("user_uid")
        return named if isinstance(named, str) else None
    return None


class RequestObserver:
    """ASGI middleware around the whole app: request id, one log line and the
    request metrics per HTTP request (``log`` and ``metrics`` may be off)."""

    def __init__(self, app: ASGIApp, *, log: RequestLog | None, metrics: Metrics | None) -> None:
        self.app = app
        self.log = log
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        sent_id = next((v for k, v in scope["headers"] if k == _REQUEST_ID_HEADER), None)
        request_id = request_id_from(sent_id)
        status = 500  # unless a response starts

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers") or [])
                headers.append((_REQUEST_ID_HEADER, request_id.encode("ascii")))
                message["headers"] = headers
            await send(message)

        token = bind_request_id(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, request_id, status, time.perf_counter() - started)
            unbind_request_id(token)

    def _record(self, scope: Scope, request_id: str, status: int, seconds: float) -> None:
        # The router sets the template of the route it matched; nothing matched:
        # one label for every unknown path.
        fields: Mapping[str, Any] = scope  # keys the router may not have set
        matched = fields.get("path_template") if fields.get("route_handler") else None
        route = str(matched or UNMATCHED)
        method = str(fields.get("method", ""))
        if self.metrics is not None:
            self.metrics.observe_request(method, route, status, seconds)
            self.metrics.sample_pool()
        if self.log is not None:
            client = scope.get("client")
            self.log.write(
                request_fields(
                    request_id=request_id,
                    method=method,
                    route=route,
                    status=status,
                    latency_ms=seconds * 1000,
                    user_uid=_user_uid(scope),
                    client=client[0] if client else None,
                )
            )


class Observability:
    """The logs and metrics of one app, configured by ``settings``."""

    def __init__(self, settings: Settings, services: Services) -> None:
        self.settings = settings
        self.logging_config: LoggingConfig = logging_config(settings.log_format, settings.log_level)
        self.metrics: Metrics | None = None
        self.route_handlers: list[HTTPRouteHandler] = []
        if settings.metrics:
            self.metrics = Metrics(services)
            self.metrics.subscribe(services)
            access = MetricsAccess(settings.metrics_allow, settings.metrics_token)
            self.route_handlers.append(metrics_handler(self.metrics, access))

    def exception_handlers(
        self, handlers: Mapping[type[Exception] | int, ExceptionHandler]
    ) -> dict[type[Exception] | int, ExceptionHandler]:
        """``handlers`` with the conflict handler counting refusals (metrics on)."""
        result = dict(handlers)
        metrics, answer = self.metrics, handlers.get(ConflictError)
        if metrics is not None and answer is not None:

            def counted(request: Request[Any, Any, Any], exc: ConflictError) -> Response[Any]:
                metrics.count_refusal(exc)
                return answer(request, exc)

            result[ConflictError] = counted
        return result

    def watch_webhooks(self, worker: WebhookWorker) -> None:
        """Count the delivery attempts ``worker`` records (metrics on)."""
        metrics = self.metrics
        if metrics is None:
            return
        deliver = worker.deliver

        def counted(dispatch: Dispatch) -> Attempt:
            attempt = deliver(dispatch)
            metrics.count_attempt(attempt.ok, attempt.status_code)
            return attempt

        worker.deliver = counted  # type: ignore[method-assign]

    def observe(self, app: Litestar) -> Litestar:
        """``app``, its requests observed (see :class:`RequestObserver`)."""
        if self.metrics is not None:
            app.on_shutdown.append(self.metrics.on_shutdown)
        if self.settings.log_requests or self.metrics is not None:
            log = RequestLog(self.settings.log_format) if self.settings.log_requests else None
            app.asgi_handler = RequestObserver(app.asgi_handler, log=log, metrics=self.metrics)
        return app
