"""Request and response examples of the main operations, for the OpenAPI document.

They tell one story, taken from a real run: the studio Seoul Main (Asia/Seoul)
books "Glow Spring Launch" for the client Glow Cosmetics with the MC Hana Kim, a
second booking clashes with it (the 409's conflict report), and the December
schedule of Glow Cosmetics is created, proposed, approved and confirmed, then
changed by a change request. Every uid is a real `<prefix>_<ULID>`, every time
ISO 8601 with an offset; `tests/http/test_openapi_descriptions.py` validates each
example against its operation's schema.
"""

from __future__ import annotations

import re
from typing import Any

from litestar.openapi.spec import Example

__all__ = [
    "APPROVE_SCHEDULE",
    "AVAILABILITY",
    "BOOK_SHOW",
    "CHANGE_REQUEST_APPROVAL",
    "CONFIRM_SCHEDULE",
    "CREATE_CHANGE_REQUEST",
    "CREATE_SCHEDULE",
    "CREATE_STUDIO",
    "CREATE_WEBHOOK",
    "DRAFT_SHOW",
    "GET_SHOW",
    "LIST_NOTIFICATIONS",
    "LIST_SHOWS",
    "TRANSITION_SCHEDULE",
    "OperationExamples",
]

Json = dict[str, Any]

# -- the world ---------------------------------------------------------------------------

ADMIN = "user_01M8Q88J988TC4X3AVDHF6Z61M"
STUDIO_MANAGER = "user_01M8Q8A0FY8J77CES34VX7SGFN"
CLIENT_MANAGER = "user_01M8Q8A0FZDMKJVC7Z7QHV4WBW"
STUDIO = "studio_01M8Q88K6C6439BDKAWVDJNZG8"
ROOM = "room_01M8Q88K74DYMWEV5N4W3SDKN7"
CLIENT = "client_01M8Q88K7KDQPNH9XS6C1PQ430"
MC = "mc_01M8Q88K7R5HK1B241VV6ENY0S"
PLATFORM = "platform_01M8Q88K7Z8TB0YJ3G6Y0N5QJ4"
SHOW = "show_01M8Q88K8B1J5AZCJKTWE3TKMW"
CLASHING_SHOW = "show_01M8Q88K8JABHT5V8JHT3EH573"
SCHEDULE = "schedule_01M8Q88K9112XXZWMSZ0CW807D"
DRAFT = "show_01M8Q88K9H1EZKXJ1XZEYRXD6W"
CHANGE_REQUEST = "chreq_01M8Q88KA3A44GDGJVN7K21ZYB"
NOTIFICATION = "notif_01M8Q8A1GBA0H70SBPAGBVVMK8"
WEBHOOK = "webhook_01M8Q88KAEEJ19N3KKHHB6PA3M"

CREATED = "2026-11-30T22:12:32.139827Z"


def _one(summary: str, value: object, description: str | None = None) -> dict[str, Example]:
    """One named example (its name derived from the summary)."""
    name = re.sub(r"[^a-z0-9]+", "-", summary.lower().replace("'", "")).strip("-")
    return {name: Example(summary=summary, value=value, description=description)}


class OperationExamples:
    """The examples of one operation: of its request body (`request`) and of its
    responses by status (`responses`), each a map of named examples."""

    def __init__(
        self,
        request: dict[str, Example] | None = None,
        **responses: dict[str, Example],
    ) -> None:
        self.request = request or {}
        self.responses = {int(code.removeprefix("status_")): v for code, v in responses.items()}


# -- shows -------------------------------------------------------------------------------

_BOOKING: Json = {
    "name": "Glow Spring Launch",
    "show_start": "2026-12-01T19:00:00+09:00",
    "show_end": "2026-12-01T21:00:00+09:00",
    "studio_room_uid": ROOM,
    "client_uid": CLIENT,
    "mc_uids": [MC],
    "platform_uids": [PLATFORM],
}
_SHOW: Json = {
    "uid": SHOW,
    "created_at": CREATED,
    "updated_at": CREATED,
    "name": "Glow Spring Launch",
    "studio_room_uid": ROOM,
    "client_uid": CLIENT,
    "schedule_uid": None,
    "show_type": "bau",
    "show_standard": "standard",
    "show_status": "confirmed",
    "show_start": "2026-12-01T10:00:00Z",
    "show_end": "2026-12-01T12:00:00Z",
    "external_id": None,
}


