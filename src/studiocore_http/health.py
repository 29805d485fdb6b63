"""What ``/health/ready`` reports: whether this process can serve requests now.

Ready means the database answers, its schema is at the code's migration head,
and a configured read replica answers. A load balancer or an orchestrator's
readiness probe asks ``/health/ready`` and stops sending traffic while it is
503; ``/health/live`` only says the process answers (restart it when not).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

import attrs

from studiocore import Services

if TYPE_CHECKING:
    from studiocore_sql import SqlDatabase

__all__ = ["Readiness", "probe_readiness", "sql_readiness"]

log = logging.getLogger("studiocore_http.health")

Migrations = Literal["current", "behind", "ahead", "unknown"]
Replica = Literal["ok", "unavailable", "none"]


@attrs.frozen
class Readiness:
    database: bool
    """The primary database answers."""
    migrations: Migrations
    """``current``: at the code's head; ``behind``: needs ``studiocore db upgrade``;
    ``ahead``: a newer studiocore migrated it; ``unknown``: not asked (no answer)."""
    replica: Replica = "none"
    """The read replica: ``none`` when none is configured."""

    @property
    def ready(self) -> bool:
        return self.database and self.migrations == "current" and self.replica != "unavailable"


def probe_readiness(services: Services) -> Callable[[], Readiness]:
    """Readiness of services without a SQL database of ours (injected, e.g.
    in-memory): a trivial read answers, and there are no migrations."""

    def check() -> Readiness:
        try:
            services.users.page(limit=1)
        except Exception:
            log.exception("health check: the database did not answer")
            return Readiness(database=False, migrations="unknown")
        return Readiness(database=True, migrations="current")

    return check


def sql_readiness(
    database: SqlDatabase, replica: Callable[[], bool] | None = None
) -> Callable[[], Readiness]:
    """Readiness of a SQL database: one query reads the schema's revision
    (so it also says the database answers); ``replica`` says whether a
    configured read replica answers."""
    from studiocore_sql.migrate import schema_state

    def check() -> Readiness:
        replica_state: Replica = "none" if replica is None else "ok" if replica() else "unavailable"
        try:
            state = schema_state(database.engine)
        except Exception:
            log.warning("health check: the database did not answer", exc_info=True)
            return Readiness(database=False, migrations="unknown", replica=replica_state)
        migrations: Migrations = (
            "current" if state.at_head else "ahead" if not state.known else "behind"
        )
        return Readiness(database=True, migrations=migrations, replica=replica_state)

    return check
