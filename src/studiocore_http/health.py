"""What ``/health/ready`` reports: whether this process can serve requests now.

Ready means the database answers and its schema is at the code's migration
head. A configured read replica that does not answer makes the process
``degraded``, not unready: reads fall back on the primary, so taking every
process out of rotation for it would turn a replica outage into a full one.
A load balancer or an orchestrator's readiness probe asks ``/health/ready``
and stops sending traffic while it is 503; ``/health/live`` only says the
process answers (restart it when not).
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
    replica_lag_seconds: float | None = None
    """How far the replica's replay is behind the primary (``None``: unknown)."""

    @property
    def ready(self) -> bool:
        """Whether the process should take traffic."""
        return self.database and self.migrations == "current"

    @property
    def status(self) -> Literal["ok", "degraded", "unavailable"]:
        if not self.ready:
            return "unavailable"
        return "degraded" if self.replica == "unavailable" else "ok"


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


def sql_readiness(database: SqlDatabase) -> Callable[[], Readiness]:
    """Readiness of a SQL database: one query reads the schema's revision
    (so it also says the primary answers), one asks a configured read replica
    for its replay lag."""

    def check() -> Readiness:
        replica: Replica = "none"
        lag = None
        if database.replica is not None:
            answers, lag = database.replica.probe()
            replica = "ok" if answers else "unavailable"
        try:
            state = database.schema_state()
        except Exception:
            log.warning("health check: the database did not answer", exc_info=True)
            return Readiness(database=False, migrations="unknown", replica=replica)
        migrations: Migrations = (
            "current" if state.at_head else "ahead" if not state.known else "behind"
        )
        return Readiness(
            database=True, migrations=migrations, replica=replica, replica_lag_seconds=lag
        )

    return check
