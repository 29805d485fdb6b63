"""The ``studiocore`` command line (in-process with click's runner)."""

from __future__ import annotations

from pathlib import Path

import jwt
import pytest
from click.testing import CliRunner

from studiocore import Services, UserRole
from studiocore_http.cli import main
from studiocore_sql import SqlDatabase

from .conftest import SECRET


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
    first = runner.invoke(main, ["demo"], env=env)
    assert first.exit_code == 0, first.output
    assert "2 studios" in first.stdout
    second = runner.invoke(main, ["demo"], env=env)
    assert "not seeded" in second.stdout
    db, services = _services(env)
    try:
        assert services.studios.page().total == 2
        assert services.studio_rooms.page().total == 5
        assert services.shows.search(limit=1).total == 145
        assert services.schedules.page().total == 1
        assert services.scheduling.conflicts() == []
    finally:
        db.dispose()
