"""studiocore_sql: persistence of studiocore on PostgreSQL and SQLite.

SQLAlchemy 2 Core tables (:mod:`studiocore_sql.tables`) with explicit row <->
entity mapping, repositories and a unit of work implementing
:mod:`studiocore.ports`, alembic migrations, and on PostgreSQL a database-enforced
guarantee against double booking. See docs/persistence.md.

>>> from studiocore import Services
>>> db = SqlDatabase("sqlite://")
>>> db.upgrade().changed  # migrates once, however many processes call it at once
True
>>> Services(db).studios.create("Seoul Main").name
'Seoul Main'
"""

from studiocore_sql import database
from studiocore_sql.database import *  # noqa: F403

__all__ = database.__all__
