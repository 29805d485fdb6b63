"""The ``studiocore`` command line (in-process with click's runner)."""

from __future__ import annotations

import socket
import sys
from datetime import date
from pathlib import Path

import jwt
import pytest
from click.testing import CliRunner

from studiocore import Services, Severity, UserRole
from studiocore_http import Settings
from studiocore_http.cli import main
from studiocore_http.demo import seed_demo
from studiocore_sql import SqlDatabase

from .conftest import SECRET
from .test_demo import fingerprint


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "STUDIOCORE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "STUDIOCORE_JWT_SECRET": SECRET,
    }


def _services(env: dict[str, str]) -> tuple[SqlDatabase, Services]:
    db = SqlDatabase(env["STUDIOCORE_DATABASE_URL"])
    return db, Services(db)


def test_create_admin_is_idempotent_and_promotes_an_existing_user(env: dict[str, str]) -> None:
    runner = CliRunner()
    first = runner.invoke(
        main, ["users", "create-admin", "--email", "Boss@X.io", "--name", "B"], env=env
    )
    assert first.exit_code == 0, first.output
    again = runner.invoke(
        main, ["users", "create-admin", "--email", "boss@x.io", "--name", "B"], env=env
    )
    assert again.exit_code == 0
    assert first.stdout.strip() == again.stdout.strip()
    db, services = _services(env)
    try:
        [user] = services.users.list()
        assert (user.uid, user.role) == (first.stdout.strip(), UserRole.ADMIN)
        plain = services.users.create("plain@x.io", "Plain")
    finally:
        db.dispose()
    promoted = runner.invoke(
        main, ["users", "create-admin", "--email", "plain@x.io", "--name", "P"], env=env
    )
    assert promoted.stdout.strip() == plain.uid
    db, services = _services(env)
    try:
        assert services.users.get(plain.uid).role is UserRole.ADMIN
    finally:
        db.dispose()


def test_token_prints_only_a_token_for_the_user(env: dict[str, str]) -> None:
    runner = CliRunner()
    uid = runner.invoke(
        main, ["users", "create-admin", "--email", "a@x.io", "--name", "A"], env=env
    ).stdout.strip()
    result = runner.invoke(main, ["token", "--email", "a@x.io"], env=env)
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 1
    claims = jwt.decode(result.stdout.strip(), SECRET, algorithms=["HS256"], issuer="studiocore")
    assert claims["sub"] == uid


def test_token_fails_for_unknown_users_and_without_a_secret(env: dict[str, str]) -> None:
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade"], env=env)
    unknown = runner.invoke(main, ["token", "--email", "nobody@x.io"], env=env)
    assert unknown.exit_code == 1
    assert unknown.stdout == ""
    assert "nobody@x.io" in unknown.stderr
    no_secret = {**env, "STUDIOCORE_JWT_SECRET": ""}
    refused = runner.invoke(main, ["token", "--email", "a@x.io"], env=no_secret)
    assert refused.exit_code == 1
    assert "STUDIOCORE_JWT_SECRET" in refused.stderr


def test_serve_refuses_to_start_without_a_secret(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["serve"], env={**env, "STUDIOCORE_JWT_SECRET": ""})
    assert result.exit_code == 1
    assert "STUDIOCORE_JWT_SECRET" in result.stderr


def test_demo_seeds_once(env: dict[str, str]) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["demo", "--seed", "1", "--today", "2026-01-05"], env=env)
    assert first.exit_code == 0, first.output
    # the same data as in memory with the same seed and day, whatever the adapter
    in_memory = Services.in_memory()
    summary = seed_demo(in_memory, today=date(2026, 1, 5), seed=1)
    assert summary.describe() in first.stdout
    assert "2 studios" in first.stdout
    assert "the peak day 2025-" in first.stdout  # in the eight weeks before 5 January
    second = runner.invoke(main, ["demo"], env=env)
    assert "not seeded" in second.stdout
    url = env["STUDIOCORE_DATABASE_URL"]  # platforms read with the demo's derived key
    db = SqlDatabase(url, secret_keys=Settings(demo=True, database_url=url).storage_keys())
    services = Services(db)
    try:
        assert services.studios.page().total == 2
        assert services.studio_rooms.page().total == 5
        assert services.shows.search(limit=1).total == summary.shows
        assert services.schedules.page().total == 2
        assert fingerprint(services) == fingerprint(in_memory)
        assert {c.severity for c in services.scheduling.conflicts()} == {Severity.WARN}
    finally:
        db.dispose()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: connecting to it is refused


@pytest.mark.parametrize("command", [["serve"], ["db", "upgrade"]])
def test_an_unreachable_database_is_one_line_saying_what_to_check_not_a_traceback(
    command: list[str], env: dict[str, str]
) -> None:
    port = _closed_port()
    url = f"postgresql://studiocore:secret@127.0.0.1:{port}/studiocore"
    result = CliRunner().invoke(main, [*command, "--database-url", url], env=env)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception  # no escaped error
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: cannot reach the database")
    assert f"127.0.0.1:{port}" in line
    assert "STUDIOCORE_DATABASE_URL" in line
    assert "secret" not in line
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [["serve"], ["db", "upgrade"]])
def test_a_postgresql_url_without_the_driver_says_how_to_install_it(
    command: list[str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # `import psycopg` now fails
    url = f"postgresql://studiocore@127.0.0.1:{_closed_port()}/studiocore"
    result = CliRunner().invoke(main, [*command, "--database-url", url], env=env)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    [line] = result.stderr.strip().splitlines()
    assert "psycopg" in line
    assert 'pip install "studiocore[postgres]"' in line
