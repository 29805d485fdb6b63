"""The ``studiocore`` command line.

Every command honours ``STUDIOCORE_DATABASE_URL``, ``STUDIOCORE_JWT_SECRET`` and
``STUDIOCORE_SECRET_KEYS`` (see :mod:`studiocore_http.settings`);
``--database-url`` overrides the first.
A configuration the commands cannot work with (no secret, a missing database
driver, an unreachable server: :class:`~studiocore_http.settings.ConfigError`)
is one line on stderr and exit status 1, never a traceback.

The ``users`` and ``memberships`` commands administer accounts and roles
directly in the database, as the in-process ``SYSTEM`` actor: whoever can run
them with the database's URL can change the database anyway, so they check no
token and no access rule, but every rule of the data itself (unique e-mails,
the last active system admin, one membership per user and group) holds, and a
refusal is one line naming the field (``Error: email: ...``) and exit status 1.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

import attrs
import click

from studiocore import NotFoundError, Services, StudioError
from studiocore_http.database import redact
from studiocore_http.serving import LOG_FORMATS, LOG_LEVELS

from ._common import _Commands, _database, _database_url, _demo, _settings, _url_of
from .accounts import memberships, users
from .worker import worker

__all__ = ["main"]


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """studiocore: livestream studio scheduling (REST API and admin tools)."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8000, show_default=True, type=int, help="TCP port.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    envvar="STUDIOCORE_WORKERS",
    help="Worker processes sharing the port (env STUDIOCORE_WORKERS).",
)
@click.option(
    "--proxy-headers/--no-proxy-headers",
    default=True,
    show_default=True,
    help="Take the client's address and scheme from X-Forwarded-For/-Proto, when the "
    "connection comes from --forwarded-allow-ips.",
)
@click.option(
    "--forwarded-allow-ips",
    default=None,
    help="Comma-separated addresses (or *) of the reverse proxies whose X-Forwarded-* "
    "headers are trusted (default: $FORWARDED_ALLOW_IPS, else 127.0.0.1).",
)
@click.option(
    "--root-path",
    default="",
    help="The path prefix a reverse proxy serves the app under (e.g. /studiocore) and "
    "strips before passing requests on.",
)
@click.option(
    "--log-level",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    default=None,
    help="Least severity logged (default: $STUDIOCORE_LOG_LEVEL, else info).",
)
@click.option(
    "--log-format",
    type=click.Choice(LOG_FORMATS),
    default=None,
    help="json: one JSON object per line (for a log collector); text: for a terminal "
    "(default: $STUDIOCORE_LOG_FORMAT, else text on a terminal and json otherwise).",
)
@click.option(
    "--migrate/--no-migrate",
    default=None,
    help="Migrate the database before serving (default: $STUDIOCORE_MIGRATE_ON_START, "
    "else on). With --no-migrate a database behind the code is refused.",
)
@click.option(
    "--graceful-timeout",
    default=30,
    show_default=True,
    type=click.IntRange(min=0),
    help="On SIGTERM/SIGINT: seconds in-flight requests get to finish before they are cut.",
)
@click.option(
    "--worker-timeout",
    default=30,
    show_default=True,
    type=click.IntRange(min=1),
    help="With several workers: seconds a worker may go without answering the parent's "
    "health check (starting up, or busy) before it is replaced.",
)
@_database_url
@_demo
def serve(
    *,
    host: str,
    port: int,
    workers: int,
    proxy_headers: bool,
    forwarded_allow_ips: str | None,
    root_path: str,
    log_level: str | None,
    log_format: str | None,
    migrate: bool | None,
    graceful_timeout: int,
    worker_timeout: int,
    database_url: str | None,
    demo: bool | None,
) -> None:
    """Run the API server and the web interface (migrating the database first).

    Several --workers share the port; every setting reaches them through the
    environment. SIGTERM stops taking connections and lets requests in flight
    finish (up to --graceful-timeout). With --demo: seeds demo data on first run
    and prints an admin token.
    """
    from studiocore_http.serving import ServeOptions, run

    options = ServeOptions(
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy_headers,
        forwarded_allow_ips=forwarded_allow_ips,
        root_path=root_path,
        log_level=log_level,
        log_format=log_format,
        migrate=migrate,
        graceful_timeout=graceful_timeout,
        worker_timeout=worker_timeout,
    )
    settings = _settings(database_url, demo, migrate_on_start=migrate)
    settings = attrs.evolve(
        settings,
        log_level=log_level or settings.log_level,
        log_format=log_format or settings.log_format,
    )
    run(options, settings)


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@_database_url
def db_upgrade(database_url: str | None) -> None:
    """Migrate the database to the latest revision."""
    settings = _settings(database_url)
    with _database(settings) as database:
        database.upgrade()
    click.echo(f"Database {redact(_url_of(settings))} is at the latest revision.")


