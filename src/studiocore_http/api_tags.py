"""The tags of the OpenAPI document, in the order the interactive docs show them,
each with what its operations are about (CommonMark)."""

from __future__ import annotations

from litestar.openapi.spec import Tag

__all__ = ["API_TAGS"]

_LOOKUP = (
    "Values of an admin-managed lookup table: {what}. Any signed-in user reads them; "
    "only system admins change them."
)

API_TAGS: list[Tag] = [
    Tag(
        name="shows",
        description="Book, move, confirm and cancel shows, and manage the MCs, platforms "
        "and materials of each. Booking guarantees no double booking of a room or an MC: "
        "a clash is a 409 whose `extra.conflicts` reports every conflicting show. Times "
        "are ISO 8601 with an offset; intervals are half-open, `[start, end)`.",
    ),
    Tag(
        name="schedules",
        description="A studio's plan of a client's shows: drafts that reserve nothing, "
        "proposed to the client, approved, then confirmed (promoted) all at once or not "
        "at all; every confirmation is a version, and versions can be compared.",
    ),
    Tag(
        name="change-requests",
        description="Changes to a proposed or confirmed schedule, raised by one side and "
        "decided by the other (client-requested, operational, force majeure), previewed "
        "before they are applied all or nothing.",
    ),
    Tag(
        name="scheduling",
        description="Read-only scheduling answers: the free time of a studio's rooms and "
        "of an MC, an MC's agenda, and the conflict audit.",
    ),
    Tag(
        name="studios",
        description="Studios: the physical facilities, with their time zone and buffer "
        "rules; their availability is under **scheduling**.",
    ),
    Tag(name="studio-rooms", description="The rooms of each studio, where shows are booked."),
    Tag(name="clients", description="The companies that book shows and own materials."),
    Tag(
        name="users",
        description="The people who sign in: their system role, profile and ban state.",
    ),
    Tag(
        name="memberships",
        description="Roles of users in studios, clients and platforms (`admin` > `manager` "
        "> `member`): what each user may read and change follows from them.",
    ),
    Tag(name="mcs", description="MCs (hosts), shared across studios."),
    Tag(
        name="platforms",
        description="Streaming platforms that shows stream to, with their (secret, "
        "masked) API configuration.",
    ),
    Tag(
        name="materials",
        description="Scripts, product sheets and other assets of a client, versioned.",
    ),
    Tag(
        name="tags",
        description="Labels, global or of one studio, and attaching them to records "
        "(the tag endpoints under each taggable resource are listed with that resource).",
    ),
    Tag(
        name="comments",
        description="Threaded comments on shows, schedules and change requests: whoever "
        "may read the record reads and writes its thread.",
    ),
    Tag(
        name="notifications",
        description="The signed-in user's own notifications: listed, counted, marked "
        "read, and streamed live as Server-Sent Events.",
    ),
    Tag(
        name="webhooks",
        description="Endpoints that receive signed HTTP POSTs of events (Standard Webhooks), "
        "their delivery log and redelivery. Managed by system admins and by a studio's "
        "admins for that studio's events.",
    ),
    Tag(
        name="calendars",
        description="iCalendar (RFC 5545) exports of an MC's, a room's or a schedule's "
        "shows, and personal feed links a calendar app subscribes to without a token.",
    ),
    Tag(
        name="audits",
        description="The audit trail: who changed what and when, with old and new values; "
        "each record's history is under `/{resource}/{uid}/history`.",
    ),
    Tag(name="material-types", description=_LOOKUP.format(what="the kinds of material")),
    Tag(name="schedule-statuses", description=_LOOKUP.format(what="schedule statuses")),
    Tag(
        name="change-categories",
        description=_LOOKUP.format(what="the categories of change requests"),
    ),
    Tag(name="change-types", description=_LOOKUP.format(what="what a change request changes")),
    Tag(name="show-types", description=_LOOKUP.format(what="the valid `show_type` names")),
    Tag(name="show-standards", description=_LOOKUP.format(what="the valid `show_standard` names")),
    Tag(
        name="system",
        description="Service endpoints outside `/api/v1`: health checks for load balancers "
        "and orchestrators (no token needed).",
    ),
]
"""Every tag an operation carries, described (a test checks none is missing)."""
