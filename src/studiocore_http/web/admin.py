"""The admin pages: list (search by name, page, soft-deleted ones), detail,
create, edit, soft delete and restore for every entity people manage, each
generated from one :class:`AdminEntity` description. The core's services do
the work with the signed-in user's actor: what they may not read answers 404,
what they may not change is refused with the rule, and a refused field is
shown next to its input."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from studiocore import (
    Actor,
    Deleted,
    Entity,
    GroupType,
    NotFoundError,
    Services,
    StudioError,
    ValidationError,
)
from studiocore.ports import Contains, sortable_fields

from .admin_entities import ADMIN_ENTITIES, AdminEntity, Field
from .common import Form, Viewer, flash, page, redirect, services_of

__all__ = ["ADMIN_ROUTES"]

PAGE_SIZE = 25
Req = Request[Any, Any, Any]
Segment = FromPath[str]
"""A segment of the page's path."""


_BY_SLUG = {e.slug: e for e in ADMIN_ENTITIES}
_GROUP_SERVICES = {
    GroupType.STUDIO: "studios",
    GroupType.CLIENT: "clients",
    GroupType.PLATFORM: "platforms",
}


def _entity(slug: str) -> AdminEntity:
    found = _BY_SLUG.get(slug)
    if found is None:
        raise NotFoundError("page", f"/admin/{slug}")
    return found


def _names(services: Services, service: str, actor: Actor) -> dict[str, str]:
    """The records of ``service`` the actor may read, uid -> name (or e-mail)."""
    records = getattr(services, service).list(actor=actor)
    return {r.uid: getattr(r, "name", None) or r.uid for r in records}


def _options(
    services: Services, admin: AdminEntity, actor: Actor
) -> dict[str, list[tuple[str, str]]]:
    """The choices of each select of ``admin``'s form, (value, label) pairs."""
    options: dict[str, list[tuple[str, str]]] = {}
    for f in admin.fields:
        if f.kind == "choice":
            options[f.name] = [(c, c) for c in f.choices]
        elif f.kind == "ref" and f.ref:
            names = _names(services, f.ref, actor)
            options[f.name] = sorted(names.items(), key=lambda item: item[1].casefold())
        elif f.kind == "group":
            options[f.name] = [
                (uid, f"{kind.value}: {name}")
                for kind, service in _GROUP_SERVICES.items()
                for uid, name in sorted(
                    _names(services, service, actor).items(), key=lambda i: i[1]
                )
            ]
        elif f.kind == "lookup" and f.lookup is not None:
            entries = services.lookups[f.lookup].list(actor=actor)
            options[f.name] = sorted((e.name, e.name) for e in entries)
    return options


def _shown(record: Entity, f: Field, labels: Mapping[str, Mapping[str, str]]) -> str:
    """A field of ``record`` as a person reads it."""
    value = getattr(record, f.name)
    if value is None or value == "":
        return "-"
    if f.kind in {"ref", "group"}:
        return labels.get(f.name, {}).get(value, value)
    if f.kind == "bool":
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(getattr(value, "value", value))


def _form_value(record: Entity | None, f: Field) -> str:
    value = None if record is None else getattr(record, f.name)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, bool):
        return "on" if value else ""
    return str(getattr(value, "value", value))


def _current(record: Entity, name: str) -> object:
    value = getattr(record, name)
    return getattr(value, "value", value)


def _parse(admin: AdminEntity, form: Mapping[str, str], *, creating: bool) -> dict[str, Any]:
    """The form's fields as the service takes them; a value that is not of its
    kind is a :class:`ValidationError` naming the field."""
    values: dict[str, Any] = {}
    for f in admin.fields:
        if not creating and not f.editable:
            continue
        raw = (form.get(f.name) or "").strip()
        if f.kind == "bool":
            values[f.name] = raw == "on"
        elif raw == "":
            if f.required:
                raise ValidationError(f.name, "is required")
            values[f.name] = None
        elif f.kind == "number":
            try:
                values[f.name] = int(raw)
            except ValueError:
                raise ValidationError(f.name, "must be a whole number") from None
        elif f.kind == "datetime":
            try:
                values[f.name] = datetime.fromisoformat(raw).replace(tzinfo=UTC)
            except ValueError:
                raise ValidationError(
                    f.name, "must be a date and time (YYYY-MM-DDTHH:MM)"
                ) from None
        else:
            values[f.name] = raw
    if creating:  # leave out what was not given: the service's defaults apply
        values = {k: v for k, v in values.items() if v is not None}
    return values


# --------------------------------------------------------------------------- pages


@get("/admin", sync_to_thread=False, include_in_schema=False)
def admin_index(request: Req, viewer: Viewer) -> Template:
    return page(request, "admin_index.html", entities=ADMIN_ENTITIES)


