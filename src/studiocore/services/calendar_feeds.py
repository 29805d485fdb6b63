"""Personal calendar feed links: a user's revocable subscription to a calendar
they may read (an MC's, a studio room's or a schedule's shows).

A calendar app cannot send a bearer header, so an adapter hands out a link
that names the feed (the HTTP adapter signs its uid). Whoever fetches the link
reads the calendar as the feed's owner with the rights the owner has *then*
(:meth:`CalendarFeedService.reader`): a revoked membership, a ban or a deleted
account stops the feed at once, and revoking the feed (a soft delete) too.
"""

from __future__ import annotations

from studiocore.entities import CalendarFeed
from studiocore.errors import NotFoundError, ValidationError
from studiocore.lookups import CalendarKind, UserRole
from studiocore.permissions import SYSTEM, Actor
from studiocore.ports import UnitOfWork, Where

from ._base import CrudService, Listing, Work, reads, writes
from .calendars import CALENDAR_TARGETS, calendar_kind

__all__ = ["CalendarFeedService"]


def _sees_all(actor: Actor) -> bool:
    return actor.role is UserRole.ADMIN  # system admins and the in-process SYSTEM


def _own(work: Work, feed: CalendarFeed) -> CalendarFeed:
    """``feed``, when the actor owns it (or sees every feed); else ``NotFoundError``."""
    if not _sees_all(work.actor) and feed.user_uid != work.actor.user_uid:
        raise NotFoundError("CalendarFeed", feed.uid)
    return feed


class CalendarFeedService(CrudService[CalendarFeed]):
    """A user's calendar feed links: create, list their own, revoke.

    >>> from studiocore import Services
    >>> from studiocore.access import MembershipPolicy
    >>> svc = Services.in_memory(policy=MembershipPolicy())  # Phase 2's lets only admins write
    >>> hana = svc.users.create("hana@example.com", "Hana Kim")
    >>> mc = svc.mcs.create("Hana Kim")
    >>> me = svc.users.actor(hana.uid)
    >>> feed = svc.calendar_feeds.create("mc", mc.uid, actor=me)
    >>> feed.user_uid == hana.uid, feed.kind.value
    (True, 'mc')
    >>> [f.uid for f in svc.calendar_feeds.list(actor=me)] == [feed.uid]
    True
    >>> svc.calendar_feeds.delete(feed.uid, actor=me)  # revoked
    >>> svc.calendar_feeds.list(actor=me)
    []
    """

    entity_type = CalendarFeed
    read_only_fields = frozenset({"user_uid", "kind", "target_uid"})

    @writes
    def create(
        self,
        work: Work,
        kind: CalendarKind | str,
        target_uid: str,
        *,
        drafts: bool = False,
        actor: Actor = SYSTEM,
    ) -> CalendarFeed:
        """A feed link of the actor to the calendar ``kind`` of ``target_uid``
        (with draft shows when ``drafts``). The actor must be a user and may
        read the target (else ``NotFoundError``, as for a uid that does not
        exist). Asking again for a feed the actor already has returns it."""
        kind = calendar_kind(kind)
        user_uid = work.actor.user_uid
        if user_uid is None:
            raise ValidationError("actor", "a calendar feed belongs to a user: pass their actor")
        if type(drafts) is not bool:
            raise ValidationError("drafts", "must be true or false")
        if not str(target_uid).startswith(kind.uid_prefix + "_"):
            raise ValidationError(
                "target_uid", f"a {kind.value} calendar needs a {kind.uid_prefix} uid"
            )
        work.load(CALENDAR_TARGETS[kind], target_uid)
        same = {"user_uid": user_uid, "kind": kind, "target_uid": target_uid, "drafts": drafts}
        existing = work.calendar_feeds.list(where=same, limit=1)
        if existing:
            return existing[0]
        return self._add(work, same)

    @reads
    def get(
        self, work: Work, uid: str, *, include_deleted: bool = False, actor: Actor = SYSTEM
    ) -> CalendarFeed:
        """The feed ``uid``, when it is the actor's (system admins: any)."""
        feed = work.load(CalendarFeed, uid, include_deleted=include_deleted)
        return _own(work, feed)

    def _owned(self, work: Work, where: Where | None) -> Where | None:
        """``where``, limited to the actor's own feeds unless they see every one
        (``None``: it asks for someone else's, which the actor sees none of)."""
        mine = dict(where or {})
        if _sees_all(work.actor):
            return mine
        own = work.actor.user_uid
        if mine.setdefault("user_uid", own) != own:
            return None
        return mine

    def _listing(self, work: Work, where: Where | None) -> Listing:
        mine = self._owned(work, where)
        return None if mine is None else (mine, None)

    @writes
    def restore(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> CalendarFeed:
        """Refused: a revoked link stays revoked (create a new feed instead)."""
        raise ValidationError("uid", "a revoked calendar feed cannot be restored; create another")

    def _before_delete(self, uow: UnitOfWork, entity: CalendarFeed) -> None:
        if isinstance(uow, Work):
            _own(uow, entity)

    def _validate(self, uow: UnitOfWork, new: CalendarFeed, old: CalendarFeed | None) -> None:
        if isinstance(uow, Work) and old is not None:
            _own(uow, old)

    @reads
    def live(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> CalendarFeed:
        """The feed ``uid`` if its link still works: not revoked, and its owner
        neither deleted nor banned; else ``NotFoundError`` (a link never says
        why it stopped). The adapter serving links then reads the calendar as
        the owner, with their current grants (``services.users.actor``), so
        the access rules apply at every fetch."""
        feed = work.load(CalendarFeed, uid)
        _own(work, feed)
        user = work.users.find(feed.user_uid)
        if user is None or user.is_banned:
            raise NotFoundError("CalendarFeed", uid)
        return feed
