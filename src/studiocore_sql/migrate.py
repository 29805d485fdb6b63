"""Alembic, driven from Python: the migration scripts live in ``migrations/``
(shipped inside the wheel as ``studiocore_sql/_migrations``), and the
configuration is built here, so no ``alembic.ini`` is needed at run time."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

__all__ = [
    "alembic_config",
    "current_revision",
    "downgrade",
    "head_revision",
    "script_location",
    "upgrade",
]


def script_location() -> Path:
    """Where the migration scripts are: packaged next to this module when
    installed from a wheel, else ``migrations/`` of the source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_migrations", here.parents[1] / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("studiocore_sql: cannot find the alembic migrations directory")


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An alembic configuration; with ``connection``, migrations run on it."""
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Upgrade the database of ``engine`` to ``revision`` in one transaction."""
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)


def downgrade(engine: sa.Engine, revision: str) -> None:
    """Downgrade the database of ``engine`` to ``revision`` in one transaction."""
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)


def current_revision(engine: sa.Engine) -> str | None:
    """The revision the database is at, or ``None``."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest revision of the migration scripts."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
