"""Calendars over HTTP: the iCalendar export of an MC's, a studio room's or a
schedule's shows (with a bearer token, as every call), and personal feed
links a calendar app subscribes to without one.

A feed link is ``/api/v1/calendar-feeds/<token>.ics``: the token names the
feed and is signed with the app's secret (:mod:`.tokens`). Each fetch reads the
calendar as the feed's owner with their grants at that moment, so the access
rules apply as if they asked themselves; a forged, malformed or revoked token,
an owner banned or deleted, or a calendar they may no longer read all answer
404 alike.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.exceptions import NotFoundException, ServiceUnavailableException
from litestar.openapi.datastructures import ResponseSpec
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from studiocore import (
    Actor,
    CalendarKind,
    NotFoundError,
    PermissionDeniedError,
    Services,
    to_ical,
)
from studiocore import CalendarFeed as FeedRecord
from studiocore_http.errors import BODY_ERRORS, WRITE_ERRORS
from studiocore_http.settings import Settings
from studiocore_http.shared.convert import one
from studiocore_http.shared.params import DEFAULT_LIMIT, ActorDep, Limit, Offset, ServicesDep
from studiocore_http.shared.routes import operation
from studiocore_http.shared.wording import NOT_FOUND

from . import schemas as s
from .tokens import feed_token, feed_uid_of

__all__ = [
    "CALENDAR_MEDIA_TYPE",
    "FEED_LINK_PATTERN",
    "FEED_PATH",
    "CalendarController",
    "feed_urls",
]

CALENDAR_MEDIA_TYPE = "text/calendar"
"""The media type of the exports (Litestar adds ``; charset=utf-8``)."""
FEED_PATH = "/api/v1/calendar-feeds"
"""Where feed links live (their tokens follow, then ``.ics``)."""
FEED_LINK_PATTERN = r"^/api/v1/calendar-feeds/[^/]+\.ics$"
"""The paths of feed links: left out of the request log (the token is a credential)."""
_ICS = ".ics"

_ICS_RESPONSE = {
    HTTP_200_OK: ResponseSpec(
        data_container=str,
        media_type=CALENDAR_MEDIA_TYPE,
        description="An iCalendar (RFC 5545) file.",
        generate_examples=False,
    )
}
"""The 200 of the ``.ics`` routes (errors stay JSON, as everywhere)."""

Drafts = Annotated[
    bool,
    QueryParameter(description="Also list draft shows (as tentative events). Default: false."),
]


def _ics(data: bytes) -> Response[bytes]:
    return Response(
        content=data,
        media_type=CALENDAR_MEDIA_TYPE,
        headers={"Content-Disposition": 'inline; filename="calendar.ics"'},
    )


def _export(
    services: Services, kind: CalendarKind, uid: str, drafts: bool, actor: Actor
) -> Response[bytes]:
    return _ics(to_ical(services.scheduling.calendar(kind, uid, drafts=drafts, actor=actor)))


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def feed_urls(request: Request[Any, Any, Any], feed_uid: str) -> tuple[str, str]:
    """The ``https://`` (or ``http://``) link of a feed and its ``webcal://`` twin,
    on ``settings.public_url`` when set, else on the address of ``request``."""
    settings = _settings(request)
    base = (settings.public_url or str(request.base_url)).rstrip("/")
    url = f"{base}{FEED_PATH}/{feed_token(settings.signing_secret(), feed_uid)}{_ICS}"
    return url, "webcal://" + url.partition("://")[2]


def _feed(request: Request[Any, Any, Any], feed: FeedRecord) -> s.CalendarFeed:
    url, webcal = feed_urls(request, feed.uid)
    return one(s.CalendarFeed, feed, url=url, webcal_url=webcal)


_EXPORT = (
    "An iCalendar (RFC 5545) file of the live shows the user may see from 90 days "
    "ago to 400 days ahead, one event per show: a stable `UID` (`<show uid>@studiocore`), "
    "`DTSTART`/`DTEND` in the studio's time zone (with its `VTIMEZONE`), `SEQUENCE` "
    "growing whenever the show changes, cancelled shows as `STATUS:CANCELLED`; drafts "
    "only with `?drafts=true` (as `STATUS:TENTATIVE`).\n\n"
    "**Who may call it:** whoever may read the MC, room or schedule; the file holds "
    "only the shows they may read. " + NOT_FOUND
)


class CalendarController(Controller):
    tags = ["calendars"]

    @get(
        "/mcs/{uid:str}/calendar.ics",
        responses=_ICS_RESPONSE,
        **operation(
            "GetMcCalendar", summary="Export an MC's shows as iCalendar", description=_EXPORT
        ),
    )
    def mc_calendar(
        self, *, services: ServicesDep, actor: ActorDep, uid: FromPath[str], drafts: Drafts = False
    ) -> Response[bytes]:
        """The shows an MC hosts, as a calendar app reads them."""
        return _export(services, CalendarKind.MC, uid, drafts, actor)

    @get(
        "/studio-rooms/{uid:str}/calendar.ics",
        responses=_ICS_RESPONSE,
        **operation(
            "GetStudioRoomCalendar",
            summary="Export a studio room's shows as iCalendar",
            description=_EXPORT,
        ),
    )
    def room_calendar(
        self, *, services: ServicesDep, actor: ActorDep, uid: FromPath[str], drafts: Drafts = False
    ) -> Response[bytes]:
        """The shows in a studio room, as a calendar app reads them."""
        return _export(services, CalendarKind.STUDIO_ROOM, uid, drafts, actor)

    @get(
        "/schedules/{uid:str}/calendar.ics",
        responses=_ICS_RESPONSE,
        **operation(
            "GetScheduleCalendar",
            summary="Export a schedule's shows as iCalendar",
            description=_EXPORT,
        ),
    )
    def schedule_calendar(
        self, *, services: ServicesDep, actor: ActorDep, uid: FromPath[str], drafts: Drafts = False
    ) -> Response[bytes]:
        """The shows of a schedule, as a calendar app reads them."""
        return _export(services, CalendarKind.SCHEDULE, uid, drafts, actor)

    # -- feed links -------------------------------------------------------------------

    @post(
        "/calendar-feeds",
        **operation(
            "CreateCalendarFeed",
            BODY_ERRORS,
            status_code=201,
            summary="Create a personal calendar feed link",
        ),
    )
    def create_feed(
        self,
        *,
        services: ServicesDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        data: JSONBody[s.CalendarFeedCreate],
    ) -> s.CalendarFeed:
        """A link of the user's own to the calendar of an MC, a studio room or a
        schedule they may read (else 404), for a calendar app: it serves the
        calendar without a bearer token, with the user's rights at each fetch,
        until revoked. Asking again for the same calendar returns the same link.

        **Who may call it:** any signed-in user, for themselves and a calendar they
        may read."""
        feed = services.calendar_feeds.create(data.kind, data.uid, drafts=data.drafts, actor=actor)
        return _feed(request, feed)

    @get(
        "/calendar-feeds",
        **operation("ListCalendarFeeds", summary="List the user's calendar feed links"),
    )
    def list_feeds(
        self,
        *,
        services: ServicesDep,
        actor: ActorDep,
        request: Request[Any, Any, Any],
        user_uid: Annotated[
            str | None,
            QueryParameter(description="Only this user's links (system admins see everyone's)."),
        ] = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[s.CalendarFeed]:
        """The user's own live feed links, oldest first (a system admin's list
        holds everyone's), each with its `url` and `webcal_url`. Paged with `limit`
        and `offset`.

        **Who may call it:** any signed-in user, for their own links; system admins
        for anyone's (`user_uid`)."""
        where = {"user_uid": user_uid} if user_uid is not None else None
        found = services.calendar_feeds.page(where=where, limit=limit, offset=offset, actor=actor)
        return OffsetPagination(
            items=[_feed(request, f) for f in found.items],
            limit=found.limit,
            offset=found.offset,
            total=found.total,
        )

    @delete(
        "/calendar-feeds/{uid:str}",
        **operation("RevokeCalendarFeed", WRITE_ERRORS, summary="Revoke a calendar feed link"),
    )
    def revoke_feed(self, *, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> None:
        """Revoke one of the user's feed links (a system admin: anyone's): it
        answers 404 from now on (204).

        **Who may call it:** the link's owner, and system admins; someone else's
        link is a 404, as is a uid that does not exist."""
        services.calendar_feeds.delete(uid, actor=actor)

    @get(
        "/calendar-feeds/{token:str}",
        responses=_ICS_RESPONSE,
        security=[{}],
        exclude_from_auth=True,  # this GET only (a path pattern would also free DELETE)
        **operation(
            "GetCalendarFeed",
            [NotFoundException, ServiceUnavailableException],
            summary="Fetch a calendar feed link (no bearer token)",
            description="What a calendar app subscribes to: "
            "`/api/v1/calendar-feeds/<token>.ics`, the `url` of a feed link. No "
            "`Authorization` header: the signed token is the credential. The calendar is "
            "the authenticated export's, read with the link owner's rights at this moment. "
            "A forged, malformed or revoked token, an owner banned or deleted, or a "
            "calendar the owner may no longer read: 404.",
        ),
    )
    def feed(
        self, *, services: ServicesDep, request: Request[Any, Any, Any], token: FromPath[str]
    ) -> Response[bytes]:
        """The calendar of a feed link."""
        uid = None
        if token.endswith(_ICS):
            uid = feed_uid_of(_settings(request).signing_secret(), token.removesuffix(_ICS))
        if uid is None:
            raise NotFoundError("CalendarFeed", "(this link)")
        feed = services.calendar_feeds.live(uid)
        try:
            owner = services.users.actor(feed.user_uid)
            view = services.scheduling.calendar(
                feed.kind, feed.target_uid, drafts=feed.drafts, actor=owner
            )
        except PermissionDeniedError:  # banned meanwhile: a link never says why it stopped
            raise NotFoundError("CalendarFeed", uid) from None
        return _ics(to_ical(view))
