"""A private PostgreSQL primary and streaming standby for the read-replica tests.

:func:`streaming_cluster` builds both from the local PostgreSQL binaries (the
newest ``/usr/lib/postgresql/*/bin``, or the directory in
``STUDIOCORE_TEST_PG_BIN``, or ``pg_ctl`` on ``PATH``): ``initdb`` a primary
in a temporary directory (trust authentication, listening on 127.0.0.1 only,
its socket in the directory, ``wal_level=replica``), ``pg_basebackup -R`` it
into a standby (hot standby, streaming), each on a free local port; it waits
until the standby streams, and stops both and removes the directory at the end.

PostgreSQL refuses to run as root: when the tests run as root the binaries run
as the ``postgres`` OS user (``runuser``), in directories owned by it. When the
binaries (or that user) are missing, the tests skip with the reason, and fail
under ``CI``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import attrs
import pytest
import sqlalchemy as sa

__all__ = ["PgCluster", "PgServer", "streaming_cluster", "wait_until"]

BIN_ENV_VAR = "STUDIOCORE_TEST_PG_BIN"
_TOOLS = ("initdb", "pg_ctl", "pg_basebackup")


def _bin_dir() -> Path | None:
    configured = os.environ.get(BIN_ENV_VAR, "").strip()
    candidates = [configured] if configured else []
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0,
        reverse=True,
    )
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for candidate in candidates:
        if all((Path(candidate) / tool).is_file() for tool in _TOOLS):
            return Path(candidate)
    return None


def _skip_or_fail(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI requires the read-replica tests to run", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until(check: object, *, timeout: float = 30.0, what: str = "the condition") -> None:
    """Poll ``check()`` (a callable returning a truthy value) until it holds; a
    database error counts as not yet (a table the standby has not replayed)."""
    assert callable(check)
    deadline = time.monotonic() + timeout
    last: sa.exc.DBAPIError | None = None
    while True:
        try:
            if check():
                return
        except sa.exc.DBAPIError as exc:
            last = exc
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s") from last
        time.sleep(0.1)


@attrs.define
class _Runner:
    """Runs the PostgreSQL binaries, as the ``postgres`` user when we are root."""

    bin_dir: Path
    user: pwd.struct_passwd | None

    def run(self, tool: str, *args: str, timeout: float = 120.0) -> None:
        command = [str(self.bin_dir / tool), *args]
        if self.user is not None:
            command = ["runuser", "-u", self.user.pw_name, "--", *command]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False, cwd="/"
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{tool} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}"
            )

    def own(self, path: Path) -> None:
        if self.user is not None:
            os.chown(path, self.user.pw_uid, self.user.pw_gid)


@attrs.define
class PgServer:
    """One server of the cluster: its data directory and port."""

    runner: _Runner
    data_dir: Path
    port: int
    log_file: Path

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL of ``database`` on this server."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self.runner.run(
            "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data_dir), "-l", str(self.log_file)
        )

    def stop(self) -> None:
        """Stop the server (fast shutdown: open connections are ended)."""
        self.runner.run("pg_ctl", "stop", "-w", "-t", "60", "-m", "fast", "-D", str(self.data_dir))

    @property
    def running(self) -> bool:
        """Whether the server's postmaster is alive."""
        return (self.data_dir / "postmaster.pid").exists()

    def scalar(self, sql: str, database: str = "postgres") -> object:
        """The value of one statement run on this server, autocommitted
        (``None`` for a statement that returns no rows)."""
        engine = sa.create_engine(
            self.url(database),
            poolclass=sa.pool.NullPool,
            isolation_level="AUTOCOMMIT",
            connect_args={"connect_timeout": 5},
        )
        try:
            with engine.connect() as conn:
                result = conn.execute(sa.text(sql))
                return result.scalar() if result.returns_rows else None
        finally:
            engine.dispose()


@attrs.define
class PgCluster:
    """A primary and its streaming standby."""

    primary: PgServer
    standby: PgServer

    def streaming(self) -> bool:
        """Whether the primary sees the standby streaming."""
        try:
            found = self.primary.scalar(
                "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
            )
        except sa.exc.OperationalError:
            return False
        return isinstance(found, int) and found > 0

    def start_standby(self) -> None:
        """Start the standby again and wait until it streams."""
        self.standby.start()
        wait_until(self.streaming, what="the standby streaming")


_PRIMARY_CONF = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{sockets}'
wal_level = replica
max_wal_senders = 5
wal_keep_size = '64MB'
hot_standby = on
max_connections = 100
shared_buffers = '32MB'
fsync = off
full_page_writes = off
synchronous_commit = off
"""


@contextlib.contextmanager
def streaming_cluster() -> Iterator[PgCluster]:
    """A started primary and streaming standby (see the module docstring),
    stopped and removed afterwards; skips (fails under ``CI``) without the
    binaries."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        _skip_or_fail(
            f"no PostgreSQL server binaries ({', '.join(_TOOLS)}) found in "
            f"/usr/lib/postgresql/*/bin or on PATH; set {BIN_ENV_VAR}"
        )
    user = None
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            _skip_or_fail("running as root and no 'postgres' OS user to run PostgreSQL as")
        if shutil.which("runuser") is None:
            _skip_or_fail("running as root and no 'runuser' to run PostgreSQL as postgres")
    runner = _Runner(bin_dir, user)
    root = Path(tempfile.mkdtemp(prefix="studiocore-pgcluster-"))
    started: list[PgServer] = []
    try:
        runner.own(root)
        sockets = root / "sockets"
        sockets.mkdir()
        runner.own(sockets)
        primary = PgServer(runner, root / "primary", free_port(), root / "primary.log")
        standby = PgServer(runner, root / "standby", free_port(), root / "standby.log")
        for log_file in (primary.log_file, standby.log_file):
            log_file.touch()
            runner.own(log_file)
        runner.run(
            "initdb", "-D", str(primary.data_dir), "-U", "postgres", "-A", "trust", "-E", "UTF8"
        )
        with (primary.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(_PRIMARY_CONF.format(port=primary.port, sockets=sockets))
        primary.start()
        started.append(primary)
        runner.run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(standby.data_dir), "-R", "-X", "stream", "-c", "fast"),
        )
        with (standby.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {standby.port}\n")
        standby.start()
        started.append(standby)
        cluster = PgCluster(primary, standby)
        wait_until(cluster.streaming, what="the standby streaming")
        yield cluster
    finally:
        for server in reversed(started):
            if server.running:
                with contextlib.suppress(Exception):
                    server.stop()
        shutil.rmtree(root, ignore_errors=True)
