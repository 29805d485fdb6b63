"""What every command shares: the common options, the settings and the
database they open (internal)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from studiocore_http.database import open_database
from studiocore_http.settings import ConfigError, Settings

if TYPE_CHECKING:
    from studiocore_sql import SqlDatabase

_database_url = click.option(
    "--database-url",
    default=None,
    help="SQLAlchemy URL (default: $STUDIOCORE_DATABASE_URL, else a local SQLite file).",
)
_demo = click.option(
    "--demo",
    is_flag=True,
    default=None,
    help="Demo mode: allow a derived development secret when none is configured.",
)


class _Commands(click.Group):
    """A group whose commands report a :class:`ConfigError` as one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from exc


def _settings(
    database_url: str | None, demo: bool | None = None, migrate_on_start: bool | None = None
) -> Settings:
    return Settings.from_env(
        database_url=database_url, demo=demo, migrate_on_start=migrate_on_start
    )


@contextmanager
def _database(settings: Settings) -> Iterator[SqlDatabase]:
    database = open_database(_url_of(settings), secret_keys=settings.storage_keys())
    try:
        yield database
    finally:
        database.dispose()


def _url_of(settings: Settings) -> str:
    from studiocore_sql import database_url_from_env

    return settings.database_url or database_url_from_env()
