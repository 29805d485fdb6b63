"""Opening the configured SQL database for the app factory and the CLI, with
errors a person can act on instead of a driver's traceback.

``studiocore_http`` does not import SQLAlchemy (only the SQL adapter does), so the
errors are recognised by what reaches this boundary: an ``ImportError`` while the
engine is built (the URL's driver is not installed; SQLAlchemy raises
``ModuleNotFoundError`` when it imports psycopg), any other error while the engine
is built (a malformed URL or an unknown dialect, SQLAlchemy's ``ArgumentError`` /
``NoSuchModuleError``; building an engine does no I/O, so nothing else can fail
there), and :class:`studiocore.UnavailableError`, which the SQL adapter raises
when a unit of work cannot connect.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from studiocore import UnavailableError

from .settings import ConfigError

if TYPE_CHECKING:
    from studiocore_sql import SqlDatabase

__all__ = ["DatabaseSetupError", "open_database", "prepare_schema", "redact"]

POSTGRES_INSTALL = 'pip install "studiocore[postgres]"'
_WHERE = "check STUDIOCORE_DATABASE_URL (or --database-url)"


class DatabaseSetupError(ConfigError):
    """The configured database cannot be used: its driver is missing, its URL is
    malformed, or its server does not answer. The message is one line saying what
    is wrong and what to do."""


def redact(url: str) -> str:
    """``url`` with its password replaced by ``***``."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _driver_missing(exc: ImportError, url: str) -> str:
    module = exc.name or "the database driver"
    if module.split(".")[0].startswith("psycopg"):
        return (
            f"the PostgreSQL driver ({module}) is not installed, so {url} cannot be "
            f"opened: {POSTGRES_INSTALL}"
        )
    return f"the driver {module} that {url} needs is not installed: pip install {module}"


def _is_postgresql(url: str) -> bool:
    return url.split(":", 1)[0].split("+", 1)[0] in ("postgres", "postgresql")


def open_database(
    url: str,
    *,
    secret_keys: Sequence[str] = (),
    check_reachable: bool = True,
    replica_url: str | None = None,
) -> SqlDatabase:
    """The SQL database at ``url``, encrypting secrets with ``secret_keys``;
    with ``check_reachable`` it is connected to once, so an unreachable server
    fails here rather than in the first request. ``replica_url``: a PostgreSQL
    streaming replica for the use cases that only read; one that does not
    answer at start is not an error (reads go to the primary until it does,
    and a warning is logged). Raises :class:`DatabaseSetupError`, or
    :class:`ConfigError` for a malformed key."""
    from studiocore_sql import SecretBox, SqlDatabase

    try:
        box = SecretBox(secret_keys)
    except ValueError as exc:
        raise ConfigError(f"STUDIOCORE_SECRET_KEYS: {exc}") from None
    shown = redact(url)
    if replica_url and not (_is_postgresql(url) and _is_postgresql(replica_url)):
        raise DatabaseSetupError(
            f"STUDIOCORE_DATABASE_REPLICA_URL: a read replica needs PostgreSQL for both the "
            f"database ({shown}) and the replica ({redact(replica_url)}); unset it to read "
            "from the database itself"
        )
    try:
        database = SqlDatabase(url, secret_keys=box, replica_url=replica_url)
    except ImportError as exc:
        raise DatabaseSetupError(_driver_missing(exc, shown)) from exc
    except Exception as exc:  # see the module docstring: a configuration error
        where = _WHERE
        if replica_url:
            shown = f"{shown} (or its replica {redact(replica_url)})"
            where += " and STUDIOCORE_DATABASE_REPLICA_URL"
        raise DatabaseSetupError(
            f"cannot use the database URL {shown}: {_one_line(str(exc))}; {where}"
        ) from exc
    if check_reachable:
        try:
            with database.primary_reader():
                pass
        except UnavailableError as exc:
            database.dispose()
            parsed = database.engine.url
            where = f"{parsed.host}:{parsed.port or 5432}" if parsed.host else shown
            reason = _one_line(exc.message).removeprefix("cannot connect to the database: ")
            raise DatabaseSetupError(
                f"cannot reach the database at {where} ({reason}); start the server, "
                f"or {_WHERE} if it lives elsewhere"
            ) from exc
        if database.replica is not None:
            database.replica.probe()  # logs a warning when it does not answer
    return database


def prepare_schema(database: SqlDatabase, *, migrate: bool) -> str:
    """Bring the schema to the code's head (``migrate``) or check that it is
    there; returns one line saying what was done. Raises
    :class:`DatabaseSetupError` when the database cannot be served by this
    code: behind the code's migrations without ``migrate``, or at a revision a
    newer studiocore made. Concurrent callers are safe: migrations take a lock
    (:mod:`studiocore_sql.migrate`), so the first migrates and the rest find
    the schema at head. :class:`studiocore.UnavailableError` when the server
    does not answer."""
    state = database.schema_state()
    if not state.known or (not migrate and not state.at_head):
        raise DatabaseSetupError(state.describe())
    if not migrate:
        return state.describe()
    done = database.upgrade()
    if done.changed:
        return f"migrated the database schema from {done.before or 'empty'} to {done.after}"
    return f"the database schema is already at the code's revision {done.after}"
