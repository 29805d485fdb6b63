"""Phase 1 services: CRUD, audit, and the business rules of the spec."""

from __future__ import annotations

from datetime import timedelta

import pytest

from studiocore import (
    SYSTEM,
    Actor,
    ConflictError,
    Deleted,
    LookupTable,
    NotFoundError,
    PermissionDeniedError,
    Services,
    Studio,
    UserRole,
    ValidationError,
)
from tests.support.builders import T0
from tests.support.checks import refused


def audits(svc: Services, uid: str) -> list[tuple[str, dict[str, object] | None]]:
    with svc.context.uow_factory() as uow:
        return [(a.action, a.new_values) for a in uow.audits.list(where={"recordable_uid": uid})]


class TestCrud:
    def test_create_get_update_delete_a_studio_with_audit(self, svc: Services) -> None:
        admin = svc.users.create("boss@example.com", "Boss", role="admin")
        actor = svc.users.actor(admin.uid)
        studio = svc.studios.create("One", address="Main St 1", actor=actor)
        assert svc.studios.get(studio.uid) == studio
        renamed = svc.studios.update(studio.uid, {"name": "Uno"}, actor=actor)
        assert renamed.name == "Uno"
        assert svc.studios.get(studio.uid).name == "Uno"
        svc.studios.delete(studio.uid, actor=actor)
        with pytest.raises(NotFoundError):
            svc.studios.get(studio.uid)
        assert svc.studios.get(studio.uid, include_deleted=True).deleted_at is not None
        assert [s.uid for s in svc.studios.list(deleted=Deleted.ONLY)] == [studio.uid]
        with svc.context.uow_factory() as uow:
            trail = uow.audits.list(where={"recordable_uid": studio.uid})
        assert [a.action for a in trail] == ["create", "update", "delete"]
        assert {a.user_uid for a in trail} == {admin.uid}
        assert trail[1].old_values == {"name": "One"}
        assert trail[1].new_values == {"name": "Uno"}
        assert trail[0].new_values is not None
        assert trail[0].new_values["address"] == "Main St 1"

    def test_update_names_unknown_and_read_only_fields(self, svc: Services) -> None:
        studio = svc.studios.create("One")
        room = svc.studio_rooms.create(studio.uid, "A")
        with refused("colour"):
            svc.studios.update(studio.uid, {"colour": "red"})
        with refused("uid"):
            svc.studios.update(studio.uid, {"uid": "studio_x"})
        with refused("studio_uid"):
            svc.studio_rooms.update(room.uid, {"studio_uid": studio.uid})
        with refused("operational_day_start_hour"):
            svc.studios.update(studio.uid, {"operational_day_start_hour": 24})
        assert svc.studios.get(studio.uid) == studio

    def test_page_reports_total_and_rejects_bad_limits(self, svc: Services) -> None:
        for i in range(5):
            svc.clients.create(f"c{i}")
        page = svc.clients.page(limit=2, offset=1)
        assert page.total == 5
        assert [c.name for c in page.items] == ["c1", "c2"]
        for bad in (0, 501):
            with refused("limit"):
                svc.clients.page(limit=bad)
        with refused("offset"):
            svc.clients.page(offset=-1)

    def test_restore_brings_a_deleted_record_back(self, svc: Services) -> None:
        client = svc.clients.create("Acme")
        svc.clients.delete(client.uid)
        restored = svc.clients.restore(client.uid)
        assert restored.deleted_at is None
        assert svc.clients.get(client.uid).name == "Acme"