def _overlap(kind: str, resource_type: str, uid: str, name: str) -> Json:
    what = "Room" if resource_type == "studio_room" else "MC"
    return {
        "kind": kind,
        "severity": "BLOCK",
        "resource_type": resource_type,
        "resource_uid": uid,
        "show_uids": [SHOW, CLASHING_SHOW],
        "start": "2026-12-01T11:00:00+00:00",
        "end": "2026-12-01T12:00:00+00:00",
        "reason": f'{what} {name} is double-booked: "Glow Spring Launch" 19:00-21:00 and '
        '"Glow Night Sale" 20:00-22:00 (Asia/Seoul, Tue 1 Dec 2026; UTC 10:00-12:00 and '
        "11:00-13:00), overlap 1 h",
        "required": None,
        "resource_name": name,
        "time_zone": "Asia/Seoul",
        "shows": [
            {
                "uid": SHOW,
                "name": "Glow Spring Launch",
                "start": "2026-12-01T10:00:00+00:00",
                "end": "2026-12-01T12:00:00+00:00",
                "local_start": "2026-12-01T19:00:00+09:00",
                "local_end": "2026-12-01T21:00:00+09:00",
            },
            {
                "uid": CLASHING_SHOW,
                "name": "Glow Night Sale",
                "start": "2026-12-01T11:00:00+00:00",
                "end": "2026-12-01T13:00:00+00:00",
                "local_start": "2026-12-01T20:00:00+09:00",
                "local_end": "2026-12-01T22:00:00+09:00",
            },
        ],
    }


_DOUBLE_BOOKED: Json = {
    "status_code": 409,
    "detail": 'Room Studio A is double-booked: "Glow Spring Launch" 19:00-21:00 and '
    '"Glow Night Sale" 20:00-22:00 (Asia/Seoul, Tue 1 Dec 2026; UTC 10:00-12:00 and '
    "11:00-13:00), overlap 1 h (and 1 more)",
    "extra": {
        "conflicts": [
            _overlap("room_overlap", "studio_room", ROOM, "Studio A"),
            _overlap("mc_overlap", "mc", MC, "Hana Kim"),
        ]
    },
}

BOOK_SHOW = OperationExamples(
    _one(
        "Book a show in Studio A with Hana Kim",
        _BOOKING,
        "Times in Seoul's offset; the answer gives them in UTC.",
    ),
    status_201=_one("Booked and confirmed", {**_SHOW, "warnings": []}),
    status_409=_one(
        "Double booking refused",
        _DOUBLE_BOOKED,
        "Another show, 20:00-22:00 in the same room with the same MC: both clashes are "
        "reported and nothing is written.",
    ),
)
GET_SHOW = OperationExamples(status_200=_one("A confirmed show", _SHOW))
LIST_SHOWS = OperationExamples(
    status_200=_one(
        "The shows of Seoul Main",
        {"items": [_SHOW], "limit": 50, "offset": 0, "total": 1},
    )
)

# -- schedules ---------------------------------------------------------------------------

_SCHEDULE: Json = {
    "uid": SCHEDULE,
    "created_at": "2026-11-30T22:12:32.161723Z",
    "updated_at": "2026-11-30T22:12:32.161723Z",
    "metadata": {},
    "client_uid": CLIENT,
    "studio_uid": STUDIO,
    "name": "Glow December",
    "description": "Glow Cosmetics' December shows",
    "schedule_status": "draft",
    "start_time": "2026-11-30T15:00:00Z",
    "end_time": "2026-12-31T15:00:00Z",
    "version": 1,
    "approved_at": None,
    "approved_by_uid": None,
    "approval_note": None,
}
_PROPOSED: Json = {
    **_SCHEDULE,
    "schedule_status": "proposed",
    "updated_at": "2026-11-30T22:12:32.187191Z",
    "version": 2,
}
_APPROVED: Json = {
    **_PROPOSED,
    "updated_at": "2026-11-30T22:12:32.189668Z",
    "approved_at": "2026-11-30T22:12:32.189666Z",
    "approved_by_uid": CLIENT_MANAGER,
    "approval_note": "Approved for December.",
}

