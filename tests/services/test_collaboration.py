"""Memberships and the audit trail (comments: test_comments.py)."""

from __future__ import annotations

import pytest

from studiocore import ConflictError, MembershipRole, Services, ValidationError


def test_memberships_grant_one_role_per_group(svc: Services) -> None:
    user = svc.users.create("m@example.com", "M")
    studio = svc.studios.create("One")
    client = svc.clients.create("Acme")
    svc.memberships.create(user.uid, studio.uid, "manager")
    svc.memberships.create(user.uid, client.uid, MembershipRole.MEMBER)
    assert svc.memberships.role_in(user.uid, studio.uid) is MembershipRole.MANAGER
    assert svc.memberships.role_in(user.uid, client.uid) is MembershipRole.MEMBER
    with pytest.raises(ConflictError):
        svc.memberships.create(user.uid, studio.uid, "admin")
    with pytest.raises(ValidationError) as err:
        svc.memberships.create(user.uid, user.uid, "admin")
    assert err.value.field == "group_uid"
    with pytest.raises(ValidationError) as err:
        svc.memberships.create(user.uid, studio.uid.replace("studio_", "client_"), "admin")
    assert err.value.field == "group_uid"
    with pytest.raises(ValidationError) as err:
        svc.memberships.create(user.uid, svc.platforms.create("P").uid, "owner")
    assert err.value.field == "role"


def test_role_hierarchy_is_admin_manager_member() -> None:
    assert MembershipRole.ADMIN.at_least(MembershipRole.MANAGER)
    assert MembershipRole.MANAGER.at_least(MembershipRole.MEMBER)
    assert not MembershipRole.MEMBER.at_least(MembershipRole.MANAGER)


def test_the_audit_trail_lists_every_write(svc: Services) -> None:
    admin = svc.users.create("a@example.com", "A", role="admin")
    actor = svc.users.actor(admin.uid)
    client = svc.clients.create("Acme", actor=actor)
    svc.clients.update(client.uid, {"contact_person": "Ann"}, actor=actor)
    history = svc.audits.history(client.uid)
    assert [(a.action, a.user_uid) for a in history] == [
        ("create", admin.uid),
        ("update", admin.uid),
    ]
    assert history[1].new_values == {"contact_person": "Ann"}
    mine = svc.audits.page(user_uid=admin.uid)
    assert mine.total == 2
    assert svc.audits.page(recordable_type="users").total == 1
    for unknown in ("show_mc", "Clients", ""):  # a typo is an error, not an empty page
        with pytest.raises(ValidationError) as err:
            svc.audits.page(recordable_type=unknown)
        assert err.value.field == "recordable_type"
        assert "show_mcs" in err.value.reason
    assert svc.audits.get(history[0].uid) == history[0]
