"""``studiocore serve``: the server processes (uvicorn), their settings and
what happens before the first request (schema, demo data).

Every setting reaches the worker processes through the environment: the
parent puts the command's options into ``STUDIOCORE_*`` variables, and each
worker builds its app with :func:`studiocore_http.app.create_app` reading
them (uvicorn's ``factory`` mode, :func:`served_app`). The parent migrates the database once
before the workers start (a schema behind the code is refused with
``--no-migrate``); workers starting on other hosts at the same time are safe
too, since migrating takes a lock (:mod:`studiocore_sql.migrate`).
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import attrs
import click

from studiocore import Services

from .database import open_database, prepare_schema, redact
from .settings import ENV_PREFIX, Settings

if TYPE_CHECKING:
    from litestar import Litestar

__all__ = ["LOG_FORMATS", "LOG_LEVELS", "ServeOptions", "run", "served_app"]

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
LOG_FORMATS = ("text", "json")
APP_FACTORY = "studiocore_http.serving:served_app"
_METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR"


@attrs.frozen(kw_only=True)
class ServeOptions:
    """The options of ``studiocore serve`` (see its ``--help``)."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    proxy_headers: bool = True
    forwarded_allow_ips: str | None = None
    root_path: str = ""
    log_level: str | None = None
    log_format: str | None = None
    migrate: bool | None = None
    graceful_timeout: int = 30
    worker_timeout: int = 30

    @property
    def base_url(self) -> str:
        host = "localhost" if self.host in {"0.0.0.0", "::"} else self.host
        return f"http://{host}:{self.port}{self.root_path.rstrip('/')}"


def _database_url(settings: Settings) -> str:
    from studiocore_sql import database_url_from_env

    return settings.database_url or database_url_from_env()


def _export(options: ServeOptions, settings: Settings) -> None:
    """Hand the settings the command decided to the worker processes."""
    env = {
        "DATABASE_URL": _database_url(settings),
        "DEMO": "true" if settings.demo else "false",
        "MIGRATE_ON_START": "true" if settings.migrate_on_start else "false",
        "LOG_LEVEL": options.log_level,
        "LOG_FORMAT": options.log_format,
    }
    for name, value in env.items():
        if value is not None:
            os.environ[ENV_PREFIX + name] = value


def _prepare(options: ServeOptions, settings: Settings) -> None:
    """Migrate (or check) the schema once, seed the demo, print where to go."""
    url = _database_url(settings)
    database = open_database(url, secret_keys=settings.storage_keys())
    try:
        click.echo(prepare_schema(database, migrate=settings.migrate_on_start).capitalize() + ".")
        if settings.demo:
            _seed_demo(Services(database), settings, options)
    finally:
        database.dispose()
    base = options.base_url
    click.echo(f"Database: {redact(url)}")
    click.echo(f"Web interface: {base}/   (sign in as any demo user with --demo)")
    click.echo(f"API docs: {base}/schema   (OpenAPI: {base}/schema/openapi.json)")
    click.echo(f"Health: {base}/health/ready   Workers: {options.workers}")


def _seed_demo(services: Services, settings: Settings, options: ServeOptions) -> None:
    from .auth import issue_token
    from .demo import DEMO_ADMIN_EMAIL, demo_people, ensure_admin, seed_demo

    summary = seed_demo(services)
    admin, _ = ensure_admin(services, DEMO_ADMIN_EMAIL, "Demo Admin")
    people = demo_people(services)
    if summary.created:
        click.echo(summary.describe())
    else:
        click.echo("Demo data already present; not seeding again.")
    if settings.uses_derived_secret:
        click.echo(
            "No STUDIOCORE_JWT_SECRET set: signing tokens with a development secret "
            "derived from the database URL (demo only, not secure)."
        )
    if settings.uses_derived_secret_keys:
        click.echo(
            "No STUDIOCORE_SECRET_KEYS set: encrypting platform secrets with a development "
            "key derived from the database URL (demo only, not secure)."
        )
    click.echo(f"Admin token ({DEMO_ADMIN_EMAIL}):\n\n  {issue_token(settings, admin.uid)}\n")
    if settings.access_policy == "membership":
        click.echo("Tokens of the demo's people (each sees only what their role allows):\n")
        for person, user in people:
            click.echo(f"{user.name} ({person.role}, {person.group}; {user.email}): {person.sees}")
            click.echo(f"\n  {issue_token(settings, user.uid)}\n")
    click.echo(f'Try: curl -H "Authorization: Bearer <token>" {options.base_url}/api/v1/studios')


