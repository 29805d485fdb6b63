"""The vocabulary of the access table: small rules that answer "may this actor
do this to this record?" and say so in words for the docs.

A rule sees the :class:`~studiocore.permissions.AccessRequest`: the actor and
their grants (memberships, MC profiles), the target record and its
:class:`~studiocore.permissions.Scope` (the studios, clients, platforms and MCs
it belongs to), and, for a write, the record as it would be stored. System
admins are allowed before any rule is asked (:mod:`studiocore.access.policy`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import attrs

from studiocore.entities import Entity, Membership
from studiocore.lookups import GroupType, MembershipRole
from studiocore.permissions import NOTHING, AccessRequest, Actor, Visibility

__all__ = [
    "ANYONE",
    "HOSTS",
    "NOBODY",
    "ONESELF",
    "Rule",
    "admin_of_any",
    "any_of",
    "member_of",
    "not_above_own_role",
    "only_fields",
    "when",
]

Check = Callable[[AccessRequest], bool]
Reach = Callable[[Actor], Visibility | None]


def _sees_nothing(_: Actor) -> Visibility | None:
    return NOTHING


@attrs.frozen
class Rule:
    """A yes/no question about a request, with the words the docs use for it.

    ``reach`` says the same of a whole list, for a read rule: which records the
    actor sees (``None``: every one), in terms a query can use."""

    text: str
    check: Check = attrs.field(repr=False)
    reach: Reach = attrs.field(default=_sees_nothing, repr=False)

    def allows(self, request: AccessRequest) -> bool:
        return self.check(request)


ANYONE = Rule("any signed-in user", lambda _: True, lambda _: None)
NOBODY = Rule("nobody but a system admin", lambda _: False)

_GROUP_WORDS = {
    GroupType.STUDIO: "studio",
    GroupType.CLIENT: "client",
    GroupType.PLATFORM: "platform",
    None: "group",
}
_ROLE_WORDS = {
    MembershipRole.MEMBER: "members",
    MembershipRole.MANAGER: "managers",
    MembershipRole.ADMIN: "admins",
}


def member_of(
    group_type: GroupType | None,
    at_least: MembershipRole = MembershipRole.MEMBER,
    text: str | None = None,
) -> Rule:
    """The actor holds ``at_least`` this role in a group (of ``group_type``, or of
    any type) that the target belongs to."""

    def check(request: AccessRequest) -> bool:
        mine = request.actor.grants.groups(group_type, at_least)
        if not mine:
            return False
        scope = request.scope
        if group_type is None:
            theirs = scope.studio_uids | scope.client_uids | scope.platform_uids
        else:
            theirs = scope.of_type(group_type)
        return not mine.isdisjoint(theirs)

    def reach(actor: Actor) -> Visibility:
        if group_type is None:
            groups = actor.grants.groups(None, at_least)
            return Visibility(groups, groups, groups)  # uids are unique across types
        mine = actor.grants.groups(group_type, at_least)
        if group_type is GroupType.STUDIO:
            return Visibility(studio_uids=mine)
        if group_type is GroupType.CLIENT:
            return Visibility(client_uids=mine)
        return Visibility(platform_uids=mine)

    words = f"{_GROUP_WORDS[group_type]} {_ROLE_WORDS[at_least]}"
    if at_least is not MembershipRole.ADMIN:
        words += "+"
    return Rule(text or words, check, reach)


def _hosts(request: AccessRequest) -> bool:
    mine = request.actor.grants.mc_uids
    return bool(mine) and not mine.isdisjoint(request.scope.mc_uids)


HOSTS = Rule(
    "the MC's user, for shows they host",
    _hosts,
    lambda actor: Visibility(mc_uids=actor.grants.mc_uids),
)


def _oneself(request: AccessRequest) -> bool:
    target = request.target
    return target is not None and target.TABLE == "users" and target.uid == request.actor.user_uid


ONESELF = Rule(
    "oneself",
    _oneself,
    lambda actor: Visibility(uids=frozenset([actor.user_uid] if actor.user_uid else [])),
)


def admin_of_any(group_type: GroupType) -> Rule:
    """The actor is an admin of some group of ``group_type`` (MCs are shared
    across studios: any studio's admins manage them)."""
    return Rule(
        f"{_GROUP_WORDS[group_type]} admins (of any {_GROUP_WORDS[group_type]})",
        lambda r: bool(r.actor.grants.groups(group_type, MembershipRole.ADMIN)),
    )


def any_of(*rules: Rule) -> Rule:
    """Allowed when one of ``rules`` allows."""

    def reach(actor: Actor) -> Visibility | None:
        total = NOTHING
        for rule in rules:
            one = rule.reach(actor)
            if one is None:
                return None
            total = total | one
        return total

    return Rule("; ".join(r.text for r in rules), lambda r: any(x.allows(r) for x in rules), reach)


def when(condition: Check, rule: Rule, text: str) -> Rule:
    """``rule``, only for requests that meet ``condition``."""
    return Rule(text, lambda r: condition(r) and rule.allows(r))


def _changed_fields(before: Entity, after: Entity) -> set[str]:
    names = {a.name for a in attrs.fields(type(before))} - {"updated_at"}
    return {n for n in names if getattr(before, n) != getattr(after, n)}


def only_fields(rule: Rule, fields: Collection[str], text: str) -> Rule:
    """``rule``, for changes of the existing record that touch only ``fields``."""
    allowed = frozenset(fields)

    def check(request: AccessRequest) -> bool:
        before, after = request.target, request.after
        if before is None or after is None or before is after:
            return False  # a new record, or no change to look at
        return _changed_fields(before, after) <= allowed and rule.allows(request)

    return Rule(text, check)


def _within_own_role(request: AccessRequest) -> bool:
    grants = request.actor.grants
    for record in (request.target, request.after):
        if not isinstance(record, Membership):
            continue
        own = grants.role_in(record.group_uid)
        if own is None or not own.at_least(MembershipRole.ADMIN) or not own.at_least(record.role):
            return False
    return True


def not_above_own_role(group_type: GroupType | None = None) -> Rule:
    """The group's admins, granting (or changing, or revoking) no role above their own."""
    admins = member_of(group_type, MembershipRole.ADMIN)
    return Rule(
        "the group's admins, never granting a role above their own",
        lambda r: admins.allows(r) and _within_own_role(r),
    )
