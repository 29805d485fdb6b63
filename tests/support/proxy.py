"""A reverse proxy for tests: serves an upstream server under a path prefix and
strips the prefix before passing requests on, as nginx does with
``location /sc/ { proxy_pass http://upstream/; }`` (docs/deployment.md)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

import httpx

from tests.support.sse import free_port

__all__ = ["StrippingProxy"]

_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "content-length",
    "content-encoding",
}


class StrippingProxy:
    """``upstream`` (``http://127.0.0.1:PORT``) at ``url`` =
    ``http://127.0.0.1:OTHER<prefix>``, on a free local port, in a thread.

    A request for ``<prefix>/x`` goes upstream as ``/x`` with the browser's
    ``Host`` and ``X-Forwarded-For``/``-Proto``; its answer comes back as it is
    (a redirect unfollowed, an event stream as it flows). A request outside the
    prefix answers 404 and is kept in ``refused``; :meth:`wait_for` waits until
    the answers passed on hold a marker (an event stream's first comment) so
    many times."""

    def __init__(self, upstream: str, prefix: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.prefix = prefix.rstrip("/")
        port = free_port()
        self.url = f"http://127.0.0.1:{port}{self.prefix}"
        self.refused: list[str] = []
        self._open: set[httpx.Response] = set()
        self._passed = bytearray()
        self._changed = threading.Condition()
        self._client = httpx.Client(timeout=httpx.Timeout(10, read=None))
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def passed(self, marker: bytes) -> int:
        """How many times the answers passed on so far hold ``marker``."""
        with self._changed:
            return self._passed.count(marker)

    def wait_for(self, marker: bytes, times: int, timeout: float = 10) -> None:
        """Wait until the answers passed on hold ``marker`` ``times`` times."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._passed.count(marker) >= times, timeout):
                raise TimeoutError(f"{marker!r} passed fewer than {times} times")

    def _pass(self, chunk: bytes) -> None:
        with self._changed:
            self._passed += chunk
            self._changed.notify_all()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        for answer in list(self._open):  # event streams: the upstream sees them end
            answer.close()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        self._client.close()


def _handler(proxy: StrippingProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: one request a connection, a body ends when the connection closes
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _forward(self) -> None:
            path = self.path
            if not (path == proxy.prefix or path.startswith(proxy.prefix + "/")):
                proxy.refused.append(path)
                self.send_error(404, "outside the proxied prefix")
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = [(k, v) for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP]
            headers += [("X-Forwarded-For", self.client_address[0]), ("X-Forwarded-Proto", "http")]
            upstream = proxy.upstream + (path.removeprefix(proxy.prefix) or "/")
            request = proxy._client.build_request(
                self.command, upstream, headers=headers, content=body
            )
            try:
                answer = proxy._client.send(request, stream=True)
            except httpx.HTTPError:
                self.send_error(502, "the upstream server does not answer")
                return
            proxy._open.add(answer)
            try:
                self.send_response(answer.status_code)
                for name, value in answer.headers.multi_items():
                    if name.lower() not in _HOP_BY_HOP:
                        self.send_header(name, value)
                self.end_headers()
                for chunk in answer.iter_bytes():
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    proxy._pass(chunk)
            except (httpx.HTTPError, OSError):
                pass  # the browser or the upstream went away (a stream closed)
            finally:
                proxy._open.discard(answer)
                answer.close()

        # the handler methods http.server looks up by name
        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _forward  # noqa: N815

    return Handler
