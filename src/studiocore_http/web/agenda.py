"""An MC's agenda: their own shows from today on, in each studio's local time,
readable on a phone; and their calendar links (personal feeds of their own
shows that a calendar app subscribes to), made and revoked here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template

from studiocore import (
    Actor,
    CalendarFeed,
    CalendarKind,
    NotFoundError,
    Services,
    ShowQuery,
    StudioError,
)
from studiocore_http.features.calendars.controllers import feed_urls

from .common import Form, Viewer, flash, local, page, redirect, services_of

__all__ = ["AGENDA_DAYS", "AGENDA_ROUTES"]

AGENDA_DAYS = 28
"""How far ahead the agenda reaches."""


@get("/agenda", sync_to_thread=True, include_in_schema=False)
def agenda(request: Request[Any, Any, Any], viewer: Viewer) -> Template:
    services = services_of(request)
    # their own MC profile(s): the MCs they may read that name them as their user
    profiles = [m for m in services.mcs.list(actor=viewer) if m.user_uid == viewer.user_uid]
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    rooms = {r.uid: r for r in services.studio_rooms.list(actor=viewer)}
    studios = {s.uid: s for s in services.studios.list(actor=viewer)}
    days: dict[str, list[dict[str, str]]] = {}
    for mc in profiles:
        query = ShowQuery(
            mc_uid=mc.uid, start_from=today, start_to=today + timedelta(days=AGENDA_DAYS)
        )
        for show in services.shows.search(query, limit=500, actor=viewer).items:
            room = rooms.get(show.studio_room_uid or "")
            studio = studios.get(room.studio_uid) if room else None
            zone = studio.time_zone if studio else "UTC"
            starts = local(show.show_start, zone)
            days.setdefault(starts[:15], []).append(
                {
                    "name": show.name,
                    "time": f"{starts[-5:]} - {local(show.show_end, zone)[-5:]}",
                    "where": ", ".join(x.name for x in (studio, room) if x is not None),
                    "zone": zone,
                    "status": show.show_status.value,
                }
            )
    return page(
        request,
        "agenda.html",
        is_mc=bool(profiles),
        profiles=profiles,
        days=sorted(days.items(), key=lambda d: datetime.strptime(d[0], "%a %d %b %Y")),
        horizon=AGENDA_DAYS,
        feeds=_links(request, services, viewer),
    )


def _what(services: Services, feed: CalendarFeed, viewer: Actor) -> str:
    """What a feed holds, in words (its target's name, as the user may read it)."""
    try:
        if feed.kind is CalendarKind.MC:
            return f"{services.mcs.get(feed.target_uid, actor=viewer).name}'s shows"
        if feed.kind is CalendarKind.STUDIO_ROOM:
            return f"Shows in {services.studio_rooms.get(feed.target_uid, actor=viewer).name}"
        return f"Schedule {services.schedules.get(feed.target_uid, actor=viewer).name}"
    except NotFoundError:
        return "A calendar you may no longer read"


def _links(request: Request[Any, Any, Any], services: Services, viewer: Actor) -> list[Any]:
    """The user's live calendar links, with their addresses."""
    found = []
    for feed in services.calendar_feeds.list(where={"user_uid": viewer.user_uid}, actor=viewer):
        url, webcal = feed_urls(request, feed.uid)
        what = _what(services, feed, viewer) + (" (with drafts)" if feed.drafts else "")
        found.append({"uid": feed.uid, "what": what, "url": url, "webcal": webcal})
    return found


@post("/agenda", sync_to_thread=True, include_in_schema=False)
def calendar_link(request: Request[Any, Any, Any], viewer: Viewer, data: Form) -> Redirect:
    """The agenda's forms, by their ``op``: ``subscribe`` makes a calendar link of one of the
    user's own MC profiles (``mc_uid``); ``revoke`` stops the link ``feed_uid``."""
    services = services_of(request)
    action = data.get("op")
    try:
        if action == "subscribe":
            mine = {m.uid for m in services.mcs.list(actor=viewer) if m.user_uid == viewer.user_uid}
            mc_uid = data.get("mc_uid", "")
            if mc_uid not in mine:
                raise NotFoundError("MC", mc_uid)
            services.calendar_feeds.create(CalendarKind.MC, mc_uid, actor=viewer)
            flash(request, "Your calendar link is below: add it to your calendar app.")
        elif action == "revoke":
            services.calendar_feeds.delete(data.get("feed_uid", ""), actor=viewer)
            flash(request, "The calendar link is revoked: it shows nothing any more.")
        else:
            flash(request, "Unknown action.", "error")
    except NotFoundError:
        flash(request, "No such calendar link or MC profile of yours.", "error")
    except StudioError as exc:
        flash(request, str(exc), "error")
    return redirect(request, "/agenda")


AGENDA_ROUTES = [agenda, calendar_link]
