"""Prometheus metrics: what the server counts, and ``GET /metrics``.

Metrics are made with ``prometheus_client`` directly (one registry per app).
When ``PROMETHEUS_MULTIPROC_DIR`` is set (``studiocore serve --workers N`` sets
it to a fresh directory), every process writes its values to files there and
``/metrics`` sums the files of all processes
(:class:`~prometheus_client.multiprocess.MultiProcessCollector`): any worker a
scrape reaches answers for all of them.

Domain counters come from the core's event bus (the core imports no
Prometheus): promotions from :class:`studiocore.ShowStatusChanged` (drafts
confirmed), counted once the use case commits; notifications from the
notification listeners (called after commit). Refused conflicts are counted
where a :class:`studiocore.ConflictError` becomes a 409 (see
:meth:`Metrics.count_refusal`); webhook attempts where the app's worker
records them.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, Protocol, cast

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client import values as prometheus_values
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from studiocore import ConflictError, Services, ShowStatusChanged
from studiocore.entities import Notification
from studiocore.lookups import ShowStatus
from studiocore.ports import UnitOfWork

__all__ = ["METRICS_PATH", "MULTIPROC_ENV", "Metrics", "MetricsAccess", "metrics_handler"]

METRICS_PATH: Final = "/metrics"
MULTIPROC_ENV: Final = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED: Final = "(unmatched)"
"""The route label of a request no route matched (a 404 or 405 of the router):
one label for all of them, so scanners cannot multiply the series."""
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_SIZE_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


class _Pool(Protocol):
    def size(self) -> int: ...
    def checkedout(self) -> int: ...


def _pool(engine: object) -> _Pool | None:
    pool = getattr(engine, "pool", None)
    if callable(getattr(pool, "size", None)) and callable(getattr(pool, "checkedout", None)):
        return cast("_Pool", pool)
    return None


def _pools_of(services: Services) -> dict[str, _Pool]:
    """The connection pools of the services' SQL database by role (``primary``,
    and ``replica`` when reads go to one), found by shape: the core knows no
    SQLAlchemy, and in-memory services have none."""
    database = services.context.uow_factory
    engines = {
        "primary": getattr(database, "engine", None),
        "replica": getattr(database, "replica_engine", None),
    }
    pools = {role: _pool(engine) for role, engine in engines.items()}
    return {role: pool for role, pool in pools.items() if pool is not None}


class Metrics:
    """The metrics of one app. In multi-process mode (``PROMETHEUS_MULTIPROC_DIR``
    set when the metrics are made) their values live in that directory."""

    def __init__(self, services: Services | None = None) -> None:
        self.multiprocess = bool(os.environ.get(MULTIPROC_ENV))
        if self.multiprocess is (prometheus_values.ValueClass is prometheus_values.MutexValue):
            # prometheus_client chose where values live when it was first
            # imported, perhaps before the variable was set: choose again.
            prometheus_values.ValueClass = prometheus_values.get_value_class()  # type: ignore[no-untyped-call]
        self.registry = CollectorRegistry(auto_describe=True)
        into = self.registry
        labels = ("method", "route", "status")
        self.requests = Counter(
            "studiocore_http_requests", "HTTP requests answered", labels, registry=into
        )
        self.latency = Histogram(
            "studiocore_http_request_duration_seconds",
            "Time from a request's arrival to the end of its response",
            labels,
            registry=into,
        )
        self.pool_in_use = Gauge(
            "studiocore_db_pool_connections_in_use",
            "Database connections checked out of the pool",
            ("database",),
            multiprocess_mode="livesum",
            registry=into,
        )
        self.pool_size = Gauge(
            "studiocore_db_pool_size",
            "Connections the database pool keeps",
            ("database",),
            multiprocess_mode="livesum",
            registry=into,
        )
        self.promoted = Histogram(
            "studiocore_promoted_shows",
            "Drafts confirmed per promotion (its _count counts promotions)",
            ("use_case",),
            buckets=_SIZE_BUCKETS,
            registry=into,
        )
        self.conflicts_refused = Counter(
            "studiocore_conflicts_refused",
            "Writes refused with a conflict, by kind of conflict",
            ("kind",),
            registry=into,
        )
        self.notifications = Counter(
            "studiocore_notifications", "Notifications created", ("kind",), registry=into
        )
        self.webhook_deliveries = Counter(
            "studiocore_webhook_delivery_attempts",
            "Webhook delivery attempts by outcome (delivered, failed, error)",
            ("outcome",),
            registry=into,
        )
        self._pools = _pools_of(services) if services is not None else {}
        # Each labelled series once: ``labels()`` checks and joins its values
        # under a lock on every call. The keys are bounded (route templates,
        # known methods, status codes; the pools' roles).
        self._answered: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._pool_gauges = [
            (pool, self.pool_in_use.labels(role), self.pool_size.labels(role))
            for role, pool in self._pools.items()
        ]

    # -- requests -----------------------------------------------------------------------

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        key = (method if method in _METHODS else "OTHER", route, status)
        series = self._answered.get(key)
        if series is None:
            labels = (key[0], route, str(status))
            series = (self.requests.labels(*labels), self.latency.labels(*labels))
            self._answered[key] = series
        series[0].inc()
        series[1].observe(seconds)

    def sample_pool(self) -> None:
        """Read the database pool's use into its gauges (cheap: two integers)."""
        for pool, in_use, size in self._pool_gauges:
            in_use.set(pool.checkedout())
            size.set(pool.size())

    # -- the domain ---------------------------------------------------------------------

    def count_refusal(self, error: ConflictError) -> None:
        """Count a refused write: once per kind among its blocking conflicts, or
        ``uniqueness`` when it has none (a duplicate name or e-mail address)."""
        kinds = {str(c.kind) for c in error.conflicts if c.blocking} or {"uniqueness"}
        for kind in sorted(kinds):
            self.conflicts_refused.labels(kind).inc()

    def count_attempt(self, ok: bool, status_code: int | None) -> None:
        """Count one webhook delivery attempt."""
        outcome = "delivered" if ok else ("failed" if status_code is not None else "error")
        self.webhook_deliveries.labels(outcome).inc()

    def _status_changed(self, event: ShowStatusChanged, uow: UnitOfWork) -> None:
        if event.before is not ShowStatus.DRAFT or event.after is not ShowStatus.CONFIRMED:
            return
        size, use_case = len(event.show_uids), event.use_case

        def count() -> None:
            self.promoted.labels(use_case).observe(size)

        after_commit: Callable[[Callable[[], None]], None] | None = getattr(
            uow, "after_commit", None
        )
        if after_commit is None:
            count()
        else:
            after_commit(count)

    def _notified(self, batch: Sequence[Notification]) -> None:
        for notification in batch:
            self.notifications.labels(str(notification.kind)).inc()

    def subscribe(self, services: Services) -> None:
        """Count what the services' use cases do (once per event bus: the first
        app made over a bus counts for it)."""

        def install(_: Any) -> None:
            services.events.subscribe(ShowStatusChanged, self._status_changed)
            services.notifications.listen(self._notified)

        services.events.install_once("studiocore_http.metrics", install)

    def on_shutdown(self) -> None:
        """In multi-process mode: drop this process's gauges (a worker that
        stops no longer has a pool to report; its counters stay in the sums)."""
        if self.multiprocess:
            mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]

    # -- exposition ---------------------------------------------------------------------

    def exposition(self, accept: str | None = None) -> tuple[bytes, str]:
        """The metrics and their content type, in the format ``accept`` asks for
        (Prometheus' text format, or OpenMetrics): this app's, or in
        multi-process mode every process's, summed."""
        self.sample_pool()
        registry = self.registry
        if self.multiprocess:
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        encode, content_type = choose_encoder(accept or "")
        return encode(registry), content_type