@get("/admin/{slug:str}", sync_to_thread=True, include_in_schema=False)
def admin_list(request: Req, viewer: Viewer, slug: Segment) -> Template:
    """One page of the records the user may see: found by name, filtered by
    the listed choices and references, sorted by a column, if asked."""
    services = services_of(request)
    admin = _entity(slug)
    service = admin.service(services)
    query = request.query_params
    search = (query.get("q") or "").strip()
    deleted = query.get("deleted") == "only"
    try:
        offset = max(0, int(query.get("offset") or 0))
    except ValueError:
        offset = 0
    listed = [f for f in admin.fields if f.listed]
    options = _options(services, admin, viewer)  # what a reference's uid is called
    where: dict[str, object] = {admin.search: Contains(search)} if search and admin.search else {}
    filters = [f for f in listed if f.name in options]
    chosen = {f.name: query.get(f.name, "") for f in filters}
    for name, value in chosen.items():
        if value and value in dict(options[name]):
            where[name] = value
    sortable = sortable_fields(service.entity_type) & {f.name for f in listed}
    sort = query.get("sort") or ""
    if sort.removeprefix("-") not in sortable:
        sort = ""
    found = service.page(
        where=where or None,
        limit=PAGE_SIZE,
        offset=offset,
        deleted=Deleted.ONLY if deleted else Deleted.EXCLUDE,
        order_by=[sort] if sort else (),
        actor=viewer,
    )
    labels = {f.name: dict(options[f.name]) for f in listed if f.kind in {"ref", "group"}}
    rows = [{"uid": r.uid, "cells": [_shown(r, f, labels) for f in listed]} for r in found.items]
    kept = {"q": search, **{k: v for k, v in chosen.items() if k in where}}
    if deleted:
        kept["deleted"] = "only"
    return page(
        request,
        "admin_list.html",
        admin=admin,
        search=search,
        deleted=deleted,
        rows=rows,
        columns=[(f, f.name in sortable) for f in listed],
        found=found,
        filters=[(f, options[f.name], chosen[f.name]) for f in filters],
        sort=sort,
        sorted_by=next((f.label for f in listed if sort and f.name == sort.lstrip("-")), ""),
        here=f"/admin/{admin.slug}?{urlencode(kept)}",
    )


def _form_page(
    request: Req,
    admin: AdminEntity,
    viewer: Actor,
    record: Entity | None,
    *,
    form: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> Template:
    services = services_of(request)
    values = (
        dict(form) if form is not None else {f.name: _form_value(record, f) for f in admin.fields}
    )
    steps: frozenset[str] = frozenset()
    if record is not None:
        asked = ["update", "restore"] if record.deleted_at else ["update", "delete"]
        steps = admin.service(services).permitted(record.uid, asked, actor=viewer)
    return page(
        request,
        "admin_form.html",
        status_code=422 if errors else 200,
        admin=admin,
        record=record,
        values=values,
        errors=errors or {},
        options=_options(services, admin, viewer),
        steps=steps,
    )


def _refused(exc: ValidationError, admin: AdminEntity) -> dict[str, str]:
    """The refusal next to its field (or, for another field, at the top)."""
    field = exc.field.removeprefix("where.")
    return {
        field if admin.field(field) else "_form": exc.reason if admin.field(field) else str(exc)
    }


@get("/admin/{slug:str}/new", sync_to_thread=True, include_in_schema=False)
def admin_new(request: Req, viewer: Viewer, slug: Segment) -> Template:
    return _form_page(request, _entity(slug), viewer, None)


@post("/admin/{slug:str}/new", sync_to_thread=True, include_in_schema=False)
def admin_create(request: Req, viewer: Viewer, slug: Segment, data: Form) -> Template | Redirect:
    admin = _entity(slug)
    try:
        service: Any = admin.service(services_of(request))  # every create takes its fields by name
        record = service.create(**_parse(admin, data, creating=True), actor=viewer)
    except ValidationError as exc:
        return _form_page(request, admin, viewer, None, form=data, errors=_refused(exc, admin))
    except StudioError as exc:
        return _form_page(request, admin, viewer, None, form=data, errors={"_form": str(exc)})
    flash(request, f"The {admin.singular} {getattr(record, 'name', record.uid)} was created.")
    return redirect(request, f"/admin/{slug}/{record.uid}")


@get("/admin/{slug:str}/{uid:str}", sync_to_thread=True, include_in_schema=False)
def admin_detail(request: Req, viewer: Viewer, slug: Segment, uid: Segment) -> Template:
    admin = _entity(slug)
    record = admin.service(services_of(request)).get(uid, include_deleted=True, actor=viewer)
    return _form_page(request, admin, viewer, record)


@post("/admin/{slug:str}/{uid:str}", sync_to_thread=True, include_in_schema=False)
def admin_update(
    request: Req,
    viewer: Viewer,
    slug: Segment,
    uid: Segment,
    data: Form,
) -> Template | Redirect:
    admin = _entity(slug)
    service = admin.service(services_of(request))
    record = service.get(uid, include_deleted=True, actor=viewer)
    try:
        wanted = _parse(admin, data, creating=False)
        changes = {k: v for k, v in wanted.items() if v != _current(record, k)}
        if changes:
            service.update(uid, changes, actor=viewer)
    except ValidationError as exc:
        return _form_page(request, admin, viewer, record, form=data, errors=_refused(exc, admin))
    except StudioError as exc:
        return _form_page(request, admin, viewer, record, form=data, errors={"_form": str(exc)})
    flash(request, "Saved." if changes else "Nothing changed.")
    return redirect(request, f"/admin/{slug}/{uid}")


@post("/admin/{slug:str}/{uid:str}/{step:str}", sync_to_thread=True, include_in_schema=False)
def admin_step(
    request: Req,
    viewer: Viewer,
    slug: Segment,
    uid: Segment,
    step: Segment,
) -> Redirect:
    """Soft delete or restore."""
    admin = _entity(slug)
    if step not in {"delete", "restore"}:
        raise NotFoundError("page", f"/admin/{slug}/{uid}/{step}")
    try:
        getattr(admin.service(services_of(request)), step)(uid, actor=viewer)
    except NotFoundError:
        raise
    except StudioError as exc:
        flash(request, str(exc), "error")
    else:
        flash(request, "Deleted (it can be restored)." if step == "delete" else "Restored.")
    return redirect(request, f"/admin/{slug}/{uid}")


ADMIN_ROUTES = [
    admin_index,
    admin_list,
    admin_new,
    admin_create,
    admin_detail,
    admin_update,
    admin_step,
]
