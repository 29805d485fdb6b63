"""A typed Python client generated with ``openapi-python-client`` from the live
server's document (as docs/http-api.md "Generating a client" tells teams to):
the generator reports no warning (no response or endpoint skipped), and the
client books a show and reads a clash's 409 as the typed error with its
conflict report.

One real ``studiocore serve`` process over a fresh SQLite file (its admin made
with ``studiocore users create-admin``) and one generation serve the whole
module.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

import studiocore_http
from studiocore import Services, UserRole
from studiocore_http import Settings, create_app, issue_token
from studiocore_http.settings import Rate
from tests.support.servers import running_server

PACKAGE = "studiocore_client"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "http-api.md"
STUDIOCORE = [sys.executable, "-m", "studiocore_http"]
SECRET = "generated-client-test-secret-" + "x" * 32
SRC = str(Path(studiocore_http.__file__).resolve().parents[1])


@dataclass
class Generated:
    """The generated package, imported, and what the generator printed."""

    package: ModuleType
    output: str
    base_url: str
    token: str

    def module(self, name: str) -> Any:
        return importlib.import_module(f"{PACKAGE}.{name}")

    def client(self) -> Any:
        return self.module("client").AuthenticatedClient(
            base_url=self.base_url, token=self.token, raise_on_unexpected_status=True
        )


def _env(database_url: str) -> dict[str, str]:
    """A server's environment: this checkout's code, a database, a secret."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("STUDIOCORE_")}
    python_path = [SRC, *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env.update(
        PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join(python_path),  # this checkout's code, from any directory
        STUDIOCORE_DATABASE_URL=database_url,
        STUDIOCORE_JWT_SECRET=SECRET,
        STUDIOCORE_LOG_REQUESTS="false",
    )
    return env


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``studiocore serve`` on a free port: its URL and an admin's token."""
    folder = tmp_path_factory.mktemp("generated-client-server")
    url = f"sqlite:///{folder / 'api.db'}"
    with running_server(url, folder, demo=False, secret=SECRET) as server:
        admin = subprocess.run(  # the server has migrated the database
            [*STUDIOCORE, "users", "create-admin", "--email", "ops@example.com", "--name", "Ops"],
            check=False,
            env=_env(url),
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert admin.returncode == 0, admin.stdout + admin.stderr
        yield server.base_url, issue_token(Settings(jwt_secret=SECRET), admin.stdout.strip())


def documented(language: str) -> str:
    """The ``language`` code block of docs/http-api.md's "Generating a client"."""
    text = DOCS.read_text()
    section = text[text.index("### Generating a client\n") :]
    block = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert block, f"docs/http-api.md: no {language} block under 'Generating a client'"
    return block.group(1)


def generate(base_url: str, folder: Path) -> tuple[Path, str]:
    """Run docs/http-api.md's commands in ``folder`` (the document fetched with
    httpx where the docs use curl); the package directory and everything the
    generator printed."""
    fetch, config, command = documented("bash").strip().splitlines()
    assert fetch.startswith("curl -fsS http://127.0.0.1:8000/schema/openapi.json -o openapi.json")
    answer = httpx.get(f"{base_url}/schema/openapi.json", timeout=30)
    assert answer.status_code == 200
    (folder / "openapi.json").write_bytes(answer.content)
    written = re.match(r"echo '([^']*)' > (\S+)", config)
    assert written, config
    assert json.loads(written.group(1)) == {"post_hooks": []}
    (folder / written.group(2)).write_text(written.group(1))
    program, *arguments = shlex.split(command)
    assert program == "openapi-python-client"
    assert arguments[arguments.index("--output-path") + 1] == PACKAGE
    script = Path(sys.executable).with_name(program)
    runner = [str(script)] if script.exists() else [sys.executable, "-m", "openapi_python_client"]
    done = subprocess.run(
        [*runner, *arguments],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=folder,
    )
    printed = done.stdout + done.stderr
    assert done.returncode == 0, printed
    return folder / PACKAGE, printed


@pytest.fixture(scope="module")
def generated(
    live: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Generated]:
    base_url, token = live
    folder = tmp_path_factory.mktemp("generated-client")
    output, printed = generate(base_url, folder)
    sys.path.insert(0, str(output.parent))
    try:
        package = importlib.import_module(PACKAGE)
        yield Generated(package, printed, base_url, token)
    finally:
        sys.path.remove(str(output.parent))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def test_the_generator_reports_no_warning_and_skips_nothing(generated: Generated) -> None:
    assert "warning" not in generated.output.lower(), generated.output
    assert "will be omitted" not in generated.output
    create_show = generated.module("api.shows.create_show")
    models = generated.module("models")
    # every documented error status of the operation is parsed into the typed body
    source = Path(create_show.__file__).read_text()
    for status in (400, 401, 403, 404, 409, 415, 422, 429, 503):
        assert f"response_{status} = ErrorBody.from_dict" in source, status
    assert {"ErrorBody", "ErrorExtra", "FieldProblem", "Conflict"} <= set(dir(models))


def test_the_generated_client_books_a_show_and_reads_a_clash_as_a_typed_conflict_report(
    generated: Generated,
) -> None:
    models = generated.module("models")
    api = "api.{}".format
    client = generated.client()
    with client as c:
        studio = generated.module(api("studios.create_studio")).sync(
            client=c, body=models.StudioCreate(name="Generated Studio", time_zone="Asia/Seoul")
        )
        assert isinstance(studio, models.Studio), studio
        room = generated.module(api("studio_rooms.create_studio_room")).sync(
            client=c, body=models.StudioRoomCreate(studio_uid=studio.uid, name="Room G")
        )
        assert isinstance(room, models.StudioRoom), room
        brand = generated.module(api("clients.create_client")).sync(
            client=c, body=models.ClientCreate(name="Generated Brand")
        )
        assert isinstance(brand, models.Client), brand
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
        create_show = generated.module(api("shows.create_show"))
        first = create_show.sync(
            client=c,
            body=models.ShowCreate(
                name="Launch",
                show_start=start,
                show_end=start + timedelta(hours=2),
                studio_room_uid=room.uid,
                client_uid=brand.uid,
            ),
        )
        assert isinstance(first, models.ShowWritten), first

        clash = create_show.sync_detailed(
            client=c,
            body=models.ShowCreate(
                name="Clash",
                show_start=start + timedelta(hours=1),
                show_end=start + timedelta(hours=3),
                studio_room_uid=room.uid,
                client_uid=brand.uid,
            ),
        )
    assert clash.status_code == 409
    error = clash.parsed
    assert isinstance(error, models.ErrorBody), error
    assert error.status_code == 409
    assert error.detail
    assert isinstance(error.extra, models.ErrorExtra)
    [conflict] = error.extra.conflicts
    assert isinstance(conflict, models.Conflict)
    assert conflict.kind == models.ConflictKind.ROOM_OVERLAP
    assert conflict.resource_uid == room.uid
    assert first.uid in conflict.show_uids
    assert conflict.start == start + timedelta(hours=1)
    assert conflict.end == start + timedelta(hours=2)
    assert {show.name for show in conflict.shows} == {"Launch", "Clash"}


def test_the_generated_client_reads_404_and_422_as_typed_errors(generated: Generated) -> None:
    models = generated.module("models")
    with generated.client() as c:
        missing = generated.module("api.studios.get_studio").sync_detailed(
            "studio_does_not_exist", client=c
        )
        invalid = generated.module("api.studios.create_studio").sync_detailed(
            client=c, body=models.StudioCreate(name="Bad zone", time_zone="Mars/Olympus")
        )
    assert missing.status_code == 404
    assert isinstance(missing.parsed, models.ErrorBody)
    assert missing.parsed.extra.entity == "Studio"
    assert missing.parsed.extra.uid == "studio_does_not_exist"
    assert invalid.status_code == 422
    assert isinstance(invalid.parsed, models.ErrorBody)
    assert invalid.parsed.extra.field == "time_zone"
    [problem] = invalid.parsed.extra.problems
    assert isinstance(problem, models.FieldProblem)
    assert problem.field == "time_zone"
    assert problem.reason


def test_the_generated_client_reads_a_real_429_as_a_typed_error(generated: Generated) -> None:
    """The served document lists 429s (`studiocore serve` limits rates by default);
    a real one, from an app allowing one read a minute, parses into the typed body."""
    settings = Settings(
        jwt_secret=SECRET,
        log_requests=False,
        rate_limit=True,
        rate_limit_reads=Rate(limit=1, period=60),
    )
    services = Services.in_memory()
    admin = services.users.create("ops@example.com", "Ops", role=UserRole.ADMIN)
    headers = {"Authorization": f"Bearer {issue_token(settings, admin.uid)}"}
    with TestClient(create_app(settings, services=services)) as local:
        assert local.get("/api/v1/studios/studio_x", headers=headers).status_code == 404
        answer = local.get("/api/v1/studios/studio_x", headers=headers)
    assert answer.status_code == 429, answer.text
    get_studio = generated.module("api.studios.get_studio")
    with generated.client() as c:
        parsed = get_studio._build_response(client=c, response=answer).parsed
    models = generated.module("models")
    assert isinstance(parsed, models.ErrorBody), parsed
    assert parsed.status_code == 429
    assert isinstance(parsed.extra, models.ErrorExtra)
    assert parsed.extra.code == "rate_limited"
    assert parsed.extra.group == "reads"
    assert (parsed.extra.limit, parsed.extra.window_seconds) == (1, 60)
    assert parsed.extra.retry_after == int(answer.headers["Retry-After"])


def test_the_documented_example_books_then_reports_the_clash(generated: Generated) -> None:
    models = generated.module("models")
    with generated.client() as c:
        studio = generated.module("api.studios.create_studio").sync(
            client=c, body=models.StudioCreate(name="Docs Studio")
        )
        room = generated.module("api.studio_rooms.create_studio_room").sync(
            client=c, body=models.StudioRoomCreate(studio_uid=studio.uid, name="Docs Room")
        )
    example = compile(documented("python"), "docs/http-api.md", "exec")
    start = datetime(2031, 5, 1, 9, tzinfo=UTC)
    printed = []
    for _ in range(2):
        names: dict[str, Any] = {"base_url": generated.base_url, "token": generated.token}
        names |= {"room_uid": room.uid, "start": start}
        with contextlib.redirect_stdout(io.StringIO()) as out:
            exec(example, names)  # the docs' own example
        printed.append(out.getvalue())
    booked = re.fullmatch(r"booked (show_\w+)\n", printed[0])
    assert booked, printed
    clash = re.fullmatch(r"room_overlap with \['(show_\w+)', '(show_\w+)'\] - .+\n", printed[1])
    assert clash, printed
    assert booked.group(1) in clash.groups()
