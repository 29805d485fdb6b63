"""The handlers of a show's links (MCs, platforms, materials), from one factory.

Every kind of link has the same endpoints under ``/shows/{uid}``, differing only
in names and structs; each handler is one call of the shows service (for the
MCs, ``kind`` is ``mc``, its struct ``ShowMC``):

======  ========================  =================  ==================================  ======
method  path                      operation id       service call                        answer
======  ========================  =================  ==================================  ======
GET     ``/{uid}/mcs``            ``ListShowMCs``    ``mcs(uid)``                        200
POST    ``/{uid}/mcs``            ``AddShowMC``      ``add_mc(uid, **body)``             201
PATCH   ``/{uid}/mcs/{mc_uid}``   ``UpdateShowMC``   ``update_mc(uid, mc_uid, changes)`` 200
DELETE  ``/{uid}/mcs/{mc_uid}``   ``RemoveShowMC``   ``remove_mc(uid, mc_uid)``          204
======  ========================  =================  ==================================  ======

A link without an ``update`` struct has no PATCH endpoint. As in
:mod:`studiocore_http.shared.crud`, each generated function gets the concrete
struct types in its annotations, and the linked uid's path parameter
(``mc_uid``) its name in ``__signature__``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, cast

import attrs
from litestar import Controller, delete, get, patch, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from studiocore import Actor, Services
from studiocore_http.errors import BODY_ERRORS, WRITE_ERRORS
from studiocore_http.shared.convert import changes, many, one, payload
from studiocore_http.shared.crud import named_handler
from studiocore_http.shared.params import ActorDep, ServicesDep
from studiocore_http.shared.routes import Described, operation
from studiocore_http.shared.schemas import Input, Output
from studiocore_http.shared.wording import (
    FIELD_ERRORS,
    FORBIDDEN,
    NOT_FOUND,
    PATCH_RULE,
    who_may,
)

__all__ = ["ShowLink", "link_handlers"]


@attrs.frozen
class ShowLink:
    """A kind of show link: ``kind`` names the service methods, the path and its
    parameter; ``read`` (whose name is the operations' stem) is the response
    struct, ``create`` / ``update`` the POST / PATCH bodies; ``noun`` names one
    linked record in the API document ("an MC"); ``add_doc`` and ``update_doc`` say
    more about adding one and changing the link."""

    kind: str
    read: type[Output]
    create: type[Input]
    update: type[Input] | None = None
    noun: str = "a record"
    add_doc: str = ""
    update_doc: str = ""

    def documents(self) -> dict[str, Described]:
        """The summary and description of each operation, by verb."""
        noun, plain = self.noun, self.noun.split(" ", 1)[1]
        table = f"show_{self.kind}s"
        read = f"{who_may(table, 'read')} {NOT_FOUND}"
        write = f"{who_may(table, 'write')} {FORBIDDEN} {NOT_FOUND}"
        proposed = (
            "On a show of a schedule proposed to its client, a change request does this "
            "instead (a direct change is a 409)."
        )
        return {
            "list": Described(
                summary=f"List a show's {plain}s",
                description=f"The {plain}s linked to a show, with the link's own fields.\n\n{read}",
            ),
            "add": Described(
                summary=f"Add {noun} to a show",
                description=f"Links {noun} to a show (201). {self.add_doc} Linking the "
                f"same {plain} twice is a 409. {proposed}\n\n{write}\n\n{FIELD_ERRORS}",
            ),
            "update": Described(
                summary=f"Change {noun}'s link to a show",
                description=f"Changes the fields of the link between a show and {noun}. "
                f"{self.update_doc} {PATCH_RULE}\n\n{write}\n\n{FIELD_ERRORS}",
            ),
            "remove": Described(
                summary=f"Remove {noun} from a show",
                description=f"Unlinks {noun} from a show (204). {proposed}\n\n{write}",
            ),
        }


def _handler(
    fn: Callable[..., Any],
    owner: str,
    name: str,
    returns: object,
    *,
    linked: str = "",
    data: object = None,
) -> Callable[..., Any]:
    """``fn`` as the method ``name`` of the controller ``owner`` (``module.Class``),
    with the parameters Litestar reads: the show's ``uid``, then the path
    parameter ``linked`` and the body ``data`` if given."""
    params: dict[str, object] = {"services": ServicesDep, "actor": ActorDep, "uid": FromPath[str]}
    if linked:
        params[linked] = FromPath[str]
    if data is not None:
        params["data"] = cast(Any, JSONBody)[data]
    keyword = inspect.Parameter.KEYWORD_ONLY
    fn.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            *(inspect.Parameter(n, keyword, annotation=a) for n, a in params.items()),
        ],
        return_annotation=returns,
    )
    named_handler(fn, name, returns, **params)
    fn.__module__, _, controller = owner.rpartition(".")
    fn.__qualname__ = f"{controller}.{name}"
    return fn


def link_handlers(link: ShowLink, owner: str) -> tuple[HTTPRouteHandler, ...]:
    """list, add, (update,) remove: the handlers of ``link`` for the controller
    ``owner`` (``module.Class``; Litestar orders a controller's handlers, and so
    its routes, by their qualified names)."""
    kind, read = link.kind, link.read
    plural, stem, linked = f"{kind}s", read.__name__, f"{kind}_uid"

    def list_links(self: Controller, *, services: Services, actor: Actor, uid: str) -> list[Output]:
        return many(read, getattr(services.shows, plural)(uid, actor=actor))

    def add_link(
        self: Controller, *, services: Services, actor: Actor, uid: str, data: Input
    ) -> Output:
        add = getattr(services.shows, f"add_{kind}")
        return one(read, add(uid, **payload(data), actor=actor))

    def update_link(
        self: Controller, *, services: Services, actor: Actor, uid: str, data: Input, **ids: str
    ) -> Output:
        update = getattr(services.shows, f"update_{kind}")
        return one(read, update(uid, ids[linked], changes(data), actor=actor))

    def remove_link(
        self: Controller, *, services: Services, actor: Actor, uid: str, **ids: str
    ) -> None:
        getattr(services.shows, f"remove_{kind}")(uid, ids[linked], actor=actor)

    docs = link.documents()
    collection, item = f"/{{uid:str}}/{plural}", f"/{{uid:str}}/{plural}/{{{linked}:str}}"
    handlers = [
        get(collection, **operation(f"List{stem}s", **docs["list"]))(
            _handler(list_links, owner, f"list_{plural}", list[read])  # type: ignore[valid-type]
        ),
        post(collection, **operation(f"Add{stem}", BODY_ERRORS, **docs["add"]))(
            _handler(add_link, owner, f"add_{kind}", read, data=link.create)
        ),
    ]
    if link.update is not None:
        handlers.append(
            patch(item, **operation(f"Update{stem}", BODY_ERRORS, **docs["update"]))(
                _handler(
                    update_link, owner, f"update_{kind}", read, linked=linked, data=link.update
                )
            )
        )
    handlers.append(
        delete(
            item, **operation(f"Remove{stem}", WRITE_ERRORS, HTTP_204_NO_CONTENT, **docs["remove"])
        )(_handler(remove_link, owner, f"remove_{kind}", None, linked=linked))
    )
    return tuple(handlers)
