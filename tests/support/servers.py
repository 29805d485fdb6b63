"""``studiocore serve`` as a real server process for tests: a free port, the
environment it runs with, waiting until it answers and stopping it."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

__all__ = [
    "Server",
    "free_port",
    "running_server",
    "server_env",
    "stop",
    "studiocore_command",
    "wait_until_answering",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def studiocore_command() -> list[str]:
    script = Path(sys.executable).with_name("studiocore")
    if script.exists():
        return [str(script)]
    found = shutil.which("studiocore")
    return [found] if found else [sys.executable, "-m", "studiocore_http"]


class Server:
    def __init__(
        self, base_url: str, output: str, process: subprocess.Popen[bytes] | None = None
    ) -> None:
        self.base_url = base_url
        self.output = output
        self.process = process

    @property
    def token(self) -> str:
        match = re.search(r"Admin token[^\n]*\n\s*\n\s*(\S+)", self.output)
        assert match, self.output
        return match.group(1)

    def token_of(self, email: str) -> str:
        """The token ``serve --demo`` printed for one of the demo's people."""
        match = re.search(rf"; {re.escape(email)}\)[^\n]*\n\s*\n\s*(\S+)", self.output)
        assert match, self.output
        return match.group(1)


def server_env(database_url: str, secret: str | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("STUDIOCORE_")}
    env.update(
        PYTHONUNBUFFERED="1",
        STUDIOCORE_DATABASE_URL=database_url,
        STUDIOCORE_LOG_REQUESTS="false",
    )
    if secret is not None:
        env["STUDIOCORE_JWT_SECRET"] = secret
    return env


@contextmanager
def running_server(
    database_url: str,
    folder: Path,
    *,
    demo: bool = True,
    secret: str | None = None,
    settings: dict[str, str] | None = None,
    args: Sequence[str] = (),
    name: str = "server",
) -> Iterator[Server]:
    """``studiocore serve [--demo] [args]`` on a free port over ``database_url``
    (``settings``: more ``STUDIOCORE_*`` environment variables), its output in
    ``folder/<name>.log``; stopped with SIGTERM at the end."""
    port = free_port()
    env = {**server_env(database_url, secret), **(settings or {})}
    log = (folder / f"{name}.log").open("w+")
    demo_flag = ["--demo"] if demo else []
    command = [*studiocore_command(), "serve", *demo_flag, "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--port", str(port), *args],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=folder,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base_url}/health", process, Path(log.name))
        yield Server(base_url, Path(log.name).read_text(), process)
    finally:
        stop(process)
        log.close()


def wait_until_answering(
    url: str,
    process: subprocess.Popen[bytes],
    log: Path,
    *,
    timeout: float = 120,
    client: httpx.Client | None = None,
) -> None:
    """Until ``GET url`` answers 200; fails with the server's output when the
    process exits or ``timeout`` seconds pass (a loaded machine starts slowly)."""
    get = client.get if client is not None else httpx.get
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, log.read_text()
        try:
            if get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


def stop(process: subprocess.Popen[bytes], *, timeout: float = 30) -> int:
    """SIGTERM, then SIGKILL if the process has not ended within ``timeout``
    seconds; its exit status."""
    process.terminate()
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
        process.kill()
        return process.wait()
