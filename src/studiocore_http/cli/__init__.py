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
from datetime import datetime, timedelta

import click

from studiocore import NotFoundError, Services, StudioError
from studiocore_http.database import redact

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
@_database_url
@_demo
def serve(host: str, port: int, database_url: str | None, demo: bool | None) -> None:
    """Run the API server (migrates the database first).

    With --demo: seeds demo data on first run and prints an admin token.
    """
    import uvicorn

    from studiocore_http.app import create_app
    from studiocore_http.auth import issue_token
    from studiocore_http.demo import DEMO_ADMIN_EMAIL, demo_people, ensure_admin, seed_demo

    settings = _settings(database_url, demo)
    settings.signing_secret()
    base = f"http://{'localhost' if host in {'0.0.0.0', '::'} else host}:{port}"
    if settings.demo:
        with _database(settings) as database:
            database.upgrade()
            services = Services(database)
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
                click.echo(
                    f"{user.name} ({person.role}, {person.group}; {user.email}): {person.sees}"
                )
                click.echo(f"\n  {issue_token(settings, user.uid)}\n")
        click.echo(f'Try: curl -H "Authorization: Bearer <token>" {base}/api/v1/studios')
    click.echo(f"Database: {redact(_url_of(settings))}")
    click.echo(f"Web interface: {base}/   (sign in as any demo user with --demo)")
    click.echo(f"API docs: {base}/schema   (OpenAPI: {base}/schema/openapi.json)")
    app = create_app(settings)
    # One line per request comes from the app (STUDIOCORE_LOG_REQUESTS), not uvicorn.
    uvicorn.run(app, host=host, port=port, log_level="info", workers=1, access_log=False)


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