class TestRooms:
    def test_a_room_needs_an_existing_studio(self, svc: Services) -> None:
        with refused("studio_uid", "does not exist"):
            svc.studio_rooms.create("studio_01JD0000000000000000000000", "A")

    def test_room_names_are_unique_within_a_studio(self, svc: Services) -> None:
        one, two = svc.studios.create("One"), svc.studios.create("Two")
        svc.studio_rooms.create(one.uid, "A")
        svc.studio_rooms.create(two.uid, "A")
        with pytest.raises(ConflictError, match="name"):
            svc.studio_rooms.create(one.uid, "A")
        assert len(svc.studio_rooms.list()) == 2

    def test_a_studio_with_rooms_cannot_be_deleted(self, svc: Services) -> None:
        studio = svc.studios.create("One")
        room = svc.studio_rooms.create(studio.uid, "A")
        with pytest.raises(ConflictError, match="room"):
            svc.studios.delete(studio.uid)
        svc.studio_rooms.delete(room.uid)
        svc.studios.delete(studio.uid)
        assert svc.studios.list() == []

    def test_a_room_with_upcoming_shows_cannot_be_deleted(self, svc: Services) -> None:
        studio = svc.studios.create("One")
        room = svc.studio_rooms.create(studio.uid, "A")
        show = svc.shows.create(
            "x", T0 + timedelta(hours=1), T0 + timedelta(hours=2), studio_room_uid=room.uid
        ).show
        with pytest.raises(ConflictError, match=show.uid):
            svc.studio_rooms.delete(room.uid)


class TestUsersAndMcs:
    def test_emails_are_unique_case_insensitively(self, svc: Services) -> None:
        user = svc.users.create("Ann@Example.com", "Ann")
        assert user.email == "ann@example.com"
        with pytest.raises(ConflictError, match="email"):
            svc.users.create("ann@example.COM", "Other Ann")
        assert svc.users.by_email("ANN@example.com").uid == user.uid

    def test_a_user_has_at_most_one_mc_profile(self, svc: Services) -> None:
        user = svc.users.create("jo@example.com", "Jo")
        svc.mcs.create("Jo", user_uid=user.uid)
        with pytest.raises(ConflictError, match="user_uid"):
            svc.mcs.create("Jo again", user_uid=user.uid)

    def test_bad_role_is_named(self, svc: Services) -> None:
        with refused("role"):
            svc.users.create("x@example.com", "X", role="superuser")


class TestMaterials:
    def test_material_type_must_be_a_known_lookup(self, svc: Services) -> None:
        with refused("material_type", "brief"):
            svc.materials.create("Deck", "slides")
        svc.material_types.create("slides")
        assert svc.materials.create("Deck", "slides").material_type == "slides"

    def test_revisions_keep_every_version(self, svc: Services, clock: object) -> None:
        client = svc.clients.create("Acme")
        material = svc.materials.create(
            "Script", "script", client_uid=client.uid, resource_url="https://cdn.test/v1.pdf"
        )
        svc.materials.revise(material.uid, version="2", resource_url="https://cdn.test/v2.pdf")
        with refused("version"):
            svc.materials.revise(material.uid, version="2")
        history = svc.materials.versions(material.uid)
        assert [(h["version"], h["resource_url"]) for h in history] == [
            ("1", "https://cdn.test/v1.pdf"),
            ("2", "https://cdn.test/v2.pdf"),
        ]

    def test_client_of_a_material_cannot_be_changed(self, svc: Services) -> None:
        a, b = svc.clients.create("A"), svc.clients.create("B")
        material = svc.materials.create("Brief", "brief", client_uid=a.uid)
        with refused("client_uid"):
            svc.materials.update(material.uid, {"client_uid": b.uid})


