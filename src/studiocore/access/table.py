"""The default access table: who may read and write each resource.

This module is data. :data:`ACCESS_TABLE` maps each resource (a table name) to
its :class:`Access`: one rule for reading, one for writing, optionally another
for creating new records and others for named use cases (``schedules.promote``).
:class:`studiocore.access.MembershipPolicy` asks it; ``docs/access-control.md``
is rendered from it (:func:`render_markdown`, checked by a test). System admins
may do everything and are not listed per row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from studiocore.entities import (
    MC,
    CalendarFeed,
    ChangeRequest,
    Comment,
    Notification,
    Schedule,
    Show,
    ShowPlatform,
    Tag,
)
from studiocore.lookups import GroupType, MembershipRole, ScheduleStatus, ShowStatus
from studiocore.permissions import AccessRequest

from .rules import (
    ANYONE,
    HOSTS,
    NOBODY,
    ONESELF,
    Rule,
    admin_of_any,
    any_of,
    member_of,
    not_above_own_role,
    only_fields,
    when,
)

__all__ = ["ACCESS_TABLE", "Access", "render_markdown"]

STUDIO, CLIENT, PLATFORM = GroupType.STUDIO, GroupType.CLIENT, GroupType.PLATFORM
MEMBER, MANAGER, ADMIN = MembershipRole.MEMBER, MembershipRole.MANAGER, MembershipRole.ADMIN
CLIENT_REQUESTED, OPERATIONAL, FORCE_MAJEURE = "CLIENT_REQUESTED", "OPERATIONAL", "FORCE_MAJEURE"


@attrs.frozen(kw_only=True)
class Access:
    """The rules of one resource."""

    read: Rule
    write: Rule
    create: Rule | None = None
    """For adding a new record (default: :attr:`write`)."""
    use_cases: Mapping[str, Rule] = attrs.field(factory=dict)
    """Rules of named use cases (``"promote"``), instead of :attr:`write`."""
    hidden: Mapping[str, Rule] = attrs.field(factory=dict)
    """Fields shown only to the readers a rule allows (withheld from the others:
    :mod:`studiocore.access.redact`)."""


# --------------------------------------------------------------------------- conditions


def _draft_of_draft_schedule(request: AccessRequest) -> bool:
    """The record is a draft show (or a link of one) in a schedule still in draft."""
    show = request.after or request.target
    if not isinstance(show, Show):
        uid = getattr(show, "show_uid", None)
        show = request.fetch(uid) if isinstance(uid, str) else None
    if not isinstance(show, Show) or show.show_status is not ShowStatus.DRAFT:
        return False
    if show.schedule_uid is None:
        return False
    schedule = request.fetch(show.schedule_uid)
    return isinstance(schedule, Schedule) and schedule.schedule_status is ScheduleStatus.DRAFT


def _schedule_in_draft(request: AccessRequest) -> bool:
    schedule = request.target
    return isinstance(schedule, Schedule) and schedule.schedule_status is ScheduleStatus.DRAFT


def _own_mc_profile(request: AccessRequest) -> bool:
    mc = request.target
    return isinstance(mc, MC) and mc.user_uid is not None and mc.user_uid == request.actor.user_uid


def _without_user_link(request: AccessRequest) -> bool:
    return isinstance(request.after, MC) and request.after.user_uid is None


def _approved(request: AccessRequest) -> bool:
    schedule = request.target
    return isinstance(schedule, Schedule) and schedule.approved_at is not None


def _not_approved(request: AccessRequest) -> bool:
    schedule = request.target
    return isinstance(schedule, Schedule) and schedule.approved_at is None


def _category(name: str) -> Callable[[AccessRequest], bool]:
    def check(request: AccessRequest) -> bool:
        record = request.after or request.target
        return isinstance(record, ChangeRequest) and record.change_category == name

    return check


def _raised_by_actor(request: AccessRequest) -> bool:
    record = request.target
    user = request.actor.user_uid
    return (
        isinstance(record, ChangeRequest) and user is not None and record.requested_by_uid == user
    )


def _own_platforms_link(request: AccessRequest) -> bool:
    """The actor manages the platform of this show link (not merely another
    platform the same show streams to, which the link's scope also holds)."""
    link = request.target
    managed = request.actor.grants.groups(PLATFORM, MANAGER)
    return isinstance(link, ShowPlatform) and link.platform_uid in managed


def _own_feed(request: AccessRequest) -> bool:
    """The calendar feed is the actor's (and stays theirs after the write)."""
    user = request.actor.user_uid
    records = [r for r in (request.target, request.after) if r is not None]
    return (
        user is not None
        and bool(records)
        and all(isinstance(r, CalendarFeed) and r.user_uid == user for r in records)
    )


def _own_notification(request: AccessRequest) -> bool:
    """The notification is addressed to the actor."""
    user = request.actor.user_uid
    record = request.target
    return isinstance(record, Notification) and user is not None and record.recipient_uid == user


def _own_comment(request: AccessRequest) -> bool:
    """The comment is the actor's (and stays theirs after the write)."""
    user = request.actor.user_uid
    records = [r for r in (request.target, request.after) if r is not None]
    return (
        user is not None
        and bool(records)
        and all(isinstance(r, Comment) and r.owner_uid == user for r in records)
    )


def _nobody(request: AccessRequest) -> bool:
    return False


def _studio_tag(request: AccessRequest) -> bool:
    tag = request.after or request.target
    return isinstance(tag, Tag) and tag.studio_uid is not None


# --------------------------------------------------------------------------- the table

STUDIO_STAFF = member_of(STUDIO, MEMBER, "staff (member+) of its studio")
CLIENT_MEMBERS = member_of(CLIENT, MEMBER, "its client's members")
STUDIO_MANAGERS = member_of(STUDIO, MANAGER, "studio managers of its studio")
CLIENT_MANAGERS = member_of(CLIENT, MANAGER, "its client's managers")
STUDIO_ADMINS = member_of(STUDIO, ADMIN, "its studio's admins")

_SHOW_READ = any_of(
    STUDIO_STAFF,
    CLIENT_MEMBERS,
    HOSTS,
    member_of(PLATFORM, MEMBER, "members of a platform it streams to"),
)
_SHOW_WRITE = any_of(
    STUDIO_MANAGERS,
    when(
        _draft_of_draft_schedule,
        CLIENT_MANAGERS,
        "its client's managers, for drafts of the client's draft schedules",
    ),
)
_SCHEDULE_READ = any_of(STUDIO_STAFF, CLIENT_MEMBERS)
_EITHER_SIDE = any_of(STUDIO_MANAGERS, CLIENT_MANAGERS)
REQUESTER = Rule("whoever raised it", _raised_by_actor)
FEED_OWNER = Rule("its owner", _own_feed)
AUTHOR = Rule("its author", _own_comment)
_COMMENT_READERS = Rule(
    "whoever may read the record it is on (checked on that record)", lambda _: True
)
RECIPIENT = Rule("its recipient", _own_notification)
_FEED_CREATORS = Rule("anyone, for oneself and a calendar they may read", _own_feed)
_CONFIRMERS = any_of(
    when(_approved, STUDIO_MANAGERS, "studio managers of its studio, once approved"),
    when(
        _not_approved,
        STUDIO_ADMINS,
        "without the client's approval: its studio's admins, giving a reason",
    ),
)
_CHANGE_RAISERS = any_of(
    when(
        _category(CLIENT_REQUESTED),
        _EITHER_SIDE,
        "client-requested: its client's managers, or studio managers on their behalf",
    ),
    when(_category(OPERATIONAL), STUDIO_MANAGERS, "operational: studio managers"),
    when(
        _category(FORCE_MAJEURE),
        STUDIO_ADMINS,
        "force majeure: its studio's admins (applied at once)",
    ),
)
_CHANGE_DECIDERS = any_of(
    when(_category(CLIENT_REQUESTED), STUDIO_MANAGERS, "client-requested: studio managers"),
    when(_category(OPERATIONAL), CLIENT_MANAGERS, "operational: its client's managers"),
)

_WEBHOOK_ADMINS = member_of(
    STUDIO, ADMIN, "for a studio's events, its studio's admins (every studio's: system admins)"
)

ACCESS_TABLE: Mapping[str, Access] = {
    "studios": Access(
        read=ANYONE, write=member_of(STUDIO, ADMIN, "that studio's admins"), create=NOBODY
    ),
    "studio_rooms": Access(read=ANYONE, write=member_of(STUDIO, ADMIN, "that studio's admins")),
    "clients": Access(
        read=any_of(
            member_of(CLIENT, MEMBER, "its members"),
            member_of(STUDIO, MEMBER, "staff of a studio where it has shows or schedules"),
        ),
        write=only_fields(
            member_of(CLIENT, ADMIN),
            {"contact_person", "contact_email"},
            "the client's admins, its contact details",
        ),
        create=NOBODY,
    ),
    "users": Access(
        read=any_of(ONESELF, member_of(None, ADMIN, "an admin of a group the user is in")),
        write=only_fields(ONESELF, {"name"}, "oneself, the name"),
        create=NOBODY,
        hidden={"email": ONESELF, "ext_id": ONESELF},
    ),
    "memberships": Access(
        read=member_of(None, MEMBER, "the group's members"),
        write=not_above_own_role(),
    ),
    "mcs": Access(
        read=ANYONE,
        write=only_fields(
            admin_of_any(STUDIO),
            {"name", "alias_name", "is_banned", "metadata", "min_rest_minutes", "deleted_at"},
            "studio admins (of any studio), all but the user link (it grants the user "
            "every show the MC hosts: system admins)",
        ),
        create=when(
            _without_user_link,
            admin_of_any(STUDIO),
            "studio admins (of any studio), without a user link",
        ),
        hidden={
            "user_uid": any_of(Rule("the MC's own user", _own_mc_profile), admin_of_any(STUDIO))
        },
    ),
    "platforms": Access(
        read=ANYONE,
        write=member_of(PLATFORM, ADMIN, "the platform's admins"),
        create=NOBODY,
        hidden={"api_config": member_of(PLATFORM, ADMIN, "the platform's admins (values masked)")},
    ),
    "materials": Access(
        read=any_of(
            member_of(CLIENT, MEMBER, "the owning client's members"),
            member_of(STUDIO, MEMBER, "staff of studios that host the client's shows"),
            member_of(PLATFORM, MEMBER, "members of the material's platform"),
        ),
        write=member_of(CLIENT, MANAGER, "the owning client's managers"),
    ),
    "shows": Access(read=_SHOW_READ, write=_SHOW_WRITE),
    "show_mcs": Access(read=_SHOW_READ, write=_SHOW_WRITE),
    "show_materials": Access(read=_SHOW_READ, write=_SHOW_WRITE),
    "show_platforms": Access(
        read=_SHOW_READ,
        write=any_of(
            _SHOW_WRITE,
            only_fields(
                Rule("the link's platform's managers", _own_platforms_link),
                {"live_stream_link", "platform_show_id", "viewer_count"},
                "the platform's managers: stream link, platform show id, viewer count",
            ),
        ),
    ),
    "schedules": Access(
        read=_SCHEDULE_READ,
        write=any_of(
            when(
                _schedule_in_draft,
                _EITHER_SIDE,
                "while draft: studio managers of its studio; its client's managers",
            ),
            only_fields(
                STUDIO_MANAGERS,
                {"version"},
                "its version (a change request applied): studio managers of its studio",
            ),
        ),
        use_cases={
            "propose": _EITHER_SIDE,
            "send_back": _EITHER_SIDE,
            "approve": CLIENT_MANAGERS,
            "promote": _CONFIRMERS,
            "confirm_shows": _CONFIRMERS,
            "check_promotion": _SCHEDULE_READ,
            "archive": STUDIO_MANAGERS,
            "cancel": any_of(
                STUDIO_MANAGERS,
                when(_schedule_in_draft, CLIENT_MANAGERS, "its client's managers, while draft"),
            ),
        },
    ),
    "schedule_versions": Access(read=_SCHEDULE_READ, write=_EITHER_SIDE),
    "change_requests": Access(
        read=_SCHEDULE_READ,
        write=NOBODY,
        create=_CHANGE_RAISERS,
        use_cases={
            "create": _CHANGE_RAISERS,  # a force-majeure change is also applied by it
            "approve": _CHANGE_DECIDERS,
            "reject": _CHANGE_DECIDERS,
            "withdraw": any_of(REQUESTER, STUDIO_ADMINS),
            "apply": STUDIO_MANAGERS,
            "acknowledge": CLIENT_MANAGERS,
        },
    ),
    "tags": Access(
        read=ANYONE,
        write=when(_studio_tag, STUDIO_MANAGERS, "studio tags: that studio's managers"),
    ),
    "audits": Access(
        read=member_of(STUDIO, ADMIN, "for their studio's records, its studio admins"),
        write=NOBODY,
    ),
    "lookups": Access(read=ANYONE, write=NOBODY),
    "calendar_feeds": Access(read=FEED_OWNER, write=FEED_OWNER, create=_FEED_CREATORS),
    "comments": Access(
        read=_COMMENT_READERS,
        write=any_of(
            only_fields(AUTHOR, {"content"}, "its author, the content"),
            only_fields(
                any_of(
                    AUTHOR,
                    member_of(STUDIO, ADMIN, "the admins of the record's studio"),
                    member_of(CLIENT, ADMIN, "the admins of the record's client"),
                ),
                {"deleted_at"},
                "deleting (hiding) it, or restoring it: its author; the admins of the "
                "record's studio or client",
            ),
        ),
        create=Rule("whoever may read the record it is on, as its author", _own_comment),
    ),
    "notifications": Access(
        read=RECIPIENT,
        write=only_fields(RECIPIENT, {"read_at"}, "its recipient, marking it read"),
        create=Rule("nobody: studiocore writes them for who may read their subject", _nobody),
    ),
    "webhook_endpoints": Access(
        read=_WEBHOOK_ADMINS,
        write=_WEBHOOK_ADMINS,
        hidden={"secret": Rule("nobody (shown once, on create and on rotation)", _nobody)},
    ),
    "webhook_deliveries": Access(
        read=member_of(STUDIO, ADMIN, "as its endpoint: its studio's admins"),
        write=Rule("nobody: studiocore's workers", _nobody),
    ),
}
"""The default policy (the specification's Phase 3 table)."""


def render_markdown() -> str:
    """The table as Markdown, for ``docs/access-control.md``."""
    lines = [
        "| resource | read | write | create | named use cases | fields shown only to |",
        "|---|---|---|---|---|---|",
    ]
    for resource, access in ACCESS_TABLE.items():
        create = access.create.text if access.create is not None else "as write"
        named = "; ".join(f"`{name}`: {rule.text}" for name, rule in access.use_cases.items())
        hidden = "; ".join(f"`{name}`: {rule.text}" for name, rule in access.hidden.items())
        lines.append(
            f"| {resource} | {access.read.text} | {access.write.text} | {create} "
            f"| {named or '-'} | {hidden or '-'} |"
        )
    return "\n".join(lines) + "\n"
