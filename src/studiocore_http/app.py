"""The application factory: the composition root of the HTTP adapter."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import attrs
from litestar import Litestar, Router
from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.config.cors import CORSConfig
from litestar.datastructures import ResponseHeader, State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Server

from studiocore import Actor, Services, UnavailableError

from .access_cache import AccessListener, ActorCache, ActorLookup, libpq_dsn
from .api_docs import OfflineSwaggerRenderPlugin, TypedErrorDocs
from .api_tags import API_TAGS
from .auth import actor_dependency, build_jwt_auth
from .database import DatabaseSetupError, open_database, prepare_schema
from .egress import EgressPolicy
from .errors import exception_handlers
from .features import API_CONTROLLERS
from .features.notifications.live import LiveNotifications, channels_backend
from .features.system.controllers import HealthController
from .health import Readiness, probe_readiness, sql_readiness
from .observability import Observability
from .openapi_root import RootPathJsonRenderPlugin
from .ratelimit import RateLimiting
from .request_checks import check_request
from .settings import Settings
from .version import VERSION
from .web import WEB_PATHS, web_app_config
from .webhooks import WebhookWorker

__all__ = ["API_PREFIX", "create_app"]

API_PREFIX = "/api/v1"
log = logging.getLogger("studiocore_http")


def _provide_services(state: State) -> Services:
    services: Services = state.services
    return services


def _database_url(settings: Settings) -> str:
    from studiocore_sql import database_url_from_env

    return settings.database_url or database_url_from_env()


@attrs.frozen
class _Backend:
    services: Services
    readiness: Callable[[], Readiness]
    on_startup: list[Callable[[], Any]]
    on_shutdown: list[Callable[[], Any]]
    lookup: ActorLookup


def _sql_backend(settings: Settings) -> _Backend:
    """The configured SQL database, its schema migrated (or checked: a schema
    behind the code refuses to serve unless migrations on start are on)."""
    database = open_database(
        _database_url(settings),
        secret_keys=settings.storage_keys(),
        check_reachable=settings.migrate_on_start,
        replica_url=settings.database_replica_url,
    )
    try:
        done = prepare_schema(database, migrate=settings.migrate_on_start)
    except UnavailableError as exc:
        if settings.migrate_on_start:
            database.dispose()
            raise DatabaseSetupError(f"cannot migrate the database: {exc.message}") from exc
        # Not migrating and the server does not answer yet: serve, and let
        # /health/ready say so until it does.
        done = f"the database does not answer yet ({exc.message}); /health/ready tells when it does"
    except DatabaseSetupError:
        database.dispose()
        raise
    services = Services(database, policy=settings.policy())
    on_startup: list[Callable[[], Any]] = [lambda: log.info("%s", done)]
    on_shutdown: list[Callable[[], Any]] = [database.dispose]
    cache = None
    if settings.access_cache and database.is_postgresql:
        cache = ActorCache()
        listener = AccessListener(libpq_dsn(database.url), cache)
        services.events.write_listeners.append(cache.invalidate)  # this process's writes
        on_startup.append(listener.on_startup)
        on_shutdown.insert(0, listener.on_shutdown)
    return _Backend(
        services=services,
        readiness=sql_readiness(database),
        on_startup=on_startup,
        on_shutdown=on_shutdown,
        lookup=ActorLookup(services, cache),
    )


def _security_headers(settings: Settings) -> list[ResponseHeader]:
    if not settings.security_headers:
        return []
    headers = [
        ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
        ResponseHeader(name="X-Frame-Options", value="DENY"),
        ResponseHeader(name="Referrer-Policy", value="no-referrer"),
        ResponseHeader(name="Cross-Origin-Opener-Policy", value="same-origin"),
    ]
    if settings.hsts_seconds > 0:
        headers.append(
            ResponseHeader(
                name="Strict-Transport-Security",
                value=f"max-age={settings.hsts_seconds}; includeSubDomains",
            )
        )
    return headers


def create_app(settings: Settings | None = None, *, services: Services | None = None) -> Litestar:
    """The studiocore REST API.

    ``settings`` default to :meth:`Settings.from_env`. Without ``services`` the app
    opens the SQL database of ``settings.database_url`` (migrating it first unless
    ``migrate_on_start`` is off); tests inject ``Services.in_memory()``. Raises
    :class:`~studiocore_http.settings.ConfigError` when no usable JWT secret is
    configured outside demo mode, and its subclass
    :class:`~studiocore_http.database.DatabaseSetupError` when the database's
    driver is missing, (when migrating on start) its server does not answer, or
    its schema cannot be served: behind the code's migrations with
    ``migrate_on_start`` off, or migrated by a newer studiocore.
    """
    settings = settings or Settings.from_env()
    settings.signing_secret()  # refuse to build an app that cannot verify tokens
    if services is None:
        backend = _sql_backend(settings)
        live = LiveNotifications(backend.services, channels_backend(_database_url(settings)))
    else:
        backend = _Backend(services, probe_readiness(services), [], [], ActorLookup(services))
        live = LiveNotifications(services, channels_backend(settings.database_url))
    services = backend.services
    on_startup = [*backend.on_startup]
    on_shutdown = [live.on_shutdown, *backend.on_shutdown]
    observability = Observability(settings, services)
    if settings.webhook_worker:
        worker = WebhookWorker(
            services,
            timeout=settings.webhook_timeout_seconds,
            poll_interval=settings.webhook_poll_seconds,
            egress=EgressPolicy(settings.webhook_allowed_networks),
        )
        observability.watch_webhooks(worker)
        on_startup.append(worker.start)
        on_shutdown.insert(0, worker.stop)  # before the database is disposed

    jwt_auth = build_jwt_auth(
        settings, services, signed_in_elsewhere=WEB_PATHS, lookup=backend.lookup
    )
    web = web_app_config(settings)
    api = Router(
        path=API_PREFIX,
        route_handlers=API_CONTROLLERS,
        dependencies={
            "services": Provide(_provide_services, sync_to_thread=False),
            "actor": actor_dependency(services),
        },
        signature_namespace={"Services": Services, "Actor": Actor},
    )
    app = Litestar(
        route_handlers=[
            HealthController,
            api,
            *web["route_handlers"],
            *observability.route_handlers,
        ],
        template_config=web["template_config"],
        csrf_config=web["csrf_config"],
        exception_handlers=observability.exception_handlers(exception_handlers),
        before_request=check_request,
        on_app_init=[
            jwt_auth.on_app_init,
            RateLimiting(settings, jwt_auth, web["middleware"]).on_app_init,
        ],
        on_startup=[live.on_startup, *on_startup],
        on_shutdown=on_shutdown,
        plugins=[live.plugin, TypedErrorDocs(settings.rate_limit)],
        state=State(
            {
                "services": services,
                "actor_lookup": backend.lookup,
                "readiness": backend.readiness,
                "settings": settings,
                "live_notifications": live,
            }
        ),
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins))
        if settings.cors_origins
        else None,
        allowed_hosts=AllowedHostsConfig(allowed_hosts=list(settings.allowed_hosts))
        if settings.allowed_hosts
        else None,
        response_headers=_security_headers(settings),
        middleware=web["middleware"],
        logging_config=observability.logging_config,
        openapi_config=OpenAPIConfig(
            title="studiocore",
            version=VERSION,
            description="Livestream studio scheduling: studios, rooms, shows, MCs, "
            "conflict-free booking. Authenticate with `Authorization: Bearer <token>`.",
            path="/schema",
            use_handler_docstrings=True,
            tags=API_TAGS,
            render_plugins=[
                OfflineSwaggerRenderPlugin(path=["/", "/swagger"]),
                RootPathJsonRenderPlugin(),
            ],
            servers=[Server(url="/")],
        ),
        debug=settings.debug,
    )
    return observability.observe(app)  # request ids, request lines and metrics