class MetricsAccess:
    """Who may read ``/metrics``: clients whose address is in ``allow`` (IP
    addresses or networks), and anyone sending ``Authorization: Bearer
    <token>``. Everyone else gets 404, as if there were no such page."""

    def __init__(self, allow: Iterable[str], token: str | None) -> None:
        self.networks = tuple(ipaddress.ip_network(item, strict=False) for item in allow)
        self._expected = f"Bearer {token}".encode() if token else None

    def allows(self, client_host: str | None, authorization: str | None) -> bool:
        """Whether a client at ``client_host`` sending ``authorization`` may scrape."""
        if (
            self._expected is not None
            and authorization is not None
            and secrets.compare_digest(authorization.encode(), self._expected)
        ):
            return True
        if client_host is None or not self.networks:
            return False
        try:
            address = ipaddress.ip_address(client_host)
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in network for network in self.networks)


def metrics_handler(metrics: Metrics, access: MetricsAccess) -> HTTPRouteHandler:
    """``GET /metrics``: outside the OpenAPI document, the bearer
    authentication of the API and rate limits; guarded by ``access``."""

    @get(
        METRICS_PATH,
        include_in_schema=False,
        sync_to_thread=True,
        opt={"exclude_from_auth": True},
        name="metrics",
    )
    def scrape(request: Request[Any, Any, Any]) -> Response[bytes]:
        client = request.scope.get("client")
        if not access.allows(client[0] if client else None, request.headers.get("authorization")):
            raise NotFoundException()
        body, content_type = metrics.exposition(request.headers.get("accept"))
        return Response(
            body,
            # Litestar adds the charset of text/ types itself
            media_type=content_type.removesuffix("; charset=utf-8")
            if content_type.startswith("text/")
            else content_type,
            headers={"Cache-Control": "no-store"},
        )

    return scrape
