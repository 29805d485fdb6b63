"""The membership policy (studiocore.access) through the services, on every adapter.

One small world: studios A and B, clients C and D, platform P, an MC hosted by
its own user, and one user per role. Each test asks the services as one of
them and checks the access table's answer: allowed, 403 (may read, may not
change) or 404 (may not read: existence is not leaked).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from studiocore import (
    SYSTEM,
    Actor,
    LookupTable,
    NotFoundError,
    PermissionDeniedError,
    Services,
    ShowStatus,
    ValidationError,
)
from studiocore.access import ACCESS_TABLE, MembershipPolicy, render_markdown
from tests.conftest import FreshDatabase
from tests.support.access_matrix import add_groups
from tests.support.builders import T0


@attrs.define
class World:
    svc: Services
    uids: dict[str, str] = attrs.field(factory=dict)
    actors: dict[str, Actor] = attrs.field(factory=dict)

    def as_(self, who: str) -> Actor:
        return self.actors[who]


@pytest.fixture
def world(fresh_db: FreshDatabase, clock: Any) -> World:
    svc = Services(fresh_db(), clock=clock, policy=MembershipPolicy())
    w = World(svc)
    u = w.uids
    add_groups(svc, u)
    people = {
        "admin": "admin",
        "a_manager": "user",
        "a_member": "user",
        "a_admin": "user",
        "b_admin": "user",
        "c_manager": "user",
        "c_member": "user",
        "d_admin": "user",
        "p_member": "user",
        "host": "user",
        "outsider": "user",
    }
    for name, role in people.items():
        u[name] = svc.users.create(f"{name}@example.com", name.title(), role=role).uid
    grants = [
        ("a_manager", "A", "manager"),
        ("a_member", "A", "member"),
        ("a_admin", "A", "admin"),
        ("b_admin", "B", "admin"),
        ("c_manager", "C", "manager"),
        ("c_member", "C", "member"),
        ("d_admin", "D", "admin"),
        ("p_member", "P", "member"),
    ]
    for user, group, role in grants:
        svc.memberships.create(u[user], u[group], role)
    u["mc"] = svc.mcs.create("Host", user_uid=u["host"]).uid
    start = T0 + timedelta(days=1)

    def show(name: str, room: str, client: str, hours: tuple[int, int], **links: Any) -> str:
        begin, end = (start + timedelta(hours=h) for h in hours)
        return svc.shows.create(
            name, begin, end, studio_room_uid=u[room], client_uid=u[client], **links
        ).show.uid

    u["showC"] = show("C in A", "roomA", "C", (0, 2), mc_uids=[u["mc"]])
    u["showD"] = show("D in B", "roomB", "D", (0, 2), platform_uids=[u["P"]])
    u["planC"] = svc.schedules.create(
        u["C"], u["A"], "C's week", start, start + timedelta(days=7)
    ).uid
    u["draftC"] = show("C draft", "roomA", "C", (3, 4), schedule_uid=u["planC"])
    u["briefC"] = svc.materials.create("C brief", "brief", client_uid=u["C"]).uid
    u["sceneP"] = svc.materials.create("P scene", "scene", platform_uid=u["P"]).uid
    w.actors = {name: svc.users.actor(u[name]) for name in people}
    return w


# --------------------------------------------------------------------------- reading

SHOW_READERS = {
    "showC": {"admin", "a_manager", "a_member", "a_admin", "c_manager", "c_member", "host"},
    "showD": {"admin", "b_admin", "d_admin", "p_member"},
}


@pytest.mark.parametrize("show", sorted(SHOW_READERS))
def test_a_show_is_read_by_its_studio_staff_client_members_host_and_platform(
    world: World, show: str
) -> None:
    uid = world.uids[show]
    for who in world.actors:
        if who in SHOW_READERS[show]:
            assert world.svc.shows.get(uid, actor=world.as_(who)).uid == uid, who
        else:
            with pytest.raises(NotFoundError):  # exactly as for a uid that does not exist
                world.svc.shows.get(uid, actor=world.as_(who))


def test_studios_rooms_mcs_platforms_and_lookups_are_read_by_anyone(world: World) -> None:
    outsider = world.as_("outsider")
    assert world.svc.studios.get(world.uids["B"], actor=outsider).name == "Studio B"
    assert world.svc.studio_rooms.get(world.uids["roomA"], actor=outsider).name == "A1"
    assert world.svc.mcs.get(world.uids["mc"], actor=outsider).name == "Host"
    assert world.svc.platforms.get(world.uids["P"], actor=outsider).name == "Platform P"
    assert world.svc.lookups[LookupTable.SHOW_TYPES].list(actor=outsider)


def test_a_client_is_read_by_its_members_and_staff_of_studios_it_works_with(world: World) -> None:
    c = world.uids["C"]
    for who in ("c_member", "a_member", "a_manager", "admin"):
        assert world.svc.clients.get(c, actor=world.as_(who)).uid == c
    for who in ("d_admin", "b_admin", "outsider", "p_member", "host"):
        with pytest.raises(NotFoundError):
            world.svc.clients.get(c, actor=world.as_(who))


def test_users_see_themselves_and_group_admins_see_their_members(world: World) -> None:
    c_member = world.uids["c_member"]
    assert world.svc.users.get(c_member, actor=world.as_("c_member")).uid == c_member
    with pytest.raises(NotFoundError):
        world.svc.users.get(c_member, actor=world.as_("c_manager"))  # a manager, not an admin
    a_member = world.uids["a_member"]
    assert world.svc.users.get(a_member, actor=world.as_("a_admin")).uid == a_member
    with pytest.raises(NotFoundError):
        world.svc.users.get(a_member, actor=world.as_("b_admin"))


def test_a_schedule_is_read_by_its_studio_staff_and_client_members(world: World) -> None:
    plan = world.uids["planC"]
    for who in ("a_member", "c_member"):
        assert world.svc.schedules.get(plan, actor=world.as_(who)).uid == plan
    for who in ("b_admin", "d_admin", "host"):
        with pytest.raises(NotFoundError):
            world.svc.schedules.get(plan, actor=world.as_(who))


def test_every_list_shows_exactly_what_single_reads_allow(world: World) -> None:
    """Lists filter in the query (total and pages count only what is visible),
    and agree record by record with the policy's answer for a single read."""
    svc = world.svc
    services: dict[str, Any] = {
        "studios": svc.studios,
        "clients": svc.clients,
        "users": svc.users,
        "memberships": svc.memberships,
        "materials": svc.materials,
        "schedules": svc.schedules,
        "mcs": svc.mcs,
    }
    everything = {name: [e.uid for e in service.list()] for name, service in services.items()}
    all_shows = [s.uid for s in svc.shows.search(limit=500).items]
    assert len(all_shows) == 3
    for who, actor in world.actors.items():
        for name, service in services.items():
            readable = set()
            for uid in everything[name]:
                try:
                    service.get(uid, actor=actor)
                    readable.add(uid)
                except NotFoundError:
                    pass
            page = service.page(actor=actor, limit=500)
            assert {e.uid for e in page.items} == readable, (
                who,
                name,
                sorted(readable),
                sorted(e.uid for e in page.items),
            )
            assert page.total == len(readable), (who, name)
            assert {e.uid for e in service.list(actor=actor)} == readable, (who, name)
        shows = svc.shows.search(actor=actor, limit=2)
        readable = {
            uid for uid in all_shows if who in SHOW_READERS.get(_name(world, uid), {"admin"})
        }
        readable |= {
            uid for uid in all_shows if uid == world.uids["draftC"] and who in DRAFT_READERS
        }
        assert shows.total == len(readable), who
        assert {s.uid for s in shows.items} <= readable, who


