"""Secrets at rest in rows: the platforms repository and the key rotation.

:class:`SqlPlatformRepository` is the generic repository with two hooks: the
row it writes carries ``api_config`` sealed by the database's
:class:`~studiocore_sql.secrets.SecretBox`, and the rows it reads are opened
before the entity is built, so the core only ever sees clear values. The audit
log (:mod:`studiocore_sql.audits`) seals the same field in the entries of
platforms. :func:`rotate_secrets` re-encrypts all of it with the first key
(``studiocore keys rotate``). See docs/persistence.md, "Secrets at rest".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa

from studiocore.entities import Entity, Platform
from studiocore.errors import ValidationError
from studiocore_sql import tables as t
from studiocore_sql.ddl import AUDITS_GUARD_OFF, AUDITS_GUARD_ON
from studiocore_sql.mapping import MAPS
from studiocore_sql.repositories import SqlRepository, by_name
from studiocore_sql.secrets import SECRET_FIELDS, SecretBox
from studiocore_sql.session import SqlSession

__all__ = ["Rotation", "SqlPlatformRepository", "rotate_secrets"]

SECRET_FIELD = SECRET_FIELDS[Platform.TABLE]
ROTATION_BATCH = 500
"""Rows read and rewritten per statement by :func:`rotate_secrets`."""


def _record(uid: object) -> str:
    return f"platform {uid!r}"


class SqlPlatformRepository(SqlRepository[Platform]):
    """:class:`~studiocore_sql.repositories.SqlRepository` of platforms whose
    ``api_config`` values are stored encrypted."""

    def __init__(self, session: SqlSession, box: SecretBox) -> None:
        super().__init__(session, MAPS[Platform])
        self._box = box

    def _row_loader(self, keys: tuple[str, ...]) -> Callable[[Sequence[Any]], Entity]:
        return by_name(keys, self._open_row)

    def _open_row(self, row: Mapping[str, Any]) -> Entity:
        values = dict(row)
        values[SECRET_FIELD] = self._box.open(values[SECRET_FIELD], _record(values["uid"]))
        return self._map.to_entity(values)

    def _values(self, entity: Platform) -> dict[str, Any]:
        values = super()._values(entity)
        values[SECRET_FIELD] = self._box.seal(values[SECRET_FIELD], SECRET_FIELD)
        return values

    def _condition(self, name: str, expected: object) -> sa.ColumnElement[bool]:
        if name == SECRET_FIELD:  # ciphertext is randomised: equality can never match
            raise ValidationError(f"where.{name}", "platforms cannot be filtered by api_config")
        return super()._condition(name, expected)


@attrs.frozen
class Rotation:
    """What :func:`rotate_secrets` rewrote."""

    platforms: int
    audits: int


def rotate_secrets(session: SqlSession, box: SecretBox, *, batch: int = ROTATION_BATCH) -> Rotation:
    """Encrypt every platform's ``api_config`` (deleted ones too) and the
    ``api_config`` in the platforms' audit entries anew with the first key of
    ``box``: envelopes are decrypted with any key, clear values written before
    encryption are encrypted. Rows are read and rewritten ``batch`` at a time,
    in the session's transaction; ``updated_at`` is left alone (nothing
    changed for the core)."""
    if not box.configured:
        raise ValidationError(SECRET_FIELD, "cannot rotate: no encryption key is configured")

    def platform(row: sa.Row[Any]) -> dict[str, Any] | None:
        config = row.api_config
        return {"api_config": box.reseal(config, _record(row.uid))} if config else None

    def audit(row: sa.Row[Any]) -> dict[str, Any] | None:
        record = f"audit {row.uid!r} of {_record(row.recordable_uid)}"
        values = {}
        for column in ("old_values", "new_values"):
            opened = box.open_in(row._mapping[column], SECRET_FIELD, record)
            if opened is not row._mapping[column]:
                values[column] = box.seal_in(opened, SECRET_FIELD)
        return values or None

    audits = t.audits
    return Rotation(
        platforms=_rewrite(
            session,
            t.platforms,
            columns=("uid", "api_config"),
            condition=None,
            change=platform,
            batch=batch,
        ),
        audits=_resealing_audits(
            session,
            lambda: _rewrite(
                session,
                audits,
                columns=("uid", "recordable_uid", "old_values", "new_values"),
                condition=audits.c.recordable_type == Platform.TABLE,
                change=audit,
                batch=batch,
            ),
        ),
    )


def _resealing_audits(session: SqlSession, rewrite: Callable[[], int]) -> int:
    """Run ``rewrite`` with the audit trail's UPDATE guard lifted, in this
    transaction only (see :data:`~studiocore_sql.ddl.AUDITS_GUARD_OFF`)."""
    name = session.dialect.name
    for statement in AUDITS_GUARD_OFF[name]:
        session.execute(sa.text(statement))
    rewritten = rewrite()
    for statement in AUDITS_GUARD_ON[name]:
        session.execute(sa.text(statement))
    return rewritten


def _rewrite(
    session: SqlSession,
    table: sa.Table,
    *,
    columns: tuple[str, ...],
    condition: sa.ColumnElement[bool] | None,
    change: Callable[[sa.Row[Any]], dict[str, Any] | None],
    batch: int,
) -> int:
    """Read ``table`` by id, ``batch`` rows at a time, and write back the new
    values ``change`` gives (``None``: leave the row); the rows rewritten."""
    read = (
        sa.select(table.c.id, *(table.c[name] for name in columns))
        .where(table.c.id > sa.bindparam("after"))
        .order_by(table.c.id)
        .limit(batch)
    )
    if condition is not None:
        read = read.where(condition)
    rewritten = 0
    after = 0
    while True:
        rows = session.execute(read, {"after": after}).all()
        if not rows:
            return rewritten
        after = rows[-1].id
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            values = change(row)
            if values is not None:
                by_columns.setdefault(tuple(values), []).append({"row_id": row.id, **values})
        for names, params in by_columns.items():
            write = (
                sa.update(table)
                .where(table.c.id == sa.bindparam("row_id"))
                .values({name: sa.bindparam(name, type_=table.c[name].type) for name in names})
            )
            session.execute(write, params)
            rewritten += len(params)
