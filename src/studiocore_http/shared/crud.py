"""A CRUD controller from a small declaration.

The plain resources (studios, rooms, clients, users, MCs, platforms, materials,
tags and the lookup tables) differ only in path, names, service and structs;
each of their handlers is one service call:

=======  =========  ==================  ==================================  ======
method   path       operation id        service call                        answer
=======  =========  ==================  ==================================  ======
GET      ``/``      ``List<Plural>``    ``page(where=filters, limit, ...)``  200
POST     ``/``      ``Create<Stem>``    ``create(**body)``                   201
GET      ``/{uid}`` ``Get<Stem>``       ``get(uid)``                         200
PATCH    ``/{uid}`` ``Update<Stem>``    ``update(uid, changes)``             200
DELETE   ``/{uid}`` ``Delete<Stem>``    ``delete(uid)`` (soft)               204
=======  =========  ==================  ==================================  ======

Every call passes the request's ``actor``: the service authorizes it. A feature
with endpoints of its own subclasses the controller that :func:`crud_controller`
returns. Each operation's summary and description in the OpenAPI document are
built from the resource's :class:`~studiocore_http.shared.wording.Wording`.

Litestar reads a handler's parameters and body type from its signature at
runtime, so the factory gives each generated function the concrete struct types
of its resource (``__annotations__``) and, for the list handler, one keyword
parameter per declared filter (``__signature__``).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, NamedTuple, cast

import attrs
from litestar import Controller, delete, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from studiocore import Actor, Services, ValidationError
from studiocore_http.errors import BODY_ERRORS, READ_ERRORS, WRITE_ERRORS

from .convert import changes, one, page, payload
from .examples import OperationExamples
from .params import DEFAULT_LIMIT, ActorDep, Limit, Offset, ServicesDep, Sort, order_by, where
from .routes import operation
from .schemas import Input, Output
from .wording import Wording

__all__ = ["Bodies", "CrudResource", "QueryFilter", "ServiceOf", "crud_controller", "named_handler"]

ServiceOf = Callable[[Services], Any]
"""Picks the resource's service from the facade (``lambda sv: sv.studios``)."""


class Bodies(NamedTuple):
    """A plain resource's three bodies, which its schemas module declares once
    (``STUDIO_BODIES``) for its :class:`CrudResource`."""

    read: type[Output]
    """The response."""
    create: type[Input]
    """The POST body."""
    update: type[Input]
    """The PATCH body."""


@attrs.frozen
class QueryFilter:
    """An optional equality filter of a listing, read from the query string as
    a ``value_type`` (an enum's unknown value is a 422, not an empty page)."""

    name: str
    description: str | None = "Only rows with this value."
    value_type: Any = attrs.field(default=str, kw_only=True)


def _stem(resource: CrudResource) -> str:
    return resource.bodies.read.__name__


def _plural(resource: CrudResource) -> str:
    return f"{resource.stem}s"


def _tag(resource: CrudResource) -> str:
    return resource.path.strip("/")


@attrs.frozen
class CrudResource:
    """The declaration of a plain resource's CRUD endpoints: its ``path``, the
    ``service`` that owns it, its ``bodies`` (the response struct ``read``
    and the POST / PATCH bodies ``create`` / ``update``) and its ``wording`` (how
    the OpenAPI document describes its operations).

    ``stem`` and ``plural`` (default: the name of ``read``, plus ``s``) name the
    operations (``GetStudioRoom``, ``ListStudioRooms``) and, in snake case, the
    handlers; ``filters`` are the listing's equality filters; ``examples`` the
    request and response examples of some operations, by verb (``create``); ``tag`` groups the
    operations in the OpenAPI document (default: the path).
    """

    path: str
    service: ServiceOf
    bodies: Bodies
    wording: Wording
    filters: tuple[QueryFilter, ...] = attrs.field(default=(), kw_only=True)
    examples: Mapping[str, OperationExamples] = attrs.field(factory=dict, kw_only=True)
    stem: str = attrs.field(default=attrs.Factory(_stem, takes_self=True), kw_only=True)
    plural: str = attrs.field(default=attrs.Factory(_plural, takes_self=True), kw_only=True)
    tag: str = attrs.field(default=attrs.Factory(_tag, takes_self=True), kw_only=True)


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def named_handler(
    fn: Callable[..., Any], name: str, returns: object, /, **annotations: object
) -> Callable[..., Any]:
    """``fn`` renamed (Litestar derives the OpenAPI summary from the name), with
    the resource's concrete types in its annotations."""
    fn.__name__ = fn.__qualname__ = name
    fn.__annotations__ = {**fn.__annotations__, **annotations, "return": returns}
    return fn


