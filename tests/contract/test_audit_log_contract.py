"""The audit log (``AuditLog.add`` / ``add_many``), run against every adapter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import attrs
import pytest

from studiocore import Audit, ConflictError, PermissionDeniedError, User, new_uid
from studiocore.ports import Deleted
from tests.conftest import FreshDatabase
from tests.support.adapters import UowFactory


def _audit(uid: str | None = None) -> Audit:
    now = datetime.now(UTC)
    return Audit(
        uid=uid or new_uid("audit"),
        created_at=now,
        updated_at=now,
        action="create",
        recordable_uid=new_uid("studio"),
        recordable_type="studios",
        new_values={"name": "S"},
    )


def test_audits_are_visible_to_their_unit_of_work_and_durable_after_commit(
    fresh_db: FreshDatabase,
) -> None:
    db = fresh_db()
    entries = [_audit() for _ in range(3)]
    with db() as uow:
        uow.audits.add_many(entries[:2])
        uow.audits.add(entries[2])
        assert uow.audits.list() == entries
        assert uow.audits.count() == 3
        assert uow.audits.get(entries[1].uid) == entries[1]
    with db() as uow:
        assert uow.audits.count() == 3
    with db() as uow:
        uow.audits.add_many([_audit()])
        uow.rollback()
        assert uow.audits.count() == 3


def test_add_many_with_nothing_writes_nothing(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    with db() as uow:
        uow.audits.add_many([])
    with db() as uow:
        assert uow.audits.count() == 0


def test_audits_read_back_exactly_as_written(fresh_db: FreshDatabase) -> None:
    """The set-based write (one JSON recordset on PostgreSQL, multi-row inserts on
    SQLite) keeps every value: microseconds and offsets of times, nested and
    awkward JSON, missing values; and a batch larger than one chunk."""
    db = fresh_db()
    odd = datetime(2026, 3, 29, 1, 30, 0, 123456, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    user = User(uid=new_uid("user"), created_at=odd, updated_at=odd, email="a@b.c", name="A")
    entries = [
        attrs.evolve(
            _audit(),
            created_at=odd,
            updated_at=odd + timedelta(microseconds=1),
            user_uid=user.uid,
            old_values={"name": 'quote " backslash \\ tab \t', "n": [1, 2.5, None, True]},
            new_values=None,
            metadata={"nested": {"é": "ünïcode ✓", "empty": {}}},
        ),
        attrs.evolve(_audit(), old_values=None, new_values={"list": []}),
        *[_audit() for _ in range(2500)],
    ]
    with db() as uow:
        uow.users.add(user)
        uow.audits.add_many(entries)
    with db() as uow:
        stored = {a.uid: a for a in uow.audits.list()}
    assert len(stored) == len(entries)
    for entry in entries:
        assert stored[entry.uid] == attrs.evolve(
            entry,
            created_at=entry.created_at.astimezone(UTC),
            updated_at=entry.updated_at.astimezone(UTC),
        )


def _add_audits(db: UowFactory, entries: list[Audit]) -> None:
    with db() as uow:
        uow.audits.add_many(entries)


def test_a_duplicate_audit_uid_is_a_conflict_and_nothing_is_written(
    fresh_db: FreshDatabase,
) -> None:
    db = fresh_db()
    first = _audit()
    with db() as uow:
        uow.audits.add(first)
    with pytest.raises(ConflictError, match=first.uid):
        _add_audits(db, [_audit(), _audit(first.uid), _audit()])
    twice = _audit()
    with pytest.raises(ConflictError, match=twice.uid):
        _add_audits(db, [twice, _audit(), twice])
    with db() as uow:
        assert uow.audits.list() == [first]


def test_add_copies_appends_the_same_change_once_per_record(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    template = attrs.evolve(
        _audit(), action="status_change", old_values={"s": "draft"}, new_values={"s": "confirmed"}
    )
    records = [new_uid("show") for _ in range(1200)]
    with db() as uow:
        uow.audits.add_copies(template, records)
        uow.audits.add_copies(template, [])
    with db() as uow:
        stored = uow.audits.list(where={"action": "status_change"})
    assert sorted(a.recordable_uid for a in stored) == sorted(records)
    assert len({a.uid for a in stored}) == len(records)
    assert template.uid not in {a.uid for a in stored}
    assert {
        (a.old_values["s"], a.new_values["s"]) for a in stored if a.old_values and a.new_values
    } == {("draft", "confirmed")}
    assert all(a.metadata == template.metadata for a in stored)


def test_an_audit_entry_cannot_be_changed_or_deleted(fresh_db: FreshDatabase) -> None:
    db = fresh_db()
    entry = _audit()
    with db() as uow:
        uow.audits.add(entry)
    for changed in (
        attrs.evolve(entry, action="tampered"),
        attrs.evolve(entry, deleted_at=entry.created_at),
    ):
        with pytest.raises(PermissionDeniedError, match="append-only"), db() as uow:
            uow.audits.update(changed)
    with db() as uow:
        assert uow.audits.list(deleted=Deleted.INCLUDE) == [entry]
