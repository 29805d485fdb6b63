"""The audit trail: append-only, written set-based.

:meth:`SqlAuditLog.add_many` writes every entry in one statement per batch
(:meth:`~studiocore_sql.dialects.SqlDialect.insert_many`: one
``jsonb_to_recordset`` statement whatever the count on PostgreSQL, multi-row
``INSERT`` statements of 1000 rows on SQLite). A use case that records its
audits once, at the end, pays one round trip for them.

The entries of a table with secrets (:data:`~studiocore_sql.secrets.SECRET_FIELDS`:
a platform's ``api_config``) store that field sealed in ``old_values`` and
``new_values``, as the table itself does, and are opened when read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from studiocore.entities import Audit, Entity
from studiocore.errors import ConflictError, PermissionDeniedError
from studiocore.ids import new_uids
from studiocore.ports import APPEND_ONLY, Where
from studiocore_sql.mapping import EntityMap
from studiocore_sql.repositories import SqlRepository, by_name
from studiocore_sql.secrets import SECRET_FIELDS, SecretBox
from studiocore_sql.session import SqlSession

__all__ = ["SqlAuditLog"]


class SqlAuditLog(SqlRepository[Audit]):
    """:class:`studiocore.ports.AuditLog` over the ``audits`` table."""

    def __init__(self, session: SqlSession, emap: EntityMap, box: SecretBox) -> None:
        super().__init__(session, emap)
        self._box = box

    def _row_loader(self, keys: tuple[str, ...]) -> Callable[[Sequence[Any]], Entity]:
        return by_name(keys, self._open_row)

    def _open_row(self, row: Mapping[str, Any]) -> Entity:
        field = SECRET_FIELDS.get(row["recordable_type"])
        if field is None:
            return self._map.to_entity(row)
        record = f"audit {row['uid']!r} of {row['recordable_type']} {row['recordable_uid']!r}"
        values = dict(row)
        for column in ("old_values", "new_values"):
            values[column] = self._box.open_in(values[column], field, record)
        return self._map.to_entity(values)

    def _values(self, entity: Audit) -> dict[str, Any]:
        values = super()._values(entity)
        field = SECRET_FIELDS.get(entity.recordable_type)
        if field is not None:
            for column in ("old_values", "new_values"):
                values[column] = self._box.seal_in(values[column], field)
        return values

    def update(self, entity: Audit) -> None:
        raise PermissionDeniedError(APPEND_ONLY, action="write", resource="audits")

    def purge(self, *, where: Where) -> int:
        raise PermissionDeniedError(APPEND_ONLY, action="write", resource="audits")

    def add(self, entity: Audit) -> None:
        self.add_many([entity])

    def add_many(self, entries: Sequence[Audit]) -> None:
        """All or nothing: a uid that exists already (or twice among ``entries``)
        is a :class:`ConflictError`, and none of ``entries`` is kept."""
        if not entries:
            return
        self._session.require_writable("write to audits")
        for entry in entries:
            self._check_type(entry)
        rows = [self._values(entry) for entry in entries]
        inserted = self._session.dialect.insert_many(self._session, self._table, rows)
        if len(inserted) != len(rows):
            raise self._refused(rows, inserted)

    def add_copies(self, entry: Audit, recordable_uids: Sequence[str]) -> None:
        """:meth:`add_many` of the copies in one statement that carries the
        entry's values once (no entity and no row per copy: the entry was
        validated once). The copies' uids are made here, so none can exist."""
        if not recordable_uids:
            return
        self._session.require_writable("write to audits")
        self._check_type(entry)
        uids = new_uids(Audit.PREFIX, len(recordable_uids))
        varying = {"uid": uids, "recordable_uid": list(recordable_uids)}
        self._session.dialect.insert_copies(
            self._session, self._table, self._values(entry), varying
        )

    def _refused(self, rows: Sequence[Mapping[str, object]], inserted: list[str]) -> ConflictError:
        """The error naming the first entry a partly refused :meth:`add_many`
        did not insert. The rows it did insert cannot be taken back (the trail
        refuses every DELETE), so the unit of work is marked failed: it rolls
        back instead of committing, and nothing is kept."""
        written = set(inserted)
        seen: set[object] = set()
        refused: object = None
        for row in rows:
            uid = row["uid"]
            if uid not in written or uid in seen:
                refused = uid
                break
            seen.add(uid)
        self._session.failed = True
        return ConflictError(f"Audit {refused!r} already exists")