def _list_signature(resource: CrudResource) -> inspect.Signature:
    keyword = inspect.Parameter.KEYWORD_ONLY
    return inspect.Signature(
        [
            inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            inspect.Parameter("services", keyword, annotation=ServicesDep),
            inspect.Parameter("actor", keyword, annotation=ActorDep),
            *(
                inspect.Parameter(
                    f.name,
                    keyword,
                    default=None,
                    annotation=Annotated[
                        f.value_type | None, QueryParameter(description=f.description)
                    ],
                )
                for f in resource.filters
            ),
            inspect.Parameter("sort", keyword, default=None, annotation=Sort),
            inspect.Parameter("limit", keyword, default=DEFAULT_LIMIT, annotation=Limit),
            inspect.Parameter("offset", keyword, default=0, annotation=Offset),
        ],
        return_annotation=cast(Any, OffsetPagination)[resource.bodies.read],
    )


def crud_controller(resource: CrudResource) -> type[Controller]:
    """The controller of ``resource``: list, create, get, update, delete."""
    service_of = resource.service
    read, create, update = resource.bodies
    snake, snake_plural = _snake(resource.stem), _snake(resource.plural)
    body = cast(Any, JSONBody)

    def list_items(
        self: Controller,
        *,
        services: Services,
        actor: Actor,
        sort: str | None,
        limit: int,
        offset: int,
        **filters: str | None,
    ) -> OffsetPagination[Output]:
        try:
            result = service_of(services).page(
                where=where(**filters),
                limit=limit,
                offset=offset,
                order_by=order_by(sort),
                actor=actor,
            )
        except ValidationError as exc:
            if exc.field != "order_by":
                raise
            raise ValidationError("sort", exc.reason) from None  # as the caller named it
        return page(read, result)

    signature = _list_signature(resource)
    listing = named_handler(
        list_items,
        f"list_{snake_plural}",
        signature.return_annotation,
        **{name: p.annotation for name, p in signature.parameters.items() if name != "self"},
    )
    listing.__signature__ = signature  # type: ignore[attr-defined]

    def create_item(
        self: Controller, services: ServicesDep, actor: ActorDep, data: Input
    ) -> Output:
        return one(read, service_of(services).create(**payload(data), actor=actor))

    def get_item(
        self: Controller, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> Output:
        return one(read, service_of(services).get(uid, actor=actor))

    def update_item(
        self: Controller, services: ServicesDep, actor: ActorDep, uid: FromPath[str], data: Input
    ) -> Output:
        return one(read, service_of(services).update(uid, changes(data), actor=actor))

    def delete_item(
        self: Controller, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> None:
        service_of(services).delete(uid, actor=actor)

    def route(
        method: Callable[..., Any],
        verb: str,
        fn: Callable[..., Any],
        raises: Any,
        returns: object = read,
        *,
        data: type[Input] | None = None,
        on_item: bool = True,
        status_code: int | None = None,
    ) -> Any:
        """``fn`` as the handler ``<verb>_<stem>`` of operation ``<Verb><Stem>`` on
        one item (``/{uid}``) or on the collection; ``data`` types its body."""
        path = ("/{uid:str}",) if on_item else ()
        annotations = {} if data is None else {"data": body[data]}
        handler = named_handler(fn, f"{verb}_{snake}", returns, **annotations)
        options = operation(
            f"{verb.capitalize()}{resource.stem}",
            raises,
            status_code,
            summary=summaries[verb],
            description=descriptions[verb],
            examples=resource.examples.get(verb),
        )
        return method(*path, **options)(handler)

    summaries = resource.wording.summaries()
    descriptions = resource.wording.descriptions(tuple(f.name for f in resource.filters))
    list_options = operation(
        f"List{resource.plural}",
        summary=summaries["list"],
        description=descriptions["list"],
        examples=resource.examples.get("list"),
    )
    handlers = {
        "list_items": get(**list_options)(listing),
        "create_item": route(post, "create", create_item, BODY_ERRORS, data=create, on_item=False),
        "get_item": route(get, "get", get_item, READ_ERRORS),
        "update_item": route(patch, "update", update_item, BODY_ERRORS, data=update),
        "delete_item": route(
            delete, "delete", delete_item, WRITE_ERRORS, None, status_code=HTTP_204_NO_CONTENT
        ),
    }
    name = f"{resource.stem}Controller"
    return type(name, (Controller,), {"path": resource.path, "tags": [resource.tag], **handlers})
