"""The SQL database: the engine, its dialect strategy, and units of work.

>>> db = SqlDatabase("sqlite://")
>>> db.create_all()
>>> with db.unit_of_work() as uow:
...     uow.show_types.count()
3
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from studiocore.errors import UnavailableError
from studiocore_sql import ddl as _ddl  # noqa: F401 - attaches the hand-written DDL to the tables
from studiocore_sql import tables as t
from studiocore_sql.dialect_postgresql import PostgresDialect
from studiocore_sql.dialect_sqlite import SqliteDialect
from studiocore_sql.dialects import SqlDialect
from studiocore_sql.platforms import Rotation, rotate_secrets
from studiocore_sql.replica import (
    DatabaseHealth,
    ReplicaRouter,
    ReplicaUnitOfWork,
    primary_reads,
    reading_primary,
)
from studiocore_sql.secrets import SecretBox, secret_keys_from_env
from studiocore_sql.unit_of_work import SqlUnitOfWork

if TYPE_CHECKING:  # alembic is imported only when migrating
    from studiocore_sql.migrate import Migration, SchemaState

__all__ = [
    "DEFAULT_DATABASE_URL",
    "ENV_VAR",
    "REPLICA_ENV_VAR",
    "DatabaseHealth",
    "SecretBox",
    "SqlDatabase",
    "SqlUnitOfWork",
    "database_url_from_env",
    "primary_reads",
    "replica_url_from_env",
]

ENV_VAR = "STUDIOCORE_DATABASE_URL"
REPLICA_ENV_VAR = "STUDIOCORE_DATABASE_REPLICA_URL"
DEFAULT_DATABASE_URL = "sqlite:///./studiocore.db"

_DIALECTS: dict[str, type[SqlDialect]] = {d.name: d for d in (PostgresDialect, SqliteDialect)}
"""The supported databases, by SQLAlchemy backend name."""


def database_url_from_env(environ: Mapping[str, str] | None = None) -> str:
    """The database URL from ``STUDIOCORE_DATABASE_URL``, else a SQLite file
    ``./studiocore.db`` (nothing to install). A bare ``postgresql://`` URL is
    rewritten to use psycopg 3 (``postgresql+psycopg://``)."""
    env = os.environ if environ is None else environ
    url = env.get(ENV_VAR, "").strip() or DEFAULT_DATABASE_URL
    return normalize_url(url)


def replica_url_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    """The read replica's URL from ``STUDIOCORE_DATABASE_REPLICA_URL`` (normalized
    like :func:`database_url_from_env`), or ``None`` when it is not set."""
    env = os.environ if environ is None else environ
    url = env.get(REPLICA_ENV_VAR, "").strip()
    return normalize_url(url) if url else None


def normalize_url(url: str) -> str:
    """Make ``postgres://`` / ``postgresql://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class SqlDatabase:
    """A SQL database for studiocore: PostgreSQL (``postgresql+psycopg://...``)
    or SQLite (``sqlite:///path.db``). Call it (or :meth:`unit_of_work`) for a
    unit of work; pass it to :class:`studiocore.Services`.

    ``url`` defaults to :func:`database_url_from_env`. ``pool_size``,
    ``max_overflow``, ``pool_timeout`` (seconds to wait for a connection) and
    ``pool_recycle`` configure the connection pool. The pool keeps every
    connection it opens (up to ``pool_size``, opened as needed): an overflow
    connection is closed when it is returned, so a server whose concurrent
    units of work outnumber the kept connections would connect anew for a
    share of its requests; ``connect_timeout`` (seconds)
    bounds connecting to PostgreSQL and, on SQLite, how long a writer waits for
    the lock; ``connect_args`` go to the driver as is.

    ``secret_keys``: the Fernet keys that encrypt the platforms' ``api_config``
    values (the first encrypts, all decrypt), or a :class:`SecretBox`; ``None``
    reads the comma-separated ``STUDIOCORE_SECRET_KEYS``. Without a key a
    non-empty ``api_config`` cannot be stored. See docs/persistence.md.

    ``ping_idle_after``: a PostgreSQL connection that sat in the pool for this
    many seconds is pinged before a unit of work uses it, and replaced if the
    server dropped it; ``0`` pings on every checkout (SQLAlchemy's
    ``pool_pre_ping``), ``None`` never pings.

    ``replica_url``: a PostgreSQL streaming replica (hot standby) of the
    primary ``url``. :meth:`reader` (the use cases that only read) then
    connects to it, :meth:`unit_of_work` (every use case that writes, and the
    reads inside it) and migrations to the primary; the replica's engine has
    the same pool and connection options. When the replica does not answer,
    reads fall back on the primary and the replica is tried again after
    ``replica_retry_after`` seconds (:mod:`studiocore_sql.replica`). Without
    ``url`` both come from the environment (``STUDIOCORE_DATABASE_URL`` and
    ``STUDIOCORE_DATABASE_REPLICA_URL``); with ``url`` a replica is used only
    when given. A replica needs a PostgreSQL primary (``ValueError`` otherwise).
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        pool_size: int = 15,
        max_overflow: int = 0,
        pool_timeout: float = 30.0,
        pool_recycle: int = 3600,
        connect_timeout: float = 10.0,
        echo: bool = False,
        connect_args: Mapping[str, Any] | None = None,
        ping_idle_after: float | None = 1.0,
        secret_keys: Iterable[str | bytes] | SecretBox | None = None,
        replica_url: str | None = None,
        replica_retry_after: float = 5.0,
    ) -> None:
        if isinstance(secret_keys, SecretBox):
            self.secrets = secret_keys
        else:
            self.secrets = SecretBox(secret_keys_from_env() if secret_keys is None else secret_keys)
        if ping_idle_after is not None and ping_idle_after < 0:
            raise ValueError(f"ping_idle_after must be >= 0 or None, not {ping_idle_after!r}")
        if not url:
            replica_url = replica_url or replica_url_from_env()
        self.url = normalize_url(url) if url else database_url_from_env()
        parsed = make_url(self.url)
        backend = parsed.get_backend_name()
        if backend not in _DIALECTS:
            raise ValueError(f"unsupported database {backend!r}: use PostgreSQL or SQLite")
        self.dialect: SqlDialect = _DIALECTS[backend]()
        self.is_postgresql = backend == PostgresDialect.name
        self.is_sqlite = backend == SqliteDialect.name
        pool = {
            "pool_size": pool_size,
            "max_overflow": max_overflow,
            "pool_timeout": pool_timeout,
            "pool_recycle": pool_recycle,
        }
        args, options = self.dialect.engine_options(
            parsed, connect_timeout=connect_timeout, pool=pool
        )
        extra = dict(connect_args or {})
        if "options" in extra and "options" in args:
            extra["options"] = f"{args['options']} {extra['options']}"
        args.update(extra)
        self.engine: sa.Engine = sa.create_engine(self.url, connect_args=args, echo=echo, **options)
        self.dialect.prepare(self.engine, ping_idle_after=ping_idle_after)
        self.replica: ReplicaRouter | None = None
        """Where reads go when a replica is configured (``None``: no replica)."""
        if replica_url:
            engine_options = {"connect_args": args, "echo": echo, **options}
            self.replica = self._replica(
                normalize_url(replica_url),
                engine_options,
                ping_idle_after=ping_idle_after,
                retry_after=replica_retry_after,
            )

    def _replica(
        self,
        url: str,
        engine_options: dict[str, Any],
        *,
        ping_idle_after: float | None,
        retry_after: float,
    ) -> ReplicaRouter:
        backend = make_url(url).get_backend_name()
        if not self.is_postgresql or backend != PostgresDialect.name:
            raise ValueError(
                "replica_url: a read replica needs PostgreSQL for both the primary and the "
                f"replica (got {self.dialect.name} and {backend})"
            )
        engine = sa.create_engine(url, **engine_options)
        self.dialect.prepare(engine, ping_idle_after=ping_idle_after)
        return ReplicaRouter(engine, retry_after=retry_after)

    @property
    def replica_engine(self) -> sa.Engine | None:
        """The replica's engine (``None`` without a replica)."""
        return None if self.replica is None else self.replica.engine

    def __repr__(self) -> str:
        shown = self.engine.url.render_as_string(hide_password=True)
        if self.replica is None:
            return f"SqlDatabase({shown!r})"
        replica = self.replica.engine.url.render_as_string(hide_password=True)
        return f"SqlDatabase({shown!r}, replica_url={replica!r})"

    def unit_of_work(self) -> SqlUnitOfWork:
        """A new unit of work (one transaction) over this database."""
        return SqlUnitOfWork(self.engine, self.dialect, secrets=self.secrets)

    __call__ = unit_of_work

    def reader(self) -> SqlUnitOfWork:
        """A new read-only unit of work: no transaction round trips on
        PostgreSQL, no write lock on SQLite; writes raise
        :class:`~studiocore.ports.ReadOnlyError`. With a replica it reads from
        the replica (from the primary while the replica does not answer, or
        inside :func:`~studiocore_sql.replica.primary_reads`)."""
        if self.replica is not None and not reading_primary():
            return ReplicaUnitOfWork(self.replica, self.engine, self.dialect, secrets=self.secrets)
        return self.primary_reader()

    def primary_reader(self) -> SqlUnitOfWork:
        """A new read-only unit of work on the primary, replica or not: for a
        read that must see the latest commits (read-your-writes)."""
        return SqlUnitOfWork(self.engine, self.dialect, read_only=True, secrets=self.secrets)

    # -- schema -------------------------------------------------------------------------

    def upgrade(self, revision: str = "head") -> Migration:
        """Migrate the schema (alembic) to ``revision``; seeds the lookup tables.
        Safe to call from many processes at once: one migrates, the others wait
        for it and find nothing left to do (:mod:`studiocore_sql.migrate`)."""
        from studiocore_sql.migrate import upgrade

        return upgrade(self.engine, revision)

    def downgrade(self, revision: str) -> None:
        """Migrate the schema down to ``revision`` (``"base"``: drop everything)."""
        from studiocore_sql.migrate import downgrade

        downgrade(self.engine, revision)

    def current_revision(self) -> str | None:
        """The alembic revision the database is at (``None`` if never migrated)."""
        from studiocore_sql.migrate import current_revision

        return current_revision(self.engine)

    def schema_state(self) -> SchemaState:
        """How the schema compares with this code's migrations (at head, behind,
        or at a revision a newer studiocore made)."""
        from studiocore_sql.migrate import schema_state

        try:
            return schema_state(self.engine)
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
            raise UnavailableError(f"cannot connect to the database: {exc.orig}") from exc

    def create_all(self) -> None:
        """Create the schema straight from the table definitions and seed the
        lookup tables, without alembic (for throwaway databases; use
        :meth:`upgrade` for real ones)."""
        from studiocore_sql.seeds import insert_seed_rows

        with self.engine.begin() as conn:
            self.dialect.create_schema(conn, t.metadata)
            insert_seed_rows(conn)

    # -- operations ---------------------------------------------------------------------

    def rotate_secrets(self) -> Rotation:
        """Encrypt every platform's ``api_config`` (and the copies in the
        platforms' audit entries) anew with the first key, in one transaction;
        clear values left from before encryption are encrypted too. Afterwards
        the older keys can be removed. Says how many rows were rewritten."""
        with self.unit_of_work() as uow:
            return rotate_secrets(uow.session, self.secrets)

    def health(self) -> bool:
        """Whether the (primary) database answers a trivial query."""
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1")).scalar_one()
        except (sa.exc.SQLAlchemyError, OSError):
            return False
        return True

    def health_report(self) -> DatabaseHealth:
        """The primary and the replica checked separately (each is connected to
        now), with the replica's replay lag; see :class:`DatabaseHealth`. A
        replica found answering again takes reads back at once."""
        primary = self.health()
        if self.replica is None:
            return DatabaseHealth(primary=primary)
        replica, lag = self.replica.probe()
        return DatabaseHealth(
            primary=primary,
            replica=replica,
            replica_lag_seconds=lag,
            replica_in_use=not self.replica.is_down,
        )

    def dispose(self) -> None:
        """Close every pooled connection (the replica's too)."""
        self.engine.dispose()
        if self.replica is not None:
            self.replica.engine.dispose()