DRAFT_READERS = {"admin", "a_manager", "a_member", "a_admin", "c_manager", "c_member"}


def _name(world: World, uid: str) -> str:
    return next(name for name, value in world.uids.items() if value == uid)


def test_a_client_member_sees_only_their_clients_materials(world: World) -> None:
    c_member, p_member = world.as_("c_member"), world.as_("p_member")
    assert [m.name for m in world.svc.materials.list(actor=c_member)] == ["C brief"]
    assert [m.name for m in world.svc.materials.list(actor=p_member)] == ["P scene"]
    assert world.svc.materials.list(actor=world.as_("outsider")) == []


# --------------------------------------------------------------------------- writing


def test_studio_managers_change_shows_of_their_studio_members_may_not(world: World) -> None:
    show = world.uids["showC"]
    later = T0 + timedelta(days=2)
    moved = world.svc.shows.reschedule(
        show,
        {"show_start": later, "show_end": later + timedelta(hours=1)},
        actor=world.as_("a_manager"),
    )
    assert moved.show.show_start == later
    with pytest.raises(PermissionDeniedError):  # may read it, may not change it
        world.svc.shows.reschedule(
            show,
            {"show_start": T0, "show_end": T0 + timedelta(hours=1)},
            actor=world.as_("a_member"),
        )
    with pytest.raises(NotFoundError):  # may not even read it
        world.svc.shows.reschedule(
            show,
            {"show_start": T0, "show_end": T0 + timedelta(hours=1)},
            actor=world.as_("b_admin"),
        )
    assert world.svc.shows.get(show).show_start == later  # the refused calls changed nothing


