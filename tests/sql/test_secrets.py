"""Secrets at rest: a platform's ``api_config`` values are stored encrypted
(docs/persistence.md, "Secrets at rest"), on SQLite and PostgreSQL.

The databases of ``sql_db`` encrypt with ``TEST_SECRET_KEY``; other key sets
open the same database through a second :class:`SqlDatabase` on its URL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from studiocore import Platform, Services, UnavailableError, ValidationError
from studiocore.ports import Deleted
from studiocore_sql import SecretBox, SqlDatabase
from studiocore_sql.secrets import ENVELOPE, UndecryptableSecretError, secret_keys_from_env
from tests.support.builders import make
from tests.support.keys import OTHER_SECRET_KEY, TEST_SECRET_KEY

SECRETS: dict[str, Any] = {
    "api_key": "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "retries": 3,
    "scopes": ["read", "write-sk_scope"],
    "nested": {"client_secret": "cs_nested_value"},
}
CLEAR_TEXTS = ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "write-sk_scope", "cs_nested_value")


@contextmanager
def opened(db: SqlDatabase, keys: Sequence[str]) -> Iterator[SqlDatabase]:
    """The same database as ``db``, with other keys."""
    other = SqlDatabase(db.url, secret_keys=keys)
    try:
        yield other
    finally:
        other.dispose()


def raw_rows(db: SqlDatabase, table: str) -> list[dict[str, Any]]:
    """Every row of ``table`` exactly as stored (no type processing)."""
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text(f"SELECT * FROM {table}")).mappings().all()
    return [dict(row) for row in rows]


def stored_config(db: SqlDatabase, uid: str) -> dict[str, Any]:
    [row] = [r for r in raw_rows(db, "platforms") if r["uid"] == uid]
    config = row["api_config"]
    parsed: dict[str, Any] = json.loads(config) if isinstance(config, str) else config
    return parsed


def add_platform(db: SqlDatabase, api_config: dict[str, Any]) -> Platform:
    platform: Platform = make(Platform, name="Twitch", api_config=api_config)
    with db.unit_of_work() as uow:
        uow.platforms.add(platform)
    return platform


def test_a_platform_with_secrets_reads_back_equal_through_every_read(sql_db: SqlDatabase) -> None:
    platform = add_platform(sql_db, SECRETS)
    with sql_db.reader() as uow:
        assert uow.platforms.get(platform.uid) == platform
        assert uow.platforms.get_many([platform.uid]) == {platform.uid: platform}
        assert uow.platforms.list() == [platform]
    changed = attrs.evolve(platform, api_config={"api_key": "sk_new"})
    with sql_db.unit_of_work() as uow:
        uow.platforms.update(changed)
    with sql_db.reader() as uow:
        assert uow.platforms.get(platform.uid).api_config == {"api_key": "sk_new"}


def test_the_stored_row_holds_only_ciphertext_under_readable_keys(sql_db: SqlDatabase) -> None:
    platform = add_platform(sql_db, SECRETS)
    stored = stored_config(sql_db, platform.uid)
    assert sorted(stored) == sorted(SECRETS)  # an admin sees which settings exist
    for value in stored.values():
        assert list(value) == [ENVELOPE]
        assert value[ENVELOPE].startswith("gAAAAA")  # a Fernet token
    row_text = repr(raw_rows(sql_db, "platforms"))
    for clear in CLEAR_TEXTS:
        assert clear not in row_text


def test_audit_entries_of_platforms_hold_only_ciphertext_and_read_back_clear(
    sql_db: SqlDatabase,
) -> None:
    services = Services(sql_db)
    platform = services.platforms.create("YouTube", api_config=SECRETS)
    services.platforms.update(platform.uid, {"api_config": {"api_key": "sk_live_rotated_9"}})
    audit_text = repr(raw_rows(sql_db, "audits"))
    for clear in (*CLEAR_TEXTS, "sk_live_rotated_9"):
        assert clear not in audit_text
    assert "YouTube" in audit_text  # the rest of the entry is stored as it was
    with sql_db.reader() as uow:
        entries = uow.audits.list(where={"recordable_uid": platform.uid})
    by_action = {entry.action: entry for entry in entries}
    assert by_action["create"].new_values is not None
    assert by_action["create"].new_values["api_config"] == SECRETS
    assert by_action["update"].old_values == {"api_config": SECRETS}
    assert by_action["update"].new_values == {"api_config": {"api_key": "sk_live_rotated_9"}}


def test_data_written_with_one_key_is_readable_after_rotation_with_the_new_key_only(
    sql_db: SqlDatabase,
) -> None:
    services = Services(sql_db)
    platform = services.platforms.create("YouTube", api_config=SECRETS)
    services.platforms.delete(platform.uid)  # deleted platforms are rotated too
    before = stored_config(sql_db, platform.uid)
    with opened(sql_db, [OTHER_SECRET_KEY, TEST_SECRET_KEY]) as both:
        with both.reader() as uow:
            assert uow.platforms.get(platform.uid, include_deleted=True).api_config == SECRETS
        rotated = both.rotate_secrets()
    assert (rotated.platforms, rotated.audits) == (1, 1)  # the create entry carries it
    after = stored_config(sql_db, platform.uid)
    assert sorted(after) == sorted(before)
    assert all(after[k] != before[k] for k in before)
    with opened(sql_db, [OTHER_SECRET_KEY]) as new_only, new_only.reader() as uow:
        [found] = uow.platforms.list(deleted=Deleted.ONLY)
        assert found.api_config == SECRETS
        [entry] = uow.audits.list(where={"recordable_uid": platform.uid, "action": "create"})
        assert entry.new_values is not None
        assert entry.new_values["api_config"] == SECRETS
    old_key_only = pytest.raises(UndecryptableSecretError, match=platform.uid)
    with old_key_only, sql_db.reader() as uow:  # the old key is now useless
        uow.platforms.list(deleted=Deleted.INCLUDE)


def test_without_a_key_a_secret_is_refused_naming_the_field_and_nothing_is_written(
    sql_db: SqlDatabase,
) -> None:
    with opened(sql_db, []) as keyless:
        services = Services(keyless)
        with pytest.raises(ValidationError) as refused:
            services.platforms.create("YouTube", api_config={"api_key": "sk_live_x"})
        assert refused.value.field == "api_config"
        assert "no encryption key is configured" in refused.value.reason
        assert "STUDIOCORE_SECRET_KEYS" in refused.value.reason
        assert raw_rows(keyless, "platforms") == []
        assert raw_rows(keyless, "audits") == []
        plain = services.platforms.create("Empty", api_config={})  # nothing to protect
        assert services.platforms.get(plain.uid).api_config == {}


def test_a_secret_that_no_configured_key_opens_is_a_clear_error_naming_the_platform(
    sql_db: SqlDatabase,
) -> None:
    platform = add_platform(sql_db, SECRETS)
    for keys, reason in (
        ([OTHER_SECRET_KEY], "none of the 1 configured key"),
        ([], "no encryption key"),
    ):
        failing = pytest.raises(UndecryptableSecretError)
        with opened(sql_db, keys) as wrong, failing as failed, wrong.reader() as uow:
            uow.platforms.get(platform.uid)
        assert isinstance(failed.value, UnavailableError)  # a domain error, 503 over HTTP
        assert f"platform {platform.uid!r}" in str(failed.value)
        assert reason in str(failed.value)


def test_clear_values_from_before_encryption_are_read_and_then_encrypted_by_rotation(
    sql_db: SqlDatabase,
) -> None:
    platform = add_platform(sql_db, {})
    legacy = {"api_key": "sk_live_legacy_clear", "region": "kr"}
    with sql_db.engine.begin() as conn:
        table = sa.table("platforms", sa.column("uid"), sa.column("api_config", sa.JSON))
        conn.execute(sa.update(table).where(table.c.uid == platform.uid).values(api_config=legacy))
    with sql_db.reader() as uow:
        assert uow.platforms.get(platform.uid).api_config == legacy
    assert sql_db.rotate_secrets().platforms == 1
    assert "sk_live_legacy_clear" not in repr(raw_rows(sql_db, "platforms"))
    assert all(list(v) == [ENVELOPE] for v in stored_config(sql_db, platform.uid).values())
    with sql_db.reader() as uow:
        assert uow.platforms.get(platform.uid).api_config == legacy


def test_rotation_needs_a_key_and_platforms_cannot_be_filtered_by_their_secrets(
    sql_db: SqlDatabase,
) -> None:
    with opened(sql_db, []) as keyless, pytest.raises(ValidationError, match="no encryption key"):
        keyless.rotate_secrets()
    with sql_db.reader() as uow, pytest.raises(ValidationError) as refused:
        uow.platforms.list(where={"api_config": SECRETS})
    assert refused.value.field == "where.api_config"


def test_the_secret_box_round_trips_any_json_value_and_rejects_bad_keys() -> None:
    box = SecretBox([Fernet.generate_key()])
    tricky = {"looks_sealed": {ENVELOPE: "not a token"}, "null": None, "n": 1.5, "s": "x"}
    sealed = box.seal(tricky)
    assert box.open(sealed, "platform 'p'") == tricky
    assert sealed["looks_sealed"] != tricky["looks_sealed"]
    assert SecretBox().seal({}) == {}
    with pytest.raises(ValueError, match="secret key 2 is not a Fernet key"):
        SecretBox([TEST_SECRET_KEY, "too-short"])
    assert secret_keys_from_env({"STUDIOCORE_SECRET_KEYS": f" {TEST_SECRET_KEY}, ,b "}) == (
        TEST_SECRET_KEY,
        "b",
    )
    assert secret_keys_from_env({}) == ()
