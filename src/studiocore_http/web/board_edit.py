"""Changing the board: a new draft in free time, and a show's page where it is
moved (a draft directly, a confirmed show of a schedule through a change
request), with the conflicts the move would meet checked before it is made."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from studiocore import (
    Actor,
    ConflictError,
    GroupType,
    MembershipRole,
    Services,
    Show,
    ShowStatus,
    Studio,
    StudioError,
    UserRole,
    ValidationError,
)
from studiocore.scheduling import operational_day_of

from .board import editable_plans
from .comments import comment_panel
from .common import Form, Viewer, flash, local, page, redirect, services_of

__all__ = ["BOARD_EDIT_ROUTES"]

CATEGORIES = {
    "OPERATIONAL": "Operational (the studio's need)",
    "CLIENT_REQUESTED": "Requested by the client",
    "FORCE_MAJEURE": "Force majeure (applied at once)",
}


def _categories(viewer: Actor, studio: Studio | None) -> list[tuple[str, str]]:
    """The kinds of change the viewer may raise, the likeliest first: a
    studio's managers raise operational changes (or the client's, on its
    behalf), its admins also force majeure; a client's people what the client
    asks for. The form offers only these; the core still decides."""
    own = studio.uid if studio else ""
    admin = viewer.role is UserRole.ADMIN
    kinds = ["CLIENT_REQUESTED"]
    if admin or own in viewer.grants.groups(GroupType.STUDIO, MembershipRole.MANAGER):
        kinds.insert(0, "OPERATIONAL")
    if admin or own in viewer.grants.groups(GroupType.STUDIO, MembershipRole.ADMIN):
        kinds.append("FORCE_MAJEURE")
    return [(kind, CATEGORIES[kind]) for kind in kinds]


def _studio_of_room(services: Services, room_uid: str | None, actor: Actor) -> Studio | None:
    if not room_uid:
        return None
    room = services.studio_rooms.get(room_uid, actor=actor)
    return services.studios.get(room.studio_uid, actor=actor)


def _moment(form: Mapping[str, str], field: str, zone: ZoneInfo) -> datetime:
    """The local date and time the form's ``field`` holds, as an aware instant."""
    value = (form.get(field) or "").strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(field, "must be a date and time (YYYY-MM-DDTHH:MM)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def _field_value(moment: datetime, zone: ZoneInfo) -> str:
    """``moment`` as a ``datetime-local`` field shows it."""
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def _board_link(studio: Studio, moment: datetime) -> str:
    """The board of the operational day ``moment`` falls in."""
    day = operational_day_of(studio.time_zone, studio.operational_day_start_hour, moment)
    return f"/board?studio={studio.uid}&day={day.isoformat()}"


# --------------------------------------------------------------------------- a new draft


def _draft_form(
    request: Request[Any, Any, Any],
    studio: Studio,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    viewer: Actor,
) -> Template:
    services = services_of(request)
    rooms = services.studio_rooms.list(where={"studio_uid": studio.uid}, actor=viewer)
    return page(
        request,
        "draft_new.html",
        studio=studio,
        plans=editable_plans(services, studio, viewer),
        rooms=sorted(rooms, key=lambda r: r.name),
        mcs=sorted(services.mcs.list(actor=viewer), key=lambda m: m.name),
        values=values,
        errors=errors,
        status_code=422 if errors else 200,
    )


@get("/board/new", sync_to_thread=True, include_in_schema=False)
def new_draft(request: Request[Any, Any, Any], viewer: Viewer) -> Template:
    """The form of a new draft, filled in from the free time chosen on the board."""
    services = services_of(request)
    query = request.query_params
    studio = services.studios.get(query.get("studio") or "", actor=viewer)
    zone = ZoneInfo(studio.time_zone)
    try:
        start = datetime.fromisoformat(query.get("start") or "")
    except ValueError:
        day = query.get("day") or ""
        start = services.scheduling.operational_day(
            studio.uid,
            datetime.now(zone).date() if not day else datetime.fromisoformat(day).date(),
            actor=viewer,
        ).start + timedelta(hours=4)
    if start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    values = {
        "room": query.get("room") or "",
        "start": _field_value(start, zone),
        "end": _field_value(start + timedelta(hours=1), zone),
    }
    return _draft_form(request, studio, values, {}, viewer)


@post("/board/new", sync_to_thread=True, include_in_schema=False)
def create_draft(
    request: Request[Any, Any, Any], viewer: Viewer, data: Form
) -> Template | Redirect:
    """Add the draft to the chosen schedule; say what confirming it would meet now."""
    services = services_of(request)
    studio = services.studios.get(data.get("studio") or "", actor=viewer)
    zone = ZoneInfo(studio.time_zone)
    try:
        start, end = _moment(data, "start", zone), _moment(data, "end", zone)
        mc = data.get("mc") or None
        show = services.shows.create(
            (data.get("name") or "").strip(),
            start,
            end,
            studio_room_uid=data.get("room") or None,
            schedule_uid=data.get("schedule") or None,
            mc_uids=[mc] if mc else [],
            actor=viewer,
        ).show
    except ValidationError as exc:
        return _draft_form(request, studio, data, {_form_field(exc.field): exc.reason}, viewer)
    except StudioError as exc:
        flash(request, str(exc), "error")
        return _draft_form(request, studio, data, {}, viewer)
    conflicts = services.shows.check_move(show.uid, {}, actor=viewer)
    if conflicts:
        reasons = " ".join(c.reason for c in conflicts)
        flash(
            request, f'Draft "{show.name}" added; confirming it now would meet: {reasons}', "warn"
        )
    else:
        flash(request, f'Draft "{show.name}" added.')
    return redirect(request, _board_link(studio, show.show_start))


_PLACE_FIELDS = ("start", "end", "room")
_FORM_FIELDS = {
    "show_start": "start",
    "show_end": "end",
    "studio_room_uid": "room",
    "schedule_uid": "schedule",
    "mc_uids": "mc",
    "client_uid": "schedule",
}


def _form_field(field: str) -> str:
    """The form field a core error's field is entered in."""
    return _FORM_FIELDS.get(field.split("[", maxsplit=1)[0], field)


# --------------------------------------------------------------------------- a show


def _show_page(
    request: Request[Any, Any, Any],
    show: Show,
    viewer: Actor,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> Template:
    services = services_of(request)
    studio = _studio_of_room(services, show.studio_room_uid, viewer)
    zone = ZoneInfo(studio.time_zone if studio else "UTC")
    rooms = (
        services.studio_rooms.list(where={"studio_uid": studio.uid}, actor=viewer) if studio else []
    )
    hosts = services.shows.mcs(show.uid, actor=viewer)
    names = (
        {
            m.uid: m.name
            for m in services.mcs.list(where={"uid": [h.mc_uid for h in hosts]}, actor=viewer)
        }
        if hosts
        else {}
    )
    plan = services.schedules.get(show.schedule_uid, actor=viewer) if show.schedule_uid else None
    by_request = show.show_status is ShowStatus.CONFIRMED and plan is not None
    if plan is not None and by_request:
        movable = bool(services.schedules.permitted(plan.uid, ["propose"], actor=viewer))
    elif show.show_status in {ShowStatus.DRAFT, ShowStatus.CONFIRMED}:
        movable = bool(services.shows.permitted(show.uid, ["reschedule"], actor=viewer))
    else:
        movable = False
    values = dict(values or {})
    check = None
    if values and not errors:  # "Check" (or a refused move): the conflicts where the form puts it
        try:
            start, end = _moment(values, "start", zone), _moment(values, "end", zone)
            room = values.get("room") or None
            changes = {"show_start": start, "show_end": end, "studio_room_uid": room}
            check = services.shows.check_move(show.uid, changes, actor=viewer)
            values["start"] = _field_value(start, zone)  # as the form's fields show it
            values["end"] = _field_value(end, zone)
        except ValidationError as exc:
            errors = {_form_field(exc.field): exc.reason}
    values.setdefault("start", _field_value(show.show_start, zone))
    values.setdefault("end", _field_value(show.show_end, zone))
    values.setdefault("room", show.studio_room_uid or "")
    now = (
        services.shows.check_move(show.uid, {}, actor=viewer)
        if show.show_status in {ShowStatus.DRAFT, ShowStatus.CONFIRMED}
        else []
    )
    return page(
        request,
        "show.html",
        show=show,
        studio=studio,
        zone=zone.key,
        start=local(show.show_start, zone.key),
        end=local(show.show_end, zone.key),
        room=next((r.name for r in rooms if r.uid == show.studio_room_uid), "no room"),
        rooms=sorted(rooms, key=lambda r: r.name),
        hosts=[names.get(h.mc_uid, h.mc_uid) for h in hosts],
        plan=plan,
        by_request=by_request,
        movable=movable,
        categories=_categories(viewer, studio),
        values=values,
        errors=errors or {},
        check=check,
        conflicts=now,
        status_code=422 if errors else 200,
        board=_board_link(studio, show.show_start) if studio else "/board",
        **comment_panel(services, show.uid, viewer),
    )


@get("/board/shows/{uid:str}", sync_to_thread=True, include_in_schema=False)
def show_page(request: Request[Any, Any, Any], viewer: Viewer, uid: FromPath[str]) -> Template:
    """A show: where and when, who hosts it, its conflicts now, and the move
    form (filled in, and checked, from ``room``, ``start`` and ``end`` when the
    board sends a move here)."""
    show = services_of(request).shows.get(uid, actor=viewer)
    query = request.query_params
    return _show_page(request, show, viewer, {k: query[k] for k in _PLACE_FIELDS if k in query})


@get("/board/shows/{uid:str}/check.json", sync_to_thread=True, include_in_schema=False)
def check_json(
    request: Request[Any, Any, Any], viewer: Viewer, uid: FromPath[str]
) -> dict[str, Any]:
    """The board's live check of a move (``room``, ``start``, ``end``; times with
    an offset or in the studio's time zone): what it would meet there, in words."""
    services = services_of(request)
    show = services.shows.get(uid, actor=viewer)
    studio = _studio_of_room(services, show.studio_room_uid, viewer)
    zone = ZoneInfo(studio.time_zone if studio else "UTC")
    query = request.query_params
    try:
        start, end = _moment(query, "start", zone), _moment(query, "end", zone)
        changes = {"show_start": start, "show_end": end, "studio_room_uid": query.get("room")}
        conflicts = services.shows.check_move(uid, changes, actor=viewer)
    except ValidationError as exc:
        return {"ok": False, "field": _form_field(exc.field), "reason": exc.reason}
    room = query.get("room")
    name = services.studio_rooms.get(room, actor=viewer).name if room else "no room"
    place = f"{name}, {start.astimezone(zone):%a %H:%M}-{end.astimezone(zone):%H:%M}"
    return {
        "ok": True,
        "place": place,
        "free": not conflicts,
        "blocked": any(c.severity.value == "BLOCK" for c in conflicts),
        "conflicts": [{"severity": c.severity.value, "reason": c.reason} for c in conflicts],
    }


@post("/board/shows/{uid:str}/check", sync_to_thread=True, include_in_schema=False)
def check_move(
    request: Request[Any, Any, Any], viewer: Viewer, uid: FromPath[str], data: Form
) -> Template:
    """The show's page with what the move the form describes would meet, not
    made (a POST: the form carries its CSRF token, kept out of URLs)."""
    show = services_of(request).shows.get(uid, actor=viewer)
    return _show_page(
        request, show, viewer, {k: data.get(k, "") for k in ("start", "end", "room", "reason")}
    )


@post("/board/shows/{uid:str}/move", sync_to_thread=True, include_in_schema=False)
def move_show(
    request: Request[Any, Any, Any], viewer: Viewer, uid: FromPath[str], data: Form
) -> Template | Redirect:
    """Move a draft (or a direct booking); for a confirmed show of a schedule,
    raise the change request that would move it."""
    services = services_of(request)
    show = services.shows.get(uid, actor=viewer)
    studio = _studio_of_room(services, show.studio_room_uid, viewer)
    zone = ZoneInfo(studio.time_zone if studio else "UTC")
    try:
        start, end = _moment(data, "start", zone), _moment(data, "end", zone)
        room = data.get("room") or None
        if show.show_status is ShowStatus.CONFIRMED and show.schedule_uid:
            operations: list[dict[str, Any]] = []
            if (start, end) != (show.show_start, show.show_end):
                operations.append(
                    {
                        "op": "move",
                        "show_uid": uid,
                        "show_start": start.isoformat(),
                        "show_end": end.isoformat(),
                    }
                )
            if room != show.studio_room_uid:
                operations.append({"op": "change_room", "show_uid": uid, "studio_room_uid": room})
            change = services.change_requests.create(
                show.schedule_uid,
                data.get("category") or _categories(viewer, studio)[0][0],
                (data.get("reason") or "").strip(),
                operations,
                actor=viewer,
            )
            flash(request, "Change request raised: the other side decides on it.")
            return redirect(request, f"/change-requests/{change.uid}")
        moved = services.shows.reschedule(
            uid, {"show_start": start, "show_end": end, "studio_room_uid": room}, actor=viewer
        )
    except ValidationError as exc:
        return _show_page(request, show, viewer, data, {_form_field(exc.field): exc.reason})
    except ConflictError as exc:
        flash(request, " ".join([str(exc), *(c.reason for c in exc.conflicts)]), "error")
        return redirect(request, f"/board/shows/{uid}")
    except StudioError as exc:
        flash(request, str(exc), "error")
        return redirect(request, f"/board/shows/{uid}")
    warnings = " ".join(c.reason for c in moved.warnings)
    flash(request, f"Moved. {warnings}" if warnings else "Moved.", "warn" if warnings else "info")
    return redirect(request, _board_link(studio, moved.show.show_start) if studio else "/board")


BOARD_EDIT_ROUTES = [new_draft, create_draft, show_page, check_json, check_move, move_show]
