"""Logs: one line per request, and every log record as JSON or readable text.

Everything goes through the standard library's :mod:`logging`, configured with
Litestar's :class:`~litestar.logging.LoggingConfig` (its queue handler keeps
writes to stderr off the event loop, except the request line's: see
:func:`logging_config`); each record is rendered by a structlog
:class:`~structlog.stdlib.ProcessorFormatter`:

* ``json``: one JSON object per line, ``time`` (ISO 8601, UTC), ``level``,
  ``logger``, ``event`` and the record's fields; an exception's traceback is the
  ``exception`` field (one line, escaped). Code that logs through structlog
  (``structlog.get_logger()``) goes out the same way.
* ``text``: one readable line per record (a traceback follows on its own lines).

The request line (:func:`request_fields`) is written by :class:`RequestLog`
for :class:`~studiocore_http.observability.RequestObserver` on the logger
``studiocore_http.requests``, rendered in one step into what the formatter
would make of it. It names the route *template*
(``/api/v1/shows/{uid}``), never the concrete path or the query string (a
calendar feed link carries its token in the path), and reads no header but
``X-Request-ID``: no token, cookie or body can reach the log. The request id is
bound to the context (:func:`bind_request_id`), so every record logged while the
request runs (a 500's traceback, a warning of the error handlers) carries it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import uuid
from collections.abc import Mapping, MutableMapping
from copy import deepcopy
from datetime import UTC, datetime
from typing import Any, Final, TextIO

import structlog
from litestar.logging import LoggingConfig
from litestar.logging.config import default_handlers

from studiocore_http.settings import LOG_FORMATS, LOG_LEVELS

__all__ = [
    "REQUEST_ID_HEADER",
    "REQUEST_LOGGER",
    "RequestIdFilter",
    "RequestLog",
    "bind_request_id",
    "logging_config",
    "make_formatter",
    "request_fields",
    "request_id_from",
    "resolve_format",
    "unbind_request_id",
]

REQUEST_LOGGER: Final = "studiocore_http.requests"
REQUEST_ID_HEADER: Final = "X-Request-ID"
_MAX_REQUEST_ID = 128
_SANE_REQUEST_ID = re.compile(rf"[A-Za-z0-9._:@+=/-]{{1,{_MAX_REQUEST_ID}}}")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "studiocore_request_id", default=None
)


def request_id_from(sent: bytes | None) -> str:
    """The id of a request: the client's ``X-Request-ID`` when it is sane (at most
    128 characters among letters, digits and ``._:@+=/-``), else a new random one
    (32 hex digits). An insane one is replaced, not echoed: it could carry
    anything into the logs."""
    if sent is not None:
        try:
            text = sent.decode("ascii")
        except UnicodeDecodeError:
            text = ""
        if _SANE_REQUEST_ID.fullmatch(text):
            return text
    return uuid.uuid4().hex


def bind_request_id(request_id: str | None) -> contextvars.Token[str | None]:
    """Make ``request_id`` part of every record logged in this context (the
    request's task and the worker threads it starts); undo with
    :func:`unbind_request_id` and the token returned."""
    return _request_id.set(request_id)


def unbind_request_id(token: contextvars.Token[str | None]) -> None:
    """Undo :func:`bind_request_id`."""
    _request_id.reset(token)


def _add_request_id(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    if "request_id" not in event:
        current = _request_id.get()
        if current is not None:
            event["request_id"] = current
    return event


class RequestIdFilter(logging.Filter):
    """Copies the request id of the logging thread's context onto each record
    (the handler may format it later, in another thread)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            current = _request_id.get()
            if current is not None:
                record.request_id = current
        return True


_FIRST = ("time", "level", "logger", "event")


def _tidy(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Drop structlog's bookkeeping; time, level, logger and event first."""
    for key in ("_record", "_from_structlog", "color_message"):
        event.pop(key, None)
    first = {key: event.pop(key) for key in _FIRST if key in event}
    return {**first, **event}


_REQUEST_KEYS = ("method", "route", "status", "latency_ms")


def _render_text(_: Any, __: str, event: MutableMapping[str, Any]) -> str:
    """One readable line: ``time LEVEL logger: event key=value ...``; for the
    request line ``time INFO GET /route 200 3.1ms key=value ...``."""
    fields = dict(event)
    head = f"{fields.pop('time', '')} {str(fields.pop('level', '')).upper():<7}"
    exception = fields.pop("exception", None)
    logger_name = fields.pop("logger", "")
    message = fields.pop("event", "")
    if logger_name == REQUEST_LOGGER and all(k in fields for k in _REQUEST_KEYS):
        method, route, status, latency = (fields.pop(k) for k in _REQUEST_KEYS)
        body = f"{method} {route} {status} {latency}ms"
    else:
        body = f"{logger_name}: {message}"
    rest = " ".join(f"{k}={v}" for k, v in fields.items() if v is not None)
    line = f"{head} {body}" + (f" {rest}" if rest else "")
    return f"{line}\n{exception}" if exception else line


def _chain(*, foreign: bool) -> list[Any]:
    """What every record goes through before it is rendered: for records of the
    standard library (``foreign``) their ``extra=`` fields too."""
    return [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        *([structlog.stdlib.ExtraAdder()] if foreign else []),
        structlog.contextvars.merge_contextvars,
        _add_request_id,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
    ]


_RENDERED = "studiocore_rendered"
"""Marks a record whose message is its finished line (the request line)."""


class _Formatter(structlog.stdlib.ProcessorFormatter):
    """structlog's formatter, passing finished lines through unchanged."""

    def format(self, record: logging.LogRecord) -> str:
        if record.__dict__.get(_RENDERED):
            return record.getMessage()
        return super().format(record)


def make_formatter(format_: str = "json") -> logging.Formatter:
    """The formatter of ``format_`` (``json`` or ``text``) for a logging handler."""
    renderer: Any
    if format_ == "json":
        renderer = structlog.processors.JSONRenderer()
    elif format_ == "text":
        renderer = _render_text
    else:
        raise ValueError(f"log format must be json or text, got {format_!r}")
    return _Formatter(
        foreign_pre_chain=_chain(foreign=True),
        processors=[_tidy, structlog.processors.format_exc_info, renderer],
    )


class RequestLog:
    """Writes the request line to the logger ``studiocore_http.requests``.

    The line is rendered here, in one step, into exactly what the formatter
    would make of it (the same keys in the same order), and handed to the
    handlers as a finished record: a request pays for one small
    ``json.dumps`` and no processor chain."""

    def __init__(self, format_: str) -> None:
        self.format = resolve_format(format_)
        self.logger = logging.getLogger(REQUEST_LOGGER)

    def render(self, fields: Mapping[str, Any]) -> str:
        """The line of a request's ``fields`` (see :func:`request_fields`)."""
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        event = {"time": now, "level": "info", "logger": REQUEST_LOGGER, "event": "request"}
        event.update(fields)
        if self.format == "json":
            return json.dumps(event)
        return _render_text(None, "info", event)

    def write(self, fields: Mapping[str, Any]) -> None:
        """Log the line of ``fields`` at ``info`` (unless the level is above)."""
        logger = self.logger
        if not logger.isEnabledFor(logging.INFO):
            return
        record = logger.makeRecord(
            REQUEST_LOGGER,
            logging.INFO,
            __file__,
            0,
            self.render(fields),
            (),
            None,
            extra={_RENDERED: True},
        )
        logger.handle(record)


def resolve_format(format_: str, stream: TextIO | None = None) -> str:
    """``text`` or ``json``: ``auto`` is ``text`` on a terminal, else ``json``."""
    if format_ not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}, got {format_!r}")
    if format_ != "auto":
        return format_
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return "text" if callable(isatty) and isatty() else "json"


_OUR_LOGGERS = ("studiocore", "studiocore_http", "studiocore_sql")
_SERVER_LOGGERS = ("litestar",)
"""uvicorn's own loggers are left to the server's logging configuration
(``studiocore serve`` gives them a handler writing straight to stderr in this
format): its last records ("Finished server process") come after the app's
shutdown, when the queue of the app's handler no longer runs."""
_REQUEST_HANDLER = "studiocore_request_line"
_QUIET_LOGGERS = ("httpx", "httpcore", "uvicorn.access")
"""Warnings only: at ``info`` httpx logs every URL it calls (a webhook
receiver's URL may carry a token in its query string), and uvicorn's access
line would repeat the request line with the query string (a credential in a
calendar feed link)."""


def logging_config(format_: str, level: str) -> LoggingConfig:
    """Litestar's logging configuration rendering every record in ``format_``
    (``auto``, ``text`` or ``json``) from ``level`` (``debug`` ... ``error``) up.

    Our loggers and Litestar's propagate to the root
    logger, whose one handler is Litestar's queue handler writing to stderr.
    The request line is the exception: its logger writes its finished line
    to stderr itself, on the request's thread, as uvicorn's access log does.
    One short write costs a request less than waking the queue's thread for
    it, which then competes with the event loop (benchmarks/RESULTS.md).
    Also configures structlog so that ``structlog.get_logger()`` writes through
    the same handler."""
    if level not in LOG_LEVELS:
        raise ValueError(f"log level must be one of {', '.join(LOG_LEVELS)}, got {level!r}")
    rendered = resolve_format(format_)
    handlers = deepcopy(default_handlers)
    for handler in handlers.values():
        if "formatter" in handler:
            handler["formatter"] = "studiocore"
    # The filter runs where the record is made (the request's context); the
    # formatting may happen later on the queue's thread.
    handlers["queue_listener"]["filters"] = ["request_id"]
    handlers[_REQUEST_HANDLER] = {
        "class": "logging.StreamHandler",
        "formatter": "studiocore",
        "stream": "ext://sys.stderr",
    }
    upper = level.upper()
    loggers: dict[str, dict[str, Any]] = {
        name: {"level": upper, "handlers": [], "propagate": True}
        for name in (*_OUR_LOGGERS, *_SERVER_LOGGERS)
    }
    loggers[REQUEST_LOGGER] = {"level": upper, "handlers": [_REQUEST_HANDLER], "propagate": False}
    quiet = upper if upper in {"WARNING", "ERROR"} else "WARNING"
    for name in _QUIET_LOGGERS:
        loggers[name] = {"level": quiet, "handlers": [], "propagate": True}
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_chain(foreign=False),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return LoggingConfig(
        formatters={"studiocore": {"()": make_formatter, "format_": rendered}},
        filters={"request_id": {"()": RequestIdFilter}},
        handlers=handlers,
        root={"level": upper, "handlers": ["queue_listener"]},
        loggers=loggers,
        log_exceptions="never",  # the 500 handler logs each one, once
    )


def request_fields(
    *,
    request_id: str,
    method: str,
    route: str,
    status: int,
    latency_ms: float,
    user_uid: str | None,
    client: str | None,
) -> Mapping[str, Any]:
    """The fields of the request line, in the order they are shown."""
    return {
        "request_id": request_id,
        "method": method,
        "route": route,
        "status": status,
        "latency_ms": round(latency_ms, 2),
        "user_uid": user_uid,
        "client": client,
    }