CREATE_SCHEDULE = OperationExamples(
    _one(
        "Glow Cosmetics' December in Seoul Main",
        {
            "client_uid": CLIENT,
            "studio_uid": STUDIO,
            "name": "Glow December",
            "start_time": "2026-12-01T00:00:00+09:00",
            "end_time": "2027-01-01T00:00:00+09:00",
            "description": "Glow Cosmetics' December shows",
        },
        "The window is half-open: the whole of December in Seoul.",
    ),
    status_201=_one("A new draft schedule", _SCHEDULE),
)
DRAFT_SHOW = OperationExamples(
    _one(
        "A draft in the schedule's window",
        {
            "name": "Glow Holiday Picks",
            "show_start": "2026-12-05T19:00:00+09:00",
            "show_end": "2026-12-05T20:30:00+09:00",
            "studio_room_uid": ROOM,
            "mc_uids": [MC],
        },
    ),
    status_201=_one(
        "The draft, reserving nothing yet",
        {
            **_SHOW,
            "uid": DRAFT,
            "name": "Glow Holiday Picks",
            "schedule_uid": SCHEDULE,
            "show_status": "draft",
            "show_start": "2026-12-05T10:00:00Z",
            "show_end": "2026-12-05T11:30:00Z",
            "warnings": [],
        },
    ),
)
TRANSITION_SCHEDULE = OperationExamples(
    {
        **_one("Propose it to the client", {"to": "proposed"}),
        **_one(
            "Send it back to draft",
            {"to": "draft", "reason": "Hana Kim is not available on 5 December."},
        ),
    },
    status_200=_one("Proposed", _PROPOSED),
    status_409=_one(
        "A move the workflow does not allow",
        {
            "status_code": 409,
            "detail": f"schedule '{SCHEDULE}' cannot go from 'confirmed' to 'draft'",
            "extra": {
                "entity": "schedule",
                "uid": SCHEDULE,
                "from_state": "confirmed",
                "to_state": "draft",
                "conflicts": [],
            },
        },
    ),
)
APPROVE_SCHEDULE = OperationExamples(
    _one("Approve with a note", {"note": "Approved for December."}),
    status_200=_one("Approved by the client", _APPROVED),
)
CONFIRM_SCHEDULE = OperationExamples(
    {
        **_one("Confirm an approved schedule", {}),
        **_one(
            "A studio admin confirms without the client's approval",
            {"reason": "The client approved by phone; written approval follows."},
        ),
    },
    status_200=_one(
        "Every draft confirmed",
        {
            "schedule": {
                **_APPROVED,
                "schedule_status": "confirmed",
                "updated_at": "2026-11-30T22:12:32.192753Z",
                "version": 3,
            },
            "confirmed_show_uids": [DRAFT],
            "version": 3,
            "warnings": [],
        },
    ),
    status_409=_one(
        "A draft clashes with a booked show",
        _DOUBLE_BOOKED,
        "The full report of every blocking conflict; no draft was confirmed.",
    ),
)

# -- change requests ----------------------------------------------------------------------

_MOVE: Json = {
    "op": "move",
    "show_uid": DRAFT,
    "show_start": "2026-12-05T20:00:00+09:00",
    "show_end": "2026-12-05T21:30:00+09:00",
}
_CHANGE_REQUEST: Json = {
    "uid": CHANGE_REQUEST,
    "created_at": "2026-11-30T22:12:32.195431Z",
    "updated_at": "2026-11-30T22:12:32.195431Z",
    "metadata": {},
    "schedule_uid": SCHEDULE,
    "change_category": "CLIENT_REQUESTED",
    "change_type": "TIME_CHANGE",
    "change_types": ["TIME_CHANGE"],
    "status": "pending",
    "reason": "The guest arrives an hour late.",
    "operations": [_MOVE],
    "requested_by_uid": CLIENT_MANAGER,
    "reviewed_by_uid": None,
    "decided_at": None,
}

