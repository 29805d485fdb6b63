"""docs/deployment.md as a new user follows it: the quick path's commands give
several workers serving on PostgreSQL with JSON logs and metrics; every
``studiocore`` command and option the guide, the Dockerfile and the compose
file use exists, and every setting they name is one the server reads."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from tests.support.postgres import scratch_database
from tests.support.servers import free_port, stop, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "deployment.md"
SETTINGS = ROOT / "src" / "studiocore_http" / "settings.py"


def _blocks(language: str, after: str) -> list[str]:
    text = GUIDE.read_text()
    start = text.index(after)
    end = text.find("\n## ", start + 1)
    return re.findall(rf"```{language}\n(.*?)```", text[start : end if end > 0 else None], re.S)


def _env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIOCORE_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["STUDIOCORE_TEST_DATABASE_URL"] = database_url
    return env


def _quick_path(database_url: str, port: int) -> tuple[list[str], str]:
    """The quick path's commands, on the test's database and port: the setup
    commands, and the serve command."""
    commands = _blocks("bash", "## Quick path")[0]
    lines = [line for line in commands.splitlines() if line.strip()]
    assert lines[0].startswith("pip install")  # done: the tests run in the installed project
    setup = [
        line.replace(
            "postgresql://postgres@127.0.0.1:5432/studiocore", "$STUDIOCORE_TEST_DATABASE_URL"
        )
        for line in lines[1:-1]
    ]
    serve = lines[-1].replace("--port 8000", f"--port {port}")
    assert serve.startswith("studiocore serve ")
    assert f"--port {port}" in serve
    return setup, serve


@pytest.fixture
def guide_server(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    with scratch_database() as url:
        port = free_port()
        setup, serve = _quick_path(url, port)
        env = _env(url)
        # one shell, as a person types them: the exports carry over
        script = "set -e\n" + "\n".join(setup) + f"\nexec {serve}\n"
        log = tmp_path / "serve.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                ["bash", "-c", script], env=env, cwd=tmp_path, stdout=output, stderr=output
            )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_answering(f"{base}/health/ready", process, log, timeout=180)
            yield base, tmp_path, process
        finally:
            stop(process, timeout=40)


@pytest.mark.slow
def test_the_quick_path_serves_several_workers_on_postgresql_with_json_logs_and_metrics(
    guide_server: tuple[str, Path, subprocess.Popen[bytes]],
) -> None:
    base, folder, _ = guide_server
    token = (folder / "admin.token").read_text().strip()
    checks = _blocks("bash", "Then, from another shell")[0]
    commands = [shlex.split(line) for line in checks.splitlines() if line.strip()]
    assert [c[0] for c in commands] == ["curl", "curl", "curl"]
    ready = httpx.get(f"{base}/health/ready", timeout=10).json()
    assert (ready["status"], ready["migrations"]) == ("ok", "current")
    for _ in range(6):
        studios = httpx.get(
            f"{base}/api/v1/studios", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert studios.status_code == 200
    metrics = httpx.get(f"{base}/metrics", timeout=10).text
    counted = [
        line
        for line in metrics.splitlines()
        if line.startswith("studiocore_http_requests_total")
        and 'route="/api/v1/studios"' in line
        and 'status="200"' in line
    ]
    assert len(counted) == 1
    assert float(counted[0].rsplit(" ", 1)[1]) == 6.0  # summed over the workers
    time.sleep(0.5)
    lines = (folder / "serve.log").read_text().splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    requests = [r for r in records if r.get("logger") == "studiocore_http.requests"]
    assert sum(r["route"] == "/api/v1/studios" for r in requests) == 6
    assert token not in "\n".join(lines)
    started = {r["event"] for r in records if r["event"].startswith("Started server process")}
    assert len(started) == 4  # --workers 4


def _studiocore_commands() -> list[list[str]]:
    """Every ``studiocore ...`` command of the guide, the Dockerfile, the compose file."""
    found: list[list[str]] = []
    text = GUIDE.read_text()
    for block in re.findall(r"```(?:bash|ini)\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            code = line.split("#", 1)[0]
            for match in re.finditer(r"(?:^|[\s/=])studiocore (\S.*)", code):
                words = shlex.split(match.group(1).split("|")[0].split(">")[0].split(")")[0])
                found.append(words)
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*?\])\s*$", dockerfile.replace("\\\n", ""), re.M | re.S)
    assert cmd is not None
    found.append(json.loads(cmd.group(1))[1:])
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    for service in compose["services"].values():
        if "command" in service:
            found.append(service["command"][1:])
    return found


def test_every_studiocore_command_and_option_the_guide_uses_exists() -> None:
    commands = _studiocore_commands()
    assert ["serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "4"] in [
        c[:7] for c in commands
    ]
    helps: dict[tuple[str, ...], str] = {}
    for words in commands:
        path = tuple(w for w in words[:2] if not w.startswith("-") and w.islower() and "." not in w)
        path = path if path and path[0] in {"users", "keys", "db"} else path[:1]
        if path not in helps:
            done = subprocess.run(
                [sys.executable, "-m", "studiocore_http", *path, "--help"],
                capture_output=True,
                text=True,
                check=False,
            )
            assert done.returncode == 0, (path, done.stderr)
            helps[path] = done.stdout
        for option in (w.split("=")[0] for w in words if w.startswith("--")):
            assert option in helps[path], (words, option)


def test_every_setting_the_deployment_files_name_is_one_the_server_reads() -> None:
    known = set(re.findall(r"``(STUDIOCORE_[A-Z_]+)``", SETTINGS.read_text()))
    cli = ROOT / "src" / "studiocore_http" / "cli" / "__init__.py"
    known |= set(re.findall(r'envvar="(STUDIOCORE_[A-Z_]+)"', cli.read_text()))
    named = set(re.findall(r"\b(STUDIOCORE_[A-Z_]+)\b", GUIDE.read_text()))
    for path in ("deploy/Dockerfile", "deploy/compose.yaml"):
        named |= set(re.findall(r"\b(STUDIOCORE_[A-Z_]+)\b", (ROOT / path).read_text()))
    named -= {"STUDIOCORE_RATE_LIMIT_"}  # "STUDIOCORE_RATE_LIMIT_READS, _WRITES"
    assert named - known == {"STUDIOCORE_OIDC_"}  # "STUDIOCORE_OIDC_*": the family
