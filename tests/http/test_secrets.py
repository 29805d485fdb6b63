"""Platform secrets over HTTP and the CLI: the settings' keys reach the SQL
adapter, ``api_config`` is stored encrypted, and without a key the API refuses
it naming the field (docs/persistence.md, "Secrets at rest")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from cryptography.fernet import Fernet
from litestar.testing import TestClient

from studiocore import Services, UserRole
from studiocore_http import Settings, create_app, issue_token
from studiocore_http.cli import main
from studiocore_http.demo import DEMO_PLATFORM_API_KEY
from studiocore_http.settings import ConfigError, demo_secret_key
from studiocore_sql import SqlDatabase
from studiocore_sql.secrets import ENVELOPE
from tests.support.keys import OTHER_SECRET_KEY, TEST_SECRET_KEY

from .conftest import SECRET

API = "/api/v1"
API_KEY = "sk_live_http_0123456789"


def _raw_api_configs(url: str) -> list[Any]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text("SELECT api_config FROM platforms")).scalars())
    finally:
        engine.dispose()


def _post_platform(settings: Settings, body: dict[str, Any]) -> Any:
    app = create_app(settings)
    services: Services = app.state.services
    admin = services.users.create("admin@example.com", "Admin", role=UserRole.ADMIN)
    headers = {"Authorization": f"Bearer {issue_token(settings, admin.uid)}"}
    with TestClient(app) as client:
        return client.post(f"{API}/platforms", json=body, headers=headers)


def test_a_platform_created_through_the_api_is_stored_encrypted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'api.db'}"
    settings = Settings(
        database_url=url,
        jwt_secret=SECRET,
        log_requests=False,
        secret_keys=(TEST_SECRET_KEY,),
    )
    created = _post_platform(settings, {"name": "YouTube", "api_config": {"api_key": API_KEY}})
    assert created.status_code == 201, created.text
    assert created.json()["api_config"] == {"api_key": "********"}  # write-only
    assert API_KEY not in created.text
    [stored] = _raw_api_configs(url)
    assert API_KEY not in stored
    assert ENVELOPE in stored
    reopened = SqlDatabase(url, secret_keys=[TEST_SECRET_KEY])
    try:
        [platform] = Services(reopened).platforms.list()
        assert platform.api_config == {"api_key": API_KEY}
    finally:
        reopened.dispose()


def test_without_a_key_the_api_refuses_api_config_naming_the_field(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'api.db'}"
    settings = Settings(database_url=url, jwt_secret=SECRET, log_requests=False)
    refused = _post_platform(settings, {"name": "YouTube", "api_config": {"api_key": API_KEY}})
    assert refused.status_code == 422, refused.text
    assert refused.json()["extra"]["field"] == "api_config"
    assert "STUDIOCORE_SECRET_KEYS" in refused.json()["detail"]
    assert _raw_api_configs(url) == []


def test_settings_read_the_keys_and_demo_mode_derives_one_per_database() -> None:
    env = {"STUDIOCORE_SECRET_KEYS": f"{TEST_SECRET_KEY}, {OTHER_SECRET_KEY}"}
    assert Settings.from_env(env).storage_keys() == (TEST_SECRET_KEY, OTHER_SECRET_KEY)
    assert Settings.from_env({}).storage_keys() == ()
    demo = Settings(demo=True, database_url="sqlite:///a.db")
    [derived] = demo.storage_keys()
    Fernet(derived)  # a valid key
    assert derived == demo_secret_key("sqlite:///a.db") != demo_secret_key("sqlite:///b.db")
    assert demo.uses_derived_secret_keys
    configured = Settings(demo=True, secret_keys=(TEST_SECRET_KEY,))
    assert configured.storage_keys() == (TEST_SECRET_KEY,)
    with pytest.raises(ConfigError, match="STUDIOCORE_SECRET_KEYS: secret key 1"):
        create_app(Settings(jwt_secret=SECRET, secret_keys=("not-a-key",)))


# -- the CLI ------------------------------------------------------------------------------


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "STUDIOCORE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "STUDIOCORE_JWT_SECRET": SECRET,
        "STUDIOCORE_SECRET_KEYS": TEST_SECRET_KEY,
    }


def test_keys_generate_prints_a_new_valid_fernet_key() -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["keys", "generate"])
    second = runner.invoke(main, ["keys", "generate"])
    assert first.exit_code == 0, first.output
    key = first.stdout.strip()
    assert first.stdout == key + "\n"
    assert Fernet(key).decrypt(Fernet(key).encrypt(b"x")) == b"x"
    assert key != second.stdout.strip()


def test_keys_rotate_reencrypts_so_that_only_the_new_key_is_needed(env: dict[str, str]) -> None:
    url = env["STUDIOCORE_DATABASE_URL"]
    old = SqlDatabase(url, secret_keys=[TEST_SECRET_KEY])
    try:
        old.upgrade()
        platform = Services(old).platforms.create("YouTube", api_config={"api_key": API_KEY})
    finally:
        old.dispose()
    before = _raw_api_configs(url)
    runner = CliRunner()
    rotated = runner.invoke(
        main,
        ["keys", "rotate"],
        env={**env, "STUDIOCORE_SECRET_KEYS": f"{OTHER_SECRET_KEY},{TEST_SECRET_KEY}"},
    )
    assert rotated.exit_code == 0, rotated.output
    assert "1 platform(s) and 1 audit entry(ies)" in rotated.stdout
    after = _raw_api_configs(url)
    assert after != before
    assert API_KEY not in after[0]
    new_only = SqlDatabase(url, secret_keys=[OTHER_SECRET_KEY])
    try:
        assert Services(new_only).platforms.get(platform.uid).api_config == {"api_key": API_KEY}
    finally:
        new_only.dispose()
    # The old key alone no longer opens it: a clear one-line error naming the platform.
    again = runner.invoke(main, ["keys", "rotate"], env=env)
    assert again.exit_code == 1
    assert isinstance(again.exception, SystemExit)
    assert platform.uid in again.stderr
    assert "Traceback" not in again.output


def test_keys_rotate_without_keys_says_what_to_set(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["keys", "rotate"], env={**env, "STUDIOCORE_SECRET_KEYS": ""})
    assert result.exit_code == 1
    assert "STUDIOCORE_SECRET_KEYS is not set" in result.stderr


def test_the_demo_data_stores_its_platform_api_key_encrypted_with_the_demo_key(
    env: dict[str, str],
) -> None:
    url = env["STUDIOCORE_DATABASE_URL"]
    no_keys = {**env, "STUDIOCORE_SECRET_KEYS": ""}
    seeded = CliRunner().invoke(main, ["demo"], env=no_keys)
    assert seeded.exit_code == 0, seeded.output
    stored = " ".join(_raw_api_configs(url))
    assert DEMO_PLATFORM_API_KEY not in stored
    assert ENVELOPE in stored
    demo = SqlDatabase(url, secret_keys=Settings(demo=True, database_url=url).storage_keys())
    try:
        configs = [p.api_config for p in Services(demo).platforms.list()]
    finally:
        demo.dispose()
    assert {"region": "global", "api_key": DEMO_PLATFORM_API_KEY} in configs


def test_a_written_secret_is_in_no_response_and_no_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'api.db'}",
        jwt_secret=SECRET,
        log_requests=True,
        secret_keys=(TEST_SECRET_KEY,),
    )
    app = create_app(settings)
    services: Services = app.state.services
    admin = services.users.create("admin@example.com", "Admin", role=UserRole.ADMIN)
    member = services.users.create("member@example.com", "Member")
    with TestClient(app) as client, caplog.at_level("DEBUG"):
        bodies = []
        for headers in (
            {"Authorization": f"Bearer {issue_token(settings, admin.uid)}"},
            {"Authorization": f"Bearer {issue_token(settings, member.uid)}"},
        ):
            created = client.post(
                f"{API}/platforms",
                json={"name": "YouTube", "api_config": {"api_key": API_KEY}},
                headers=headers,
            )
            bodies.append(created.text)
            uid = created.json().get("uid")
            if uid is None:  # the member may not create one: read the admin's
                uid = client.get(f"{API}/platforms", headers=headers).json()["items"][0]["uid"]
            bodies.append(client.get(f"{API}/platforms/{uid}", headers=headers).text)
            bodies.append(client.get(f"{API}/platforms", headers=headers).text)
            bodies.append(
                client.patch(
                    f"{API}/platforms/{uid}", json={"name": "YouTube Live"}, headers=headers
                ).text
            )
    assert any("YouTube" in body for body in bodies)
    assert not [body for body in bodies if API_KEY in body]
    assert caplog.records
    assert not [r for r in caplog.records if API_KEY in r.getMessage()]