@contextmanager
def _metrics_directory(workers: int) -> Iterator[None]:
    """Several workers report one set of metrics through files in a shared
    directory (prometheus-client's multiprocess mode): a fresh one per run
    unless ``PROMETHEUS_MULTIPROC_DIR`` names one, whose old files are removed."""
    given = os.environ.get(_METRICS_DIR)
    if workers == 1 and not given:
        yield
        return
    if given:
        for name in os.listdir(given):
            if name.endswith(".db"):
                os.remove(os.path.join(given, name))
        yield
        return
    folder = tempfile.mkdtemp(prefix="studiocore-metrics-")
    os.environ[_METRICS_DIR] = folder
    try:
        yield
    finally:
        os.environ.pop(_METRICS_DIR, None)
        shutil.rmtree(folder, ignore_errors=True)


def _uvicorn_logging(settings: Settings) -> dict[str, Any]:
    """Uvicorn's own lines (the supervisor of several workers, a worker before
    its app is built and after it stopped) in the same format as the app's."""
    from .observability.logs import make_formatter, resolve_format

    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "studiocore": {"()": make_formatter, "format_": resolve_format(settings.log_format)}
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "studiocore",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            # straight to stderr, not through the app's queue: uvicorn's last
            # records come after the app's shutdown
            "uvicorn": {
                "handlers": ["stderr"],
                "level": settings.log_level.upper(),
                "propagate": False,
            },
            "uvicorn.error": {"level": settings.log_level.upper()},
        },
    }


def served_app() -> Litestar:
    """The app of one server process: :func:`~studiocore_http.app.create_app`
    from the environment, whose heap is frozen once it has started.

    Everything built before the first request (the app, its routes and
    schemas, SQLAlchemy's tables, the imported modules: most of a worker's
    objects) lives as long as the process. :func:`gc.freeze` moves it out of
    the cyclic garbage collector's reach, so a full collection walks only
    what requests made since; without it, those collections held up every
    request in flight (the p99 latency of ``GET /shows`` halved under load,
    benchmarks/RESULTS.md). Objects are still freed when their last
    reference goes; only a cycle among the startup objects would stay."""
    from .app import create_app

    app = create_app()
    app.on_startup.append(_freeze_heap)
    return app


def _freeze_heap() -> None:
    gc.collect()
    gc.freeze()


def run(options: ServeOptions, settings: Settings) -> None:
    """Serve until SIGTERM/SIGINT (see the module docstring)."""
    import uvicorn

    settings.signing_secret()  # refuse before anything starts
    _prepare(options, settings)
    _export(options, settings)
    with _metrics_directory(options.workers):
        uvicorn.run(
            APP_FACTORY,
            factory=True,
            host=options.host,
            port=options.port,
            workers=options.workers,
            proxy_headers=options.proxy_headers,
            forwarded_allow_ips=options.forwarded_allow_ips,
            root_path=options.root_path,
            log_config=_uvicorn_logging(settings),
            log_level=settings.log_level,
            # One line per request comes from the app (STUDIOCORE_LOG_REQUESTS).
            access_log=False,
            timeout_graceful_shutdown=options.graceful_timeout,
            timeout_worker_healthcheck=options.worker_timeout,
        )