CREATE_CHANGE_REQUEST = OperationExamples(
    _one(
        "Move a show an hour later",
        {
            "change_category": "CLIENT_REQUESTED",
            "reason": "The guest arrives an hour late.",
            "operations": [_MOVE],
        },
    ),
    status_201=_one("Pending the studio's decision", _CHANGE_REQUEST),
)
CHANGE_REQUEST_APPROVAL = OperationExamples(
    _one("Approve with a note", {"note": "Studio A is free then."}),
    status_200=_one(
        "Approved by the studio",
        {
            **_CHANGE_REQUEST,
            "updated_at": "2026-11-30T22:13:19.517735Z",
            "metadata": {"review_note": "Studio A is free then."},
            "status": "approved",
            "reviewed_by_uid": STUDIO_MANAGER,
            "decided_at": "2026-11-30T22:13:19.517734Z",
        },
    ),
)

# -- studios, availability -----------------------------------------------------------------

CREATE_STUDIO = OperationExamples(
    _one(
        "A studio in Seoul",
        {
            "name": "Seoul Main",
            "address": "12 Teheran-ro, Gangnam-gu, Seoul",
            "time_zone": "Asia/Seoul",
        },
    ),
    status_201=_one(
        "Created",
        {
            "uid": STUDIO,
            "created_at": "2026-11-30T22:12:32.076960Z",
            "updated_at": "2026-11-30T22:12:32.076960Z",
            "metadata": {},
            "name": "Seoul Main",
            "address": "12 Teheran-ro, Gangnam-gu, Seoul",
            "time_zone": "Asia/Seoul",
            "operational_day_start_hour": 6,
            "room_changeover_severity": "WARN",
            "mc_rest_severity": "WARN",
        },
    ),
)
AVAILABILITY = OperationExamples(
    status_200=_one(
        "Studio A on 1 December, 09:00 to midnight in Seoul",
        {
            "studio_uid": STUDIO,
            "start": "2026-12-01T00:00:00Z",
            "end": "2026-12-01T15:00:00Z",
            "rooms": [
                {
                    "room_uid": ROOM,
                    "room_name": "Studio A",
                    "free": [
                        {"start": "2026-12-01T00:00:00Z", "end": "2026-12-01T09:45:00Z"},
                        {"start": "2026-12-01T12:15:00Z", "end": "2026-12-01T15:00:00Z"},
                    ],
                    "reserved": [{"start": "2026-12-01T09:45:00Z", "end": "2026-12-01T12:15:00Z"}],
                }
            ],
        },
        "`?start=2026-12-01T09:00:00%2B09:00&end=2026-12-02T00:00:00%2B09:00"
        "&honour_changeover=true`: the show 19:00-21:00 blocks 18:45-21:15 with the room's "
        "15-minute changeover on either side.",
    )
)

# -- notifications, webhooks --------------------------------------------------------------

LIST_NOTIFICATIONS = OperationExamples(
    status_200=_one(
        "One unread notification",
        {
            "items": [
                {
                    "uid": NOTIFICATION,
                    "created_at": "2026-11-30T22:13:19.499458Z",
                    "updated_at": "2026-11-30T22:13:19.499458Z",
                    "recipient_uid": CLIENT_MANAGER,
                    "kind": "schedule_proposed",
                    "subject_uid": SCHEDULE,
                    "subject_type": "schedules",
                    "text": "Seo-jun Han proposed Glow December",
                    "actor_uid": STUDIO_MANAGER,
                    "read_at": None,
                    "metadata": {},
                }
            ],
            "limit": 50,
            "offset": 0,
            "total": 1,
        },
    )
)

_HOOK: Json = {
    "url": "https://hooks.glow.example/studiocore",
    "event_types": ["show.confirmed", "show.cancelled"],
    "studio_uid": STUDIO,
    "description": "Glow's booking sync",
}
CREATE_WEBHOOK = OperationExamples(
    _one("Seoul Main's confirmed and cancelled shows", _HOOK),
    status_201=_one(
        "Registered, with its secret (shown once)",
        {
            "uid": WEBHOOK,
            "created_at": "2026-11-30T22:12:32.206873Z",
            "updated_at": "2026-11-30T22:12:32.206873Z",
            "metadata": {},
            "owner_uid": ADMIN,
            **_HOOK,
            "failing_since": None,
            "disabled_at": None,
            "secret": "whsec_0rYes82Mp18aNajvrrxEWzV/Q5pgOFSQFJmsXD9D5CM=",
        },
    ),
)
