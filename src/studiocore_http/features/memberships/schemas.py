"""Bodies of memberships (a user's role in a studio, client or platform)."""

from __future__ import annotations

from studiocore import GroupType, MembershipRole
from studiocore_http.shared.crud import Bodies
from studiocore_http.shared.schemas import MetadataInput, MetadataRecord, patch_of

__all__ = ["MEMBERSHIP_BODIES", "Membership", "MembershipCreate", "MembershipUpdate"]


class Membership(MetadataRecord):
    user_uid: str
    group_uid: str
    group_type: GroupType
    role: MembershipRole


class MembershipCreate(MetadataInput):
    """The group's type follows from ``group_uid`` (``studio_…``, ``client_…``,
    ``platform_…``)."""

    user_uid: str
    group_uid: str
    role: MembershipRole


MembershipUpdate = patch_of(MembershipCreate, omit={"user_uid", "group_uid"})
MEMBERSHIP_BODIES = Bodies(Membership, MembershipCreate, MembershipUpdate)
"""Only the role (and metadata) change; another user or group is another membership."""