@main.command()
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of every random choice.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Reference day, YYYY-MM-DD: history before it, bookings from it (default: today).",
)
@_database_url
def demo(seed: int, today: datetime | None, database_url: str | None) -> None:
    """Seed the demo data set (once; a database with studios is left alone):
    eight weeks of history before --today, two weeks of bookings from it, and
    the same data for the same --seed and --today.

    Without STUDIOCORE_SECRET_KEYS the demo platforms' secrets are encrypted
    with the development key that `serve --demo` derives.
    """
    from studiocore_http.demo import seed_demo

    settings = _settings(database_url, demo=True)
    with _database(settings) as database:
        database.upgrade()
        summary = seed_demo(Services(database), today=today.date() if today else None, seed=seed)
    if summary.created:
        click.echo(summary.describe())
    else:
        click.echo("The database already has studios; demo data not seeded.")


@main.group()
def keys() -> None:
    """Encryption keys of the secrets stored at rest (platforms' api_config)."""


@keys.command("generate")
def keys_generate() -> None:
    """Print a new random Fernet key (nothing else on stdout).

    To rotate: put it first in STUDIOCORE_SECRET_KEYS, keep the old keys after
    it, restart the servers, run `studiocore keys rotate`, then drop the old keys.
    """
    from studiocore_sql import SecretBox

    click.echo(SecretBox.generate_key())


@keys.command("rotate")
@_database_url
def keys_rotate(database_url: str | None) -> None:
    """Re-encrypt every platform's api_config (and its audit entries) with the
    first key of STUDIOCORE_SECRET_KEYS, in one transaction. Values in clear,
    stored before encryption existed, are encrypted too."""
    settings = _settings(database_url)
    if not settings.secret_keys:
        raise click.ClickException(
            "STUDIOCORE_SECRET_KEYS is not set: list the new key first and every older key "
            "after it (comma-separated)"
        )
    with _database(settings) as database:
        database.upgrade()
        try:
            rotated = database.rotate_secrets()
        except StudioError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Re-encrypted the api_config of {rotated.platforms} platform(s) and "
        f"{rotated.audits} audit entry(ies) with the first key; keys after it in "
        "STUDIOCORE_SECRET_KEYS are no longer needed for them."
    )


@main.command()
@click.option(
    "--notifications-days",
    default=90,
    show_default=True,
    type=click.IntRange(1),
    help="Remove notifications read more than this many days ago (unread ones stay).",
)
@click.option(
    "--deliveries-days",
    default=30,
    show_default=True,
    type=click.IntRange(1),
    help="Remove webhook deliveries that ended (delivered or failed) more than this many "
    "days ago (pending ones stay).",
)
@_database_url
def prune(notifications_days: int, deliveries_days: int, database_url: str | None) -> None:
    """Remove for good what is kept only for a while: read notifications and
    finished webhook deliveries. Run it daily (cron, a systemd timer, a
    Kubernetes CronJob); each kind goes in one transaction."""
    settings = _settings(database_url)
    now = datetime.now(UTC)
    with _database(settings) as database:
        services = Services(database)
        notifications = services.notifications.prune(
            read_before=now - timedelta(days=notifications_days)
        )
        deliveries = services.webhooks.prune(finished_before=now - timedelta(days=deliveries_days))
    click.echo(
        f"Removed {notifications} notification(s) read more than {notifications_days} days ago "
        f"and {deliveries} webhook delivery(ies) that ended more than {deliveries_days} days ago."
    )


@main.command()
@click.option("--email", required=True, help="E-mail address of an existing user.")
@click.option(
    "--ttl-minutes",
    type=int,
    default=None,
    help="Lifetime (default: STUDIOCORE_TOKEN_TTL_MINUTES).",
)
@_database_url
@_demo
def token(email: str, ttl_minutes: int | None, database_url: str | None, demo: bool | None) -> None:
    """Print a bearer token for the user EMAIL (nothing else on stdout)."""
    from studiocore_http.auth import issue_token

    settings = _settings(database_url, demo)
    settings.signing_secret()
    with _database(settings) as database:
        try:
            user = Services(database).users.by_email(email)
        except NotFoundError:
            raise click.ClickException(f"no user with e-mail {email!r}") from None
    ttl = timedelta(minutes=ttl_minutes) if ttl_minutes else None
    sys.stdout.write(issue_token(settings, user.uid, ttl=ttl) + "\n")


main.add_command(users)
main.add_command(memberships)
main.add_command(worker)