class TestTags:
    def test_tags_are_unique_per_scope(self, svc: Services) -> None:
        studio = svc.studios.create("One")
        svc.tags.create("vip")
        svc.tags.create("vip", studio_uid=studio.uid)
        with pytest.raises(ConflictError):
            svc.tags.create("vip")
        with pytest.raises(ConflictError):
            svc.tags.create("vip", studio_uid=studio.uid)

    def test_tag_untag_and_list(self, svc: Services) -> None:
        client = svc.clients.create("Acme")
        tag = svc.tags.create("key-account")
        link = svc.tags.tag(client.uid, tag.uid)
        assert link.taggable_type == "clients"
        assert svc.tags.tag(client.uid, tag.uid).uid == link.uid  # idempotent
        assert [t.uid for t in svc.tags.tags_of(client.uid)] == [tag.uid]
        assert [t.taggable_uid for t in svc.tags.tagged(tag.uid)] == [client.uid]
        svc.tags.untag(client.uid, tag.uid)
        assert svc.tags.tags_of(client.uid) == []
        with pytest.raises(NotFoundError):
            svc.tags.untag(client.uid, tag.uid)
        assert [a for a, _ in audits(svc, link.uid)] == ["tag", "untag"]

    def test_a_studio_tag_fits_only_that_studios_entities(self, svc: Services) -> None:
        one, two = svc.studios.create("One"), svc.studios.create("Two")
        room_two = svc.studio_rooms.create(two.uid, "A")
        room_one = svc.studio_rooms.create(one.uid, "A")
        tag = svc.tags.create("green-screen", studio_uid=one.uid)
        svc.tags.tag(room_one.uid, tag.uid)
        with refused("tag_uid", two.uid):
            svc.tags.tag(room_two.uid, tag.uid)

    def test_tagging_an_unknown_entity_is_not_found(self, svc: Services) -> None:
        tag = svc.tags.create("x")
        with pytest.raises(NotFoundError):
            svc.tags.tag("client_01JD0000000000000000000000", tag.uid)
        with refused("tag_uid"):
            svc.tags.tag(tag.uid, "tag_01JD0000000000000000000000")


class TestLookups:
    @pytest.mark.parametrize(
        ("table", "name"),
        [
            (LookupTable.SHOW_STATUS, "draft"),
            (LookupTable.SCHEDULE_STATUS, "proposed"),
            (LookupTable.CHANGE_CATEGORIES, "FORCE_MAJEURE"),
            (LookupTable.CHANGE_TYPES, "TIME_CHANGE"),
        ],
    )
    def test_the_workflows_own_names_cannot_be_deleted_or_renamed(
        self, svc: Services, table: LookupTable, name: str
    ) -> None:
        entries = svc.lookups[table]
        entry = entries.by_name(name)
        with pytest.raises(ValidationError):
            entries.delete(entry.uid)
        with pytest.raises(ValidationError):
            entries.update(entry.uid, {"name": "renamed"})
        assert entries.by_name(name).uid == entry.uid
        other = entries.create("SITE_SPECIFIC")  # an admin's own value may change
        entries.update(other.uid, {"name": "SITE_SPECIFIC_2"})
        entries.delete(other.uid)

    def test_admins_may_add_change_types(self, svc: Services) -> None:
        types = svc.lookups[LookupTable.CHANGE_TYPES]
        types.create("VENUE_CHANGE", description="moved to another studio")
        assert "VENUE_CHANGE" in {t.name for t in types.list()}
        with pytest.raises(ConflictError):
            types.create("VENUE_CHANGE")


class TestPermissions:
    def test_only_admins_write_everyone_reads(self, svc: Services) -> None:
        member = svc.users.create("m@example.com", "M", role=UserRole.MANAGER)
        actor = svc.users.actor(member.uid)
        studio = svc.studios.create("One")
        with pytest.raises(PermissionDeniedError):
            svc.studios.create("Two", actor=actor)
        with pytest.raises(PermissionDeniedError):
            svc.studios.update(studio.uid, {"name": "x"}, actor=actor)
        with pytest.raises(PermissionDeniedError):
            svc.studios.delete(studio.uid, actor=actor)
        assert svc.studios.get(studio.uid, actor=actor) == studio
        assert [s.uid for s in svc.studios.list(actor=actor)] == [studio.uid]

    def test_banned_users_may_do_nothing(self, svc: Services) -> None:
        banned = Actor(user_uid=None, role=UserRole.ADMIN, is_banned=True)
        with pytest.raises(PermissionDeniedError):
            svc.studios.list(actor=banned)
        assert SYSTEM.is_system

    def test_a_refused_write_changes_nothing(self, svc: Services) -> None:
        actor = Actor(user_uid=None, role=UserRole.USER)
        with pytest.raises(PermissionDeniedError):
            svc.clients.create("Acme", actor=actor)
        assert svc.clients.list() == []


def test_studio_defaults_follow_the_engine_needs(svc: Services) -> None:
    studio = svc.studios.create("One")
    assert isinstance(studio, Studio)
    assert (studio.time_zone, studio.operational_day_start_hour) == ("UTC", 6)
    assert studio.room_changeover_severity.value == "WARN"
