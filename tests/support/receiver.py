"""A webhook receiver for tests: an HTTP server on 127.0.0.1 (a free port) in
a thread, recording every request, answering from a script of status codes
(the last one repeats), and processing each ``webhook-id`` once, as a
receiver following the Standard Webhooks advice would."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import attrs

__all__ = ["Received", "Receiver", "receiver"]


@attrs.frozen
class Received:
    """One request as it arrived."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int


@attrs.define
class Receiver:
    """What the server saw, and how it answers."""

    url: str = ""
    statuses: list[int] = attrs.field(factory=lambda: [200])
    delay: float = 0.0
    """Seconds to wait before answering."""
    hold: threading.Event | None = None
    """If set: the first request waits for it (a receiver that hangs)."""
    requests: list[Received] = attrs.field(factory=list)
    processed: dict[str, bytes] = attrs.field(factory=dict)
    """Each webhook-id processed once (a 2xx answer), with its body."""
    arrived: threading.Event = attrs.field(factory=threading.Event)
    lock: threading.Lock = attrs.field(factory=threading.Lock)

    def answer(self, received_headers: dict[str, str], body: bytes, path: str) -> int:
        with self.lock:
            index = len(self.requests)
            status = self.statuses[min(index, len(self.statuses) - 1)]
            self.requests.append(Received(path, received_headers, body, status))
            if 200 <= status < 300:
                self.processed.setdefault(received_headers.get("webhook-id", ""), body)
        self.arrived.set()
        return status

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        """Wait until ``count`` requests arrived (AssertionError after ``timeout``)."""
        import time

        deadline = time.monotonic() + timeout
        while len(self.requests) < count:
            assert time.monotonic() < deadline, f"{len(self.requests)} of {count} arrived"
            time.sleep(0.02)


@contextmanager
def receiver(
    statuses: Sequence[int] = (200,), *, delay: float = 0.0, tls: ssl.SSLContext | None = None
) -> Iterator[Receiver]:
    """A receiver serving until the block ends (over HTTPS with ``tls``, a
    server context holding its certificate)."""
    state = Receiver(statuses=list(statuses), delay=delay)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            if state.hold is not None and not state.requests:
                state.arrived.set()
                state.hold.wait(30)
            if state.delay:
                threading.Event().wait(state.delay)
            status = state.answer(headers, body, self.path)
            try:
                self.send_response(status)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except OSError:
                pass  # the sender gave up (a timeout) or died

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    scheme = "http" if tls is None else "https"
    state.url = f"{scheme}://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        if state.hold is not None:
            state.hold.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
