"""Checks every request passes before its handler's parameters are decoded.

Litestar's decoding is lenient where the API must not be; one ``before_request``
hook (:func:`check_request`, registered on the app) refuses, for every endpoint:

* a query parameter the handler does not declare: 422 naming it (an unknown
  filter such as ``?studo_uid=`` must not answer every row unfiltered);
* a NUL character in a path or query parameter: 422 naming it (PostgreSQL text
  cannot hold one);
* a body sent to a body-taking endpoint with a content type other than JSON
  (``application/json``, optionally ``; charset=utf-8``, or ``application/*+json``):
  415;
* a JSON body nested deeper than :data:`MAX_JSON_DEPTH` arrays and objects: 400
  naming the limit, before the decoder (or a recursive walk of the decoded
  value) could exhaust the stack.

What a handler declares is read from the model Litestar itself extracts its
parameters with (each ``HTTPRoute.route_handler_map``), once per handler, so the
checks need no list of parameters of their own.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
from litestar import Litestar, Request
from litestar.exceptions import ClientException, HTTPException
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE

from studiocore import ValidationError
from studiocore.errors import FieldProblem

__all__ = ["MAX_JSON_DEPTH", "check_request", "json_depth_exceeds", "refuse_nul_parameters"]

MAX_JSON_DEPTH = 64
"""The deepest nesting of arrays and objects a JSON body may have."""

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")
_JSON_MEDIA = re.compile(r"application/(?:[\w.+-]+\+)?json", re.IGNORECASE)
_OPENERS = frozenset({b"[", b"{"})


def json_depth_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``body`` nests arrays and objects deeper than ``limit``.

    A linear scan without recursion: strings (which may hold brackets) are
    blanked out, then the brackets are counted. Malformed JSON is left to the
    decoder."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub(b'""', body)):
        if bracket.group() in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


@attrs.frozen
class _Declared:
    """What a handler accepts: its query parameters (``None``: any, the handler
    reads the whole query) and whether it takes a body."""

    query: frozenset[str] | None
    takes_body: bool


def _declared(app: Litestar) -> dict[HTTPRouteHandler, _Declared]:
    found: dict[HTTPRouteHandler, _Declared] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler, model in route.route_handler_map.values():
            reserved = model.expected_reserved_kwargs
            found[handler] = _Declared(
                query=None
                if "query" in reserved
                else frozenset(p.field_alias for p in model.expected_query_params),
                takes_body="data" in reserved or "body" in reserved,
            )
    return found


_DECLARED_KEY = "studiocore_declared_parameters"


def _declared_for(request: Request[Any, Any, Any]) -> _Declared | None:
    state = request.app.state
    index: dict[HTTPRouteHandler, _Declared] | None = state.get(_DECLARED_KEY)
    if index is None:
        index = _declared(request.app)
        state[_DECLARED_KEY] = index
    return index.get(request.route_handler)


def refuse_nul_parameters(request: Request[Any, Any, Any]) -> None:
    for name, value in [*request.path_params.items(), *request.query_params.multi_items()]:
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError(name, "must not contain NUL characters")


def _refuse_unknown_query_parameters(
    request: Request[Any, Any, Any], declared: frozenset[str]
) -> None:
    unknown = [name for name in request.query_params if name not in declared]
    if not unknown:
        return
    accepted = ", ".join(sorted(declared)) or "none"
    reason = f"unknown query parameter (this endpoint accepts: {accepted})"
    raise ValidationError(
        unknown[0], reason, problems=[FieldProblem(name, reason) for name in unknown]
    )


def _refuse_other_media_types(request: Request[Any, Any, Any]) -> None:
    raw = request.headers.get("content-type", "")
    media_type, _, parameters = raw.partition(";")
    charset = re.search(r"charset\s*=\s*\"?([\w-]+)", parameters, re.IGNORECASE)
    if _JSON_MEDIA.fullmatch(media_type.strip()) and (
        charset is None or charset.group(1).lower() in {"utf-8", "utf8"}
    ):
        return
    raise HTTPException(
        status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        detail=f"the body must be JSON (Content-Type: application/json), not {raw or 'untyped'}",
        extra={"content_type": raw or None, "accepted": ["application/json", "application/*+json"]},
    )


async def check_request(request: Request[Any, Any, Any]) -> None:
    """The app's ``before_request`` hook: the checks of the module docstring."""
    refuse_nul_parameters(request)
    declared = _declared_for(request)
    if declared is None:  # not a route handler of this app's routes (cannot happen)
        return
    if declared.query is not None:
        _refuse_unknown_query_parameters(request, declared.query)
    if declared.takes_body:
        _refuse_other_media_types(request)
        if json_depth_exceeds(await request.body()):
            raise ClientException(
                f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels "
                "of arrays and objects",
                extra={"max_depth": MAX_JSON_DEPTH},
            )
