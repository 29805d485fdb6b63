"""The application factory: the composition root of the HTTP adapter."""

from __future__ import annotations

import logging
from collections.abc import Callable

from litestar import Litestar, Router
from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.config.cors import CORSConfig
from litestar.datastructures import ResponseHeader, State
from litestar.di import Provide
from litestar.logging import LoggingConfig
from litestar.middleware.logging import LoggingMiddlewareConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Server

from studiocore import Actor, Services

from .auth import actor_dependency, build_jwt_auth
from .database import open_database
from .errors import exception_handlers
from .features import API_CONTROLLERS
from .features.calendars.controllers import FEED_LINK_PATTERN
from .features.notifications.live import LiveNotifications, channels_backend
from .features.system.controllers import HealthController
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


def _probe(services: Services) -> Callable[[], bool]:
    def check() -> bool:
        try:
            services.users.page(limit=1)
        except Exception:
            log.exception("health check: the database did not answer")
            return False
        return True

    return check


def _database_url(settings: Settings) -> str:
    from studiocore_sql import database_url_from_env

    return settings.database_url or database_url_from_env()


def _sql_backend(settings: Settings) -> tuple[Services, Callable[[], bool], Callable[[], None]]:
    database = open_database(
        _database_url(settings),
        secret_keys=settings.storage_keys(),
        check_reachable=settings.migrate_on_start,
    )
    if settings.migrate_on_start:
        database.upgrade()

    return Services(database, policy=settings.policy()), database.health, database.dispose


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
    driver is missing or (when migrating on start) its server does not answer.
    """
    settings = settings or Settings.from_env()
    settings.signing_secret()  # refuse to build an app that cannot verify tokens
    on_shutdown: list[Callable[[], None]] = []
    if services is None:
        services, health_check, dispose = _sql_backend(settings)
        on_shutdown.append(dispose)
        live = LiveNotifications(services, channels_backend(_database_url(settings)))
    else:
        health_check = _probe(services)
        live = LiveNotifications(services, channels_backend(settings.database_url))
    on_shutdown.insert(0, live.on_shutdown)

    on_startup: list[Callable[[], None]] = []
    if settings.webhook_worker:
        worker = WebhookWorker(
            services,
            timeout=settings.webhook_timeout_seconds,
            poll_interval=settings.webhook_poll_seconds,
        )
        on_startup.append(worker.start)
        on_shutdown.insert(0, worker.stop)  # before the database is disposed

    jwt_auth = build_jwt_auth(settings, services, signed_in_elsewhere=WEB_PATHS)
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
    middleware_logging = (
        [
            LoggingMiddlewareConfig(
                logger_name="studiocore_http.requests",
                request_log_fields=["method", "path", "query"],
                response_log_fields=["status_code"],
                exclude=[FEED_LINK_PATTERN],  # a feed link's token is a credential
            ).middleware
        ]
        if settings.log_requests
        else []
    )
    return Litestar(
        route_handlers=[HealthController, api, *web["route_handlers"]],
        template_config=web["template_config"],
        csrf_config=web["csrf_config"],
        exception_handlers=exception_handlers,
        before_request=check_request,
        on_app_init=[
            jwt_auth.on_app_init,
            RateLimiting(settings, jwt_auth, web["middleware"]).on_app_init,
        ],
        on_startup=[live.on_startup, *on_startup],
        on_shutdown=on_shutdown,
        plugins=[live.plugin],
        state=State(
            {
                "services": services,
                "health_check": health_check,
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
        middleware=[*web["middleware"], *middleware_logging],
        logging_config=LoggingConfig(
            root={"level": "INFO", "handlers": ["queue_listener"]},
            loggers={"studiocore_http": {"level": "INFO", "propagate": True}},
            log_exceptions="never",
        ),
        openapi_config=OpenAPIConfig(
            title="studiocore",
            version=VERSION,
            description="Livestream studio scheduling: studios, rooms, shows, MCs, "
            "conflict-free booking. Authenticate with `Authorization: Bearer <token>`.",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin(path=["/", "/swagger"])],
            servers=[Server(url="/")],
        ),
        debug=settings.debug,
    )