def test_client_managers_edit_drafts_of_their_draft_schedules_only(world: World) -> None:
    draft, confirmed = world.uids["draftC"], world.uids["showC"]
    start = T0 + timedelta(days=1, hours=5)
    c_manager = world.as_("c_manager")
    world.svc.shows.reschedule(
        draft, {"show_start": start, "show_end": start + timedelta(hours=1)}, actor=c_manager
    )
    assert world.svc.shows.get(draft).show_start == start
    with pytest.raises(PermissionDeniedError):
        world.svc.shows.reschedule(
            confirmed,
            {"show_start": start, "show_end": start + timedelta(hours=1)},
            actor=c_manager,
        )
    with pytest.raises(PermissionDeniedError):  # a client member plans nothing
        world.svc.shows.reschedule(
            draft,
            {"show_start": start, "show_end": start + timedelta(hours=1)},
            actor=world.as_("c_member"),
        )


def test_the_client_approves_and_the_studio_managers_confirm(world: World) -> None:
    plan, svc = world.uids["planC"], world.svc.schedules
    svc.propose(plan, actor=world.as_("c_manager"))
    with pytest.raises(PermissionDeniedError):
        svc.approve(plan, actor=world.as_("a_manager"))  # the studio may not approve
    with pytest.raises(PermissionDeniedError):
        svc.approve(plan, actor=world.as_("c_member"))
    with pytest.raises(ValidationError, match="not approved"):
        svc.promote(plan, actor=world.as_("a_manager"))
    with pytest.raises(PermissionDeniedError):  # an override is the studio admins' call
        svc.promote(plan, reason="urgent", actor=world.as_("a_manager"))
    svc.approve(plan, actor=world.as_("c_manager"))
    with pytest.raises(PermissionDeniedError):
        svc.promote(plan, actor=world.as_("c_manager"))
    assert world.svc.shows.get(world.uids["draftC"]).show_status is ShowStatus.DRAFT
    result = svc.promote(plan, actor=world.as_("a_manager"))
    assert result.confirmed_show_uids == (world.uids["draftC"],)


