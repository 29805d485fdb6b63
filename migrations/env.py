"""Alembic environment for studiocore.

Runs on the connection passed by :mod:`studiocore_sql.migrate` (``SqlDatabase.upgrade()``),
or, from the ``alembic`` command line, on ``STUDIOCORE_DATABASE_URL`` (default:
the SQLite file ``./studiocore.db``). ``render_as_batch`` keeps ALTERs working
on SQLite; PostgreSQL-only DDL is written with ``op.execute`` behind a dialect check.
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from alembic import context
from alembic.autogenerate.api import AutogenContext

from studiocore_sql.database import SqlDatabase, database_url_from_env
from studiocore_sql.tables import HAND_WRITTEN_DDL, metadata
from studiocore_sql.types import UTCDateTime

config = context.config


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render our column types as plain SQLAlchemy types in migration scripts."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    # PostgreSQL-only DDL written by hand: the room exclusion constraint (0001)
    # and the GiST expression index of the MC links (0004).
    return name not in HAND_WRITTEN_DDL


def _configure(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
        include_object=include_object,
    )


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or database_url_from_env(),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection: sa.Connection | None = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    db = SqlDatabase(config.get_main_option("sqlalchemy.url") or database_url_from_env())
    try:
        with db.engine.begin() as conn:
            _configure(conn)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        db.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
