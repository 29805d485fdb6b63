"""Test helpers for live HTTP: an app served on a free local port in a
thread, and a Server-Sent Events reader."""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
import time
from typing import Any, Self

import attrs
import httpx
import uvicorn
from litestar import Litestar

__all__ = ["Event", "SseReader", "ThreadedServer", "free_port"]


def free_port() -> int:
    """A TCP port nobody listens on (now) on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class ThreadedServer:
    """``app`` served by uvicorn on a free local port, in a thread (with
    ``root_path``: as ``studiocore serve --root-path`` serves it)."""

    def __init__(self, app: Litestar, *, root_path: str = "") -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            timeout_graceful_shutdown=2,
            root_path=root_path,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


@attrs.frozen
class Event:
    """One event of a stream (comments left out)."""

    id: str | None
    event: str | None
    data: str
    received: float = attrs.field(factory=time.monotonic, eq=False)
    """When the event arrived (``time.monotonic()``)."""

    def json(self) -> Any:
        return json.loads(self.data)


class SseReader:
    """Reads ``url``'s event stream in a thread; :meth:`next` waits for an event."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.events: queue.Queue[Event | BaseException] = queue.Queue()
        self.connected = threading.Event()
        self.status: int | None = None
        self._response: httpx.Response | None = None
        self._client = httpx.Client(timeout=httpx.Timeout(5, read=None))
        self._thread = threading.Thread(target=self._read, args=(url, headers), daemon=True)
        self._thread.start()
        if not self.connected.wait(10):
            raise RuntimeError("the stream did not open")

    def _read(self, url: str, headers: dict[str, str]) -> None:
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                self._response = response
                self.status = response.status_code
                fields: dict[str, str] = {}
                for line in response.iter_lines():
                    if line.startswith(":"):
                        if line.startswith(":connected") or line.startswith(": connected"):
                            self.connected.set()
                        continue
                    if not line:
                        if "data" in fields or "event" in fields:
                            self.events.put(
                                Event(fields.get("id"), fields.get("event"), fields.get("data", ""))
                            )
                        fields = {}
                        continue
                    name, _, value = line.partition(":")
                    value = value.removeprefix(" ")
                    if name == "retry":
                        self.connected.set()
                    elif name in ("id", "event"):
                        fields[name] = value
                    elif name == "data":
                        fields["data"] = (
                            fields["data"] + "\n" + value if "data" in fields else value
                        )
                if response.status_code != 200:
                    self.connected.set()
        except BaseException as exc:  # the stream closed (by close()) or failed
            self.events.put(exc)
            self.connected.set()

    def next(self, timeout: float = 5.0) -> Event:
        """The next event, or ``TimeoutError`` after ``timeout`` seconds."""
        try:
            item = self.events.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no event within {timeout} s") from None
        if isinstance(item, BaseException):
            raise item
        return item

    def nothing_within(self, seconds: float) -> bool:
        """Whether no event arrives within ``seconds``."""
        try:
            item = self.events.get(timeout=seconds)
        except queue.Empty:
            return True
        self.events.put(item)
        return isinstance(item, BaseException)

    def close(self) -> None:
        """Hang up (at once: the socket is shut down under the reading thread)."""
        response = self._response
        if response is not None:
            stream = response.extensions.get("network_stream")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)
        self._client.close()