def test_a_studio_admin_confirms_without_approval_giving_a_reason(world: World) -> None:
    plan, svc = world.uids["planC"], world.svc.schedules
    with pytest.raises(NotFoundError):
        svc.promote(plan, reason="urgent", actor=world.as_("b_admin"))  # another studio
    result = svc.promote(plan, reason="client confirmed by phone", actor=world.as_("a_admin"))
    assert result.schedule.approved_by_uid == world.uids["a_admin"]
    history = world.svc.audits.history(plan)
    assert any(
        "client confirmed by phone" in str((e.new_values or {}).get("approval_note"))
        for e in history
    )


def test_creating_studios_clients_and_platforms_is_for_system_admins(world: World) -> None:
    for who in ("a_admin", "d_admin", "outsider"):
        with pytest.raises(PermissionDeniedError):
            world.svc.studios.create("Mine", actor=world.as_(who))
        with pytest.raises(PermissionDeniedError):
            world.svc.clients.create("Mine", actor=world.as_(who))
    assert world.svc.studios.create("Theirs", actor=world.as_("admin")).name == "Theirs"


def test_a_studio_admin_edits_their_studio_and_its_rooms_only(world: World) -> None:
    a, b = world.uids["A"], world.uids["B"]
    assert world.svc.studios.update(a, {"name": "A!"}, actor=world.as_("a_admin")).name == "A!"
    with pytest.raises(PermissionDeniedError):
        world.svc.studios.update(b, {"name": "B!"}, actor=world.as_("a_admin"))
    with pytest.raises(PermissionDeniedError):
        world.svc.studios.update(a, {"name": "A?"}, actor=world.as_("a_manager"))
    room = world.svc.studio_rooms.create(a, "A2", actor=world.as_("a_admin"))
    assert room.studio_uid == a
    with pytest.raises(PermissionDeniedError):
        world.svc.studio_rooms.create(b, "B2", actor=world.as_("a_admin"))


def test_a_client_admin_edits_only_the_contact_details(world: World) -> None:
    d = world.uids["D"]
    d_admin = world.as_("d_admin")
    changed = world.svc.clients.update(d, {"contact_person": "Dee"}, actor=d_admin)
    assert changed.contact_person == "Dee"
    with pytest.raises(PermissionDeniedError):
        world.svc.clients.update(d, {"name": "Renamed"}, actor=d_admin)
    assert world.svc.clients.get(d).name == "Client D"


def test_users_change_their_own_name_and_nothing_else(world: World) -> None:
    me = world.uids["outsider"]
    outsider = world.as_("outsider")
    assert world.svc.users.update(me, {"name": "Me"}, actor=outsider).name == "Me"
    with pytest.raises(PermissionDeniedError):
        world.svc.users.update(me, {"role": "admin"}, actor=outsider)
    with pytest.raises(NotFoundError):
        world.svc.users.update(world.uids["c_member"], {"name": "You"}, actor=outsider)


def test_group_admins_grant_roles_up_to_their_own(world: World) -> None:
    a_admin, outsider = world.as_("a_admin"), world.uids["outsider"]
    granted = world.svc.memberships.create(outsider, world.uids["A"], "admin", actor=a_admin)
    assert granted.role.value == "admin"
    c_manager = world.as_("c_manager")
    with pytest.raises(PermissionDeniedError):  # a manager is not the group's admin
        world.svc.memberships.create(outsider, world.uids["C"], "member", actor=c_manager)
    with pytest.raises(PermissionDeniedError):  # not an admin of studio B
        world.svc.memberships.create(outsider, world.uids["B"], "member", actor=a_admin)


def test_mcs_are_managed_by_any_studio_admin(world: World) -> None:
    assert world.svc.mcs.create("New host", actor=world.as_("b_admin")).name == "New host"
    with pytest.raises(PermissionDeniedError):
        world.svc.mcs.create("Not mine", actor=world.as_("a_manager"))


