"""Memberships and the audit trail (comments: :mod:`.comments`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from studiocore.access.scope import find_any
from studiocore.entities import Audit, Membership, Show
from studiocore.errors import NotFoundError, ValidationError
from studiocore.lookups import GroupType, MembershipRole
from studiocore.permissions import SYSTEM, Actor, Scope
from studiocore.ports import REPOSITORY_NAMES, Deleted, Since, UnitOfWork

from ._base import CrudService, Page, Service, Work, check_paging, page_of, reads, require, writes

__all__ = ["RECORD_TYPES", "AuditService", "MembershipService"]

_GROUP_REPOS = {
    GroupType.STUDIO: "studios",
    GroupType.CLIENT: "clients",
    GroupType.PLATFORM: "platforms",
}


def _prefix(value: object) -> str:
    return value.partition("_")[0] if isinstance(value, str) else ""


class MembershipService(CrudService[Membership]):
    """A user's role (admin > manager > member) within a studio, client or platform;
    at most one live membership per user and group."""

    entity_type = Membership
    read_only_fields = frozenset({"user_uid", "group_uid", "group_type"})

    @writes
    def create(
        self,
        work: Work,
        user_uid: str,
        group_uid: str,
        role: MembershipRole | str,
        *,
        metadata: dict[str, Any] | None = None,
        actor: Actor = SYSTEM,
    ) -> Membership:
        """Grant ``role`` in the group ``group_uid`` (its type follows from the uid)."""
        group_type = _prefix(group_uid)
        if group_type not in {g.value for g in GroupType}:
            raise ValidationError("group_uid", "must be a studio, client or platform uid")
        return self._add(
            work,
            {
                "user_uid": user_uid,
                "group_uid": group_uid,
                "group_type": group_type,
                "role": role,
                "metadata": metadata or {},
            },
        )

    @reads
    def role_in(
        self, work: Work, user_uid: str, group_uid: str, *, actor: Actor = SYSTEM
    ) -> MembershipRole | None:
        """The user's live role in a group, if any: for the group's members and
        the user (``NotFoundError`` for anyone else, whether or not there is one)."""
        visible = work.visibility()
        mine = work.actor.user_uid == user_uid
        if (
            visible is not None
            and not mine
            and not visible.shows(
                group_uid,
                Scope(
                    studio_uids=frozenset({group_uid}),
                    client_uids=frozenset({group_uid}),
                    platform_uids=frozenset({group_uid}),
                ),
            )
        ):
            raise NotFoundError("membership", f"{user_uid} in {group_uid}")
        found = work.memberships.list(where={"user_uid": user_uid, "group_uid": group_uid})
        return found[0].role if found else None

    def _validate(self, uow: UnitOfWork, new: Membership, old: Membership | None) -> None:
        require(uow.users, new.user_uid, "user_uid", "user")
        require(
            getattr(uow, _GROUP_REPOS[new.group_type]),
            new.group_uid,
            "group_uid",
            new.group_type.value,
        )
        self._unique(
            uow,
            new,
            "group_uid",
            {"user_uid": new.user_uid, "group_uid": new.group_uid},
            f"a membership of {new.user_uid} in {new.group_uid}",
        )


RECORD_TYPES: frozenset[str] = frozenset(
    cls.TABLE for cls in REPOSITORY_NAMES if cls.AUDITED and cls is not Audit
)
"""What an audit entry's ``recordable_type`` may be: the table of every
audited entity (``shows``, ``show_mcs``, ``schedules``, ...)."""


class AuditService(Service):
    """Read access to the audit trail (written by the use-case pipeline)."""

    resource = "audits"

    @reads
    def history(
        self, work: Work, record_uid: str, *, with_links: bool = True, actor: Actor = SYSTEM
    ) -> list[Audit]:
        """Every audited change of one record, oldest first: for whoever may
        read the record (``NotFoundError`` for anyone else).

        A show's history also holds the changes of its MC, platform and
        material links (``show_mcs``, ``show_platforms``, ``show_materials``
        entries, removed links too), in the order they happened, unless
        ``with_links`` is false. Comments keep histories of their own."""
        record = find_any(work, record_uid, include_deleted=True)
        if record is not None:
            work.authorize(record)
        elif work.visibility() is not None:
            raise NotFoundError("record", record_uid)
        uids = [record_uid]
        if with_links and isinstance(record, Show):
            inner, where = work.inner, {"show_uid": record_uid}
            for links in (inner.show_mcs, inner.show_platforms, inner.show_materials):
                uids.extend(link.uid for link in links.list(where=where, deleted=Deleted.INCLUDE))
        return work.audits.list(where={"recordable_uid": uids}, order_by=("created_at",))

    @reads
    def page(
        self,
        work: Work,
        *,
        user_uid: str | None = None,
        recordable_type: str | None = None,
        recordable_uid: str | None = None,
        action: str | None = None,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
        actor: Actor = SYSTEM,
    ) -> Page[Audit]:
        """Audit entries, oldest first, filtered by who, what kind of record
        (or which record), which action and when (``created_from <=
        created_at < created_to``): every entry for system admins, the entries
        about their studio's records for studio admins, none for anyone else. ``recordable_type`` is a
        table name (:data:`RECORD_TYPES`: ``"shows"``, ``"show_mcs"``, ...); an
        unknown one is a ``ValidationError`` naming the known ones, not an
        empty page."""
        check_paging(limit, offset)
        if recordable_type is not None and recordable_type not in RECORD_TYPES:
            known = ", ".join(sorted(RECORD_TYPES))
            raise ValidationError("recordable_type", f"unknown record type; one of: {known}")
        for name, value in (("created_from", created_from), ("created_to", created_to)):
            if value is not None and value.utcoffset() is None:
                raise ValidationError(name, "must be a time zone aware datetime")
        if created_from is not None and created_to is not None and created_to <= created_from:
            raise ValidationError("created_to", "must be after the start of the range")
        visible = work.visibility()
        where: dict[str, object] = {
            k: v
            for k, v in {
                "user_uid": user_uid,
                "recordable_type": recordable_type,
                "recordable_uid": recordable_uid,
                "action": action,
            }.items()
            if v is not None
        }
        if created_from is not None or created_to is not None:
            where["created_at"] = Since(created_from, created_to)
        found = work.audits.list(where=where, limit=limit, offset=offset, visible=visible)
        return page_of(
            found, limit, offset, lambda: work.audits.count(where=where, visible=visible)
        )

    @reads
    def get(self, work: Work, uid: str, *, actor: Actor = SYSTEM) -> Audit:
        """One audit entry."""
        found = work.audits.find(uid)
        if found is None:
            raise NotFoundError("audit", uid)
        work.authorize(found)
        return found
