"""The webhook outbox: claiming due deliveries with a lease.

On PostgreSQL the due rows are selected ``FOR UPDATE SKIP LOCKED``, so
workers in several processes claim disjoint batches without waiting for each
other; the lease (``locked_until``) is set in the same statement's
transaction, and once it commits the row is the claimer's until the lease
expires. On SQLite the unit of work already holds the write lock
(``BEGIN IMMEDIATE``), so claims are serialized.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from studiocore.entities import WebhookDelivery
from studiocore.lookups import DeliveryStatus
from studiocore_sql.repositories import SqlRepository

__all__ = ["SqlWebhookOutbox"]


class SqlWebhookOutbox(SqlRepository[WebhookDelivery]):
    """:class:`studiocore.ports.WebhookOutbox` over ``webhook_deliveries``."""

    def claim(self, *, now: datetime, lease_until: datetime, limit: int) -> list[WebhookDelivery]:
        session = self._session
        session.require_writable("claim webhook deliveries")
        t = self._table
        due = (
            sa.select(t.c.id)
            .where(
                t.c.status == DeliveryStatus.PENDING.value,
                t.c.next_attempt_at <= now,
                sa.or_(t.c.locked_until.is_(None), t.c.locked_until < now),
                t.c.deleted_at.is_(None),
            )
            .order_by(t.c.next_attempt_at, t.c.id)
            .limit(limit)
        )
        if session.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = [row[0] for row in self._execute(due).all()]
        if not ids:
            return []
        self._execute(sa.update(t).where(t.c.id.in_(ids)).values(locked_until=lease_until))
        session.wrote(t)
        claimed = self._entities(self._map.select.where(t.c.id.in_(ids)))
        claimed.sort(key=lambda d: (d.next_attempt_at or now, d.uid))
        return claimed