def test_banned_users_do_nothing_and_admins_everything(world: World) -> None:
    banned = attrs.evolve(world.as_("a_manager"), is_banned=True)
    with pytest.raises(PermissionDeniedError):
        world.svc.studios.get(world.uids["A"], actor=banned)
    assert world.svc.shows.get(world.uids["showD"], actor=SYSTEM).uid == world.uids["showD"]


DOC = Path(__file__).parents[2] / "docs" / "access-control.md"


def test_the_docs_hold_the_table_as_the_code_has_it() -> None:
    assert render_markdown() in DOC.read_text()
    assert set(ACCESS_TABLE) >= {"shows", "schedules", "clients", "users", "memberships"}


def test_the_docs_example_runs_and_hides_the_show_from_a_stranger() -> None:
    block = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)[0]
    namespace: dict[str, Any] = {}
    exec(compile(block, str(DOC), "exec"), namespace)
    assert namespace["hidden"] is True
    assert namespace["show"].studio_room_uid == namespace["room"].uid
    assert namespace["offered"] == set()  # rooms are edited by the studio's admins


def test_the_last_active_system_admin_cannot_be_demoted_banned_or_deleted(svc: Services) -> None:
    only = svc.users.create("root@example.com", "Root", role="admin")
    for changes, field in (({"role": "user"}, "role"), ({"is_banned": True}, "is_banned")):
        with pytest.raises(ValidationError) as refused:
            svc.users.update(only.uid, changes)
        assert refused.value.field == field
        assert "last active system admin" in str(refused.value)
    with pytest.raises(ValidationError, match="last active system admin"):
        svc.users.delete(only.uid)
    assert svc.users.get(only.uid).role.value == "admin"  # nothing changed
    second = svc.users.create("ops@example.com", "Ops", role="admin")
    assert svc.users.update(only.uid, {"role": "user"}).role.value == "user"  # another is left
    with pytest.raises(ValidationError):
        svc.users.delete(second.uid)


# --------------------------------------------------------------------------- what readers are shown


def test_an_email_is_shown_only_to_its_user_and_system_admins(world: World) -> None:
    svc, u = world.svc, world.uids
    for reader, shown in [("c_member", True), ("admin", True), ("d_admin", False)]:
        if reader == "d_admin":
            # a group admin sees the members of their group, not their e-mail
            svc.memberships.create(u["c_member"], u["D"], "member")
        got = svc.users.get(u["c_member"], actor=world.as_(reader))
        assert got.name == "C_Member"
        assert (got.email == "c_member@example.com") is shown
        assert got.email is None or shown
    listed = svc.users.list(actor=world.as_("d_admin"))
    assert {x.uid for x in listed} >= {u["c_member"], u["d_admin"]}
    emails = {x.uid: x.email for x in listed}
    assert emails[u["c_member"]] is None
    assert emails[u["d_admin"]] == "d_admin@example.com"  # oneself
    assert svc.users.get(u["c_member"]).email == "c_member@example.com"  # SYSTEM: in clear


def test_secret_values_are_masked_for_everyone_keys_shown_to_platform_admins(
    world: World,
) -> None:
    svc, u = world.svc, world.uids
    svc.platforms.update(u["P"], {"api_config": {"api_key": "sk_live_123"}})
    p_admin = svc.users.create("padmin@example.com", "P Admin").uid
    svc.memberships.create(p_admin, u["P"], "admin")
    as_p_admin = svc.users.actor(p_admin)
    assert svc.platforms.get(u["P"], actor=world.as_("admin")).api_config == {"api_key": "********"}
    assert svc.platforms.get(u["P"], actor=as_p_admin).api_config == {"api_key": "********"}
    assert svc.platforms.get(u["P"], actor=world.as_("p_member")).api_config == {}
    assert svc.platforms.get(u["P"], actor=world.as_("outsider")).api_config == {}
    changed = svc.platforms.update(u["P"], {"name": "P2"}, actor=as_p_admin)
    assert changed.api_config == {"api_key": "********"}
    # the in-process system actor (the code calling the platform) reads the secret
    assert svc.platforms.get(u["P"]).api_config == {"api_key": "sk_live_123"}
    # ... and so is the history of the platform
    history = svc.audits.history(u["P"], actor=as_p_admin)
    values = [e.new_values for e in history if e.new_values and "api_config" in e.new_values]
    assert values
    assert all(v["api_config"] in ({}, {"api_key": "********"}) for v in values)
    assert "sk_live" not in repr(history)


