"""The workflow steps a page offers as buttons, described once each: which
state of the record offers it, which use case the core is asked about, what it
runs and what it says when done. A page shows a step's button only when the
record's state offers it and the core permits the signed-in user to take it
(``permitted``); the one POST handler per page runs it (internal)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
from litestar import Request, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import Redirect

from studiocore import Actor, ConflictError, Entity, NotFoundError, Services, StudioError

from .common import Form, Viewer, flash, redirect, services_of

__all__ = ["Step", "offered", "step_route"]


def _always(_: Any) -> bool:
    return True


@attrs.frozen
class Step:
    """One button of a record's page: the service method it runs on the
    record (with the text of its field, if it asks for one, as the keyword of
    that name), when the record offers it, and what to say once it is done."""

    method: str
    """The service method it runs (``send_back``); the button posts to its
    name with dashes (``send-back``)."""
    label: str
    done: str
    when: Callable[[Any], bool] = _always
    """Whether the record, as it stands, offers the step."""
    use_case: str = attrs.field(kw_only=True)
    """The use case the access policy is asked about (default: :attr:`method`)."""
    field: str | None = attrs.field(default=None, kw_only=True)
    """The text field the step asks for, if any (passed as that keyword)."""
    required: bool = attrs.field(default=False, kw_only=True)
    prompt: str = attrs.field(kw_only=True)
    """The field's label (default: its name, and whether it is optional)."""

    @use_case.default
    def _method(self) -> str:
        return self.method

    @prompt.default
    def _field_name(self) -> str:
        name = (self.field or "").capitalize()
        return name if self.required else f"{name} (optional)"

    @property
    def name(self) -> str:
        return self.method.replace("_", "-")

    def run(self, service: Any, uid: str, form: Mapping[str, str], actor: Actor) -> object:
        text = {self.field: form.get(self.field, "").strip() or None} if self.field else {}
        return getattr(service, self.method)(uid, **text, actor=actor)


def offered(steps: Sequence[Step], service: Any, record: Entity, actor: Actor) -> list[Step]:
    """The steps of ``record``'s page: those its state offers and the core
    permits ``actor`` to take."""
    candidates = [s for s in steps if s.when(record)]
    if not candidates:
        return []
    allowed = service.permitted(record.uid, {s.use_case for s in candidates}, actor=actor)
    return [s for s in candidates if s.use_case in allowed]


def step_route(
    path: str, steps: Sequence[Step], service: Callable[[Services], Any]
) -> HTTPRouteHandler:
    """The handler of the forms that ``steps`` post to ``{path}/{uid}/{step}``:
    it runs the step and goes back to the record's page with the outcome as a
    message, the core's refusal (a conflict report, a rule, a permission) in
    its own words. A step that does not exist, or a record the user may not
    see, is a 404."""
    by_name = {s.name: s for s in steps}

    @post(f"{path}/{{uid:str}}/{{step:str}}", sync_to_thread=True, include_in_schema=False)
    def take_step(
        request: Request[Any, Any, Any],
        viewer: Viewer,
        uid: FromPath[str],
        step: FromPath[str],
        data: Form,
    ) -> Redirect:
        back_to = f"{path}/{uid}"
        chosen = by_name.get(step)
        if chosen is None:
            raise NotFoundError("page", f"{back_to}/{step}")
        try:
            chosen.run(service(services_of(request)), uid, data, viewer)
        except ConflictError as exc:
            flash(request, " ".join([str(exc), *(c.reason for c in exc.conflicts)]), "error")
        except NotFoundError:
            raise
        except StudioError as exc:
            flash(request, str(exc), "error")
        else:
            flash(request, chosen.done)
        return redirect(request, back_to)

    return take_step