def test_an_mcs_user_link_is_shown_to_that_user_and_studio_admins(world: World) -> None:
    svc, u = world.svc, world.uids
    for reader, shown in [
        ("host", True),
        ("a_admin", True),
        ("a_manager", False),
        ("c_member", False),
    ]:
        got = svc.mcs.get(u["mc"], actor=world.as_(reader))
        assert got.name == "Host"
        assert got.user_uid == (u["host"] if shown else None), reader


def test_a_records_history_is_for_its_readers_and_hides_what_they_may_not_see(
    world: World,
) -> None:
    svc, u = world.svc, world.uids
    with pytest.raises(NotFoundError):
        svc.audits.history(u["showC"], actor=world.as_("d_admin"))
    assert svc.audits.history(u["showC"], actor=world.as_("c_member"))
    svc.users.update(u["c_member"], {"email": "new@example.com"})
    mine = svc.audits.history(u["c_member"], actor=world.as_("c_member"))
    assert any((e.new_values or {}).get("email") == "new@example.com" for e in mine)
    svc.memberships.create(u["c_member"], u["D"], "member")
    theirs = svc.audits.history(u["c_member"], actor=world.as_("d_admin"))
    assert theirs
    assert "example.com" not in repr([e.new_values for e in theirs])
    # the full list: system admins; studio admins, their studio's records
    everything = svc.audits.page(limit=500, actor=world.as_("admin"))
    studio_a = svc.audits.page(limit=500, actor=world.as_("a_admin"))
    about = {e.recordable_uid for e in studio_a.items}
    assert {u["A"], u["roomA"], u["showC"], u["planC"]} <= about
    assert not about & {u["B"], u["roomB"], u["showD"]}
    assert 0 < studio_a.total < everything.total
    assert studio_a.total == len(studio_a.items)
    assert svc.audits.page(actor=world.as_("a_manager")).total == 0
    assert svc.audits.page(actor=world.as_("c_manager")).total == 0


def test_users_are_not_found_by_an_address_the_reader_may_not_see(world: World) -> None:
    svc, u = world.svc, world.uids
    svc.memberships.create(u["c_member"], u["D"], "member")
    d_admin = world.as_("d_admin")
    for lookup in (
        lambda: svc.users.list(where={"email": "c_member@example.com"}, actor=d_admin),
        lambda: svc.users.page(where={"email": "c_member@example.com"}, actor=d_admin),
        lambda: svc.users.by_email("c_member@example.com", actor=d_admin),
    ):
        with pytest.raises(ValidationError) as err:
            lookup()
        assert err.value.field == "email"
    found = svc.users.by_email("c_member@example.com", actor=world.as_("admin"))
    assert found.uid == u["c_member"]


def test_users_are_not_sorted_by_an_address_the_reader_may_not_see(world: World) -> None:
    svc, u = world.svc, world.uids
    svc.memberships.create(u["c_member"], u["D"], "member")
    d_admin = world.as_("d_admin")
    for sort in (["email"], ["-email"], ["name", "email"]):
        with pytest.raises(ValidationError) as err:
            svc.users.page(order_by=sort, actor=d_admin)
        assert err.value.field == "order_by"
    listed = svc.users.list(order_by=["-name"], actor=d_admin)  # a field they see
    assert [x.name for x in listed] == sorted((x.name for x in listed), key=str.lower)[::-1]
    assert svc.users.list(order_by=["email"], actor=world.as_("admin"))
