"""The access table of issue 13 as expected data, written from the issue's table
(not from ``studiocore.access``), for the generated per-cell tests.

A small world of personas and records (:func:`build_world`; new records like
its own come from ``tests/support/access_targets.py``), and for each row of the
table and each action on a given target record the set of personas allowed
(:data:`CELLS`). Whoever is not allowed gets, as the issue's
"Isolation" section says:

* ``hidden`` (``NotFoundError``, HTTP 404) when they may not read the target
  (for a new record: the record it would be linked to, its *container*);
* ``refused`` (``PermissionDeniedError``, HTTP 403) when they may read it.

A banned user is refused everything. The per-cell tests run each cell through
the services on every adapter (``tests/services/test_access_cells.py``) and
through HTTP (``tests/http/test_access_cells.py``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta

import attrs
import pytest

from studiocore import Actor, LookupTable, Services
from tests.support import access_targets as new
from tests.support.builders import T0

__all__ = [
    "CELLS",
    "KNOWN_BUGS",
    "PERSONAS",
    "READERS",
    "UNDO",
    "Cell",
    "Outcome",
    "Persona",
    "World",
    "add_groups",
    "build_world",
    "cases",
    "known_bug",
]

# --------------------------------------------------------------------------- personas


@attrs.frozen
class Persona:
    role: str = "user"
    """The system role (``users.role``)."""
    grants: tuple[tuple[str, str], ...] = ()
    """(group key, membership role) pairs."""
    banned: bool = False
    hosts: bool = False
    """The user of the world's MC."""


PERSONAS: Mapping[str, Persona] = {
    "sys_admin": Persona(role="admin"),
    "a_admin": Persona(grants=(("A", "admin"),)),
    "a_manager": Persona(grants=(("A", "manager"),)),
    "a_member": Persona(grants=(("A", "member"),)),
    "b_manager": Persona(grants=(("B", "manager"),)),
    "c_admin": Persona(grants=(("C", "admin"),)),
    "c_manager": Persona(grants=(("C", "manager"),)),
    "c_member": Persona(grants=(("C", "member"),)),
    "d_member": Persona(grants=(("D", "member"),)),
    "p_admin": Persona(grants=(("P", "admin"),)),
    "p_manager": Persona(grants=(("P", "manager"),)),
    "p_member": Persona(grants=(("P", "member"),)),
    "host": Persona(hosts=True),
    "stranger": Persona(),
    # banned, though an admin of the studio and the client: refused everything
    "banned": Persona(grants=(("A", "admin"), ("C", "admin")), banned=True),
}

People = frozenset[str]


def _who(*names: str) -> People:
    unknown = set(names) - set(PERSONAS)
    assert not unknown, unknown
    return frozenset(names)


SYS = _who("sys_admin")
SIGNED_IN = frozenset(PERSONAS) - {"banned"}
A_ADMINS = _who("a_admin")
A_MANAGERS = A_ADMINS | _who("a_manager")
A_STAFF = A_MANAGERS | _who("a_member")
C_ADMINS = _who("c_admin")
C_MANAGERS = C_ADMINS | _who("c_manager")
C_MEMBERS = C_MANAGERS | _who("c_member")
P_ADMINS = _who("p_admin")
P_MANAGERS = P_ADMINS | _who("p_manager")
P_MEMBERS = P_MANAGERS | _who("p_member")
HOST = _who("host")

# --------------------------------------------------------------------------- the world


@attrs.define
class World:
    """The records by key (``uids``) and one actor per persona."""

    svc: Services
    uids: dict[str, str] = attrs.field(factory=dict)
    actors: dict[str, Actor] = attrs.field(factory=dict)
    _slot: int = 0
    _names: int = 0

    def __getitem__(self, key: str) -> str:
        return self.uids[key]

    def next_hours(self) -> tuple[int, int]:
        """A fresh two-hour slot (for confirmed shows made by the tests, so they
        never conflict with each other)."""
        self._slot += 1
        return 100 + 3 * self._slot, 102 + 3 * self._slot

    def name(self, prefix: str) -> str:
        """A name not used before (for records made by the tests)."""
        self._names += 1
        return f"{prefix} {self._names}"

    def number(self) -> int:
        """A number not used before (a value every call changes)."""
        self._names += 1
        return self._names

    def when(self, hours: tuple[int, int]) -> tuple[datetime, datetime]:
        return T0 + timedelta(hours=hours[0]), T0 + timedelta(hours=hours[1])


def add_groups(svc: Services, u: dict[str, str]) -> None:
    """Studios A and B (rooms ``roomA``, ``roomB``), clients C and D and platform
    P, by key into ``u``: the groups (and rooms) every access world starts from,
    this module's and ``tests/services/test_membership_policy.py``'s."""
    u["A"] = svc.studios.create("Studio A").uid
    u["B"] = svc.studios.create("Studio B").uid
    u["roomA"] = svc.studio_rooms.create(u["A"], "A1").uid
    u["roomB"] = svc.studio_rooms.create(u["B"], "B1").uid
    u["C"] = svc.clients.create("Client C").uid
    u["D"] = svc.clients.create("Client D").uid
    u["P"] = svc.platforms.create("Platform P").uid


def build_world(svc: Services) -> World:
    """Studios A and B (rooms ``roomA``, ``roomB``), clients C and D, platforms P
    and Q (nobody's), the MC ``mc`` of the ``host`` user, and:

    * ``showC``: confirmed, client C, room A, hosted by ``mc``, streamed on P and Q;
    * ``showD``: confirmed, client D, room B;
    * ``planC``: a draft schedule of C in studio A, with the draft show ``draftC``;
    * ``briefC``: a material of client C; ``sceneP``: a material of platform P only;
    * ``gtag`` (global) and ``atag`` (studio A) tags; ``show_type``: a lookup entry;
    * ``m_c_member``: the membership of ``c_member`` in C.

    Everything of client C happens in studio A (so A's staff see C, B's don't).
    """
    w = World(svc)
    u = w.uids
    add_groups(svc, u)
    u["Q"] = svc.platforms.create("Platform Q").uid
    u["R"] = svc.platforms.create("Platform R").uid
    for name, persona in PERSONAS.items():
        user = svc.users.create(f"{name}@example.com", name, role=persona.role)
        u[name] = user.uid
        for group, role in persona.grants:
            membership = svc.memberships.create(user.uid, u[group], role)
            u[f"m_{name}"] = membership.uid
    u["mc"] = svc.mcs.create("Host", user_uid=u["host"]).uid
    u["mc2"] = svc.mcs.create("Second host").uid
    u["showC"] = new.show_c(w)
    start, end = w.when(w.next_hours())
    u["showD"] = svc.shows.create(
        "D in B", start, end, studio_room_uid=u["roomB"], client_uid=u["D"]
    ).show.uid
    u["planC"] = new.plan_c(w)
    u["draftC"] = new.draft_c(w, u["planC"])
    u["crC"] = new.change_request_c(w)
    u["briefC"] = svc.materials.create("C brief", "brief", client_uid=u["C"]).uid
    u["brief2C"] = svc.materials.create("C script", "script", client_uid=u["C"]).uid
    u["sceneP"] = svc.materials.create("P scene", "scene", platform_uid=u["P"]).uid
    u["gtag"] = svc.tags.create("global").uid
    u["atag"] = svc.tags.create("A only", studio_uid=u["A"]).uid
    u["show_type"] = svc.lookups[LookupTable.SHOW_TYPES].by_name("bau").uid
    for name, persona in PERSONAS.items():
        actor = svc.users.actor(u[name])
        w.actors[name] = attrs.evolve(actor, is_banned=True) if persona.banned else actor
    for name, persona in PERSONAS.items():
        if persona.banned:
            svc.users.update(u[name], {"is_banned": True})
    return w


Undo = Callable[[World, str], object]

UNDO: Mapping[str, Undo] = {
    "studios.update[A]": lambda w, t: w.svc.studios.update(t, {"name": "Studio A"}),
    "clients.update_contact[C]": lambda w, t: w.svc.clients.update(t, {"contact_person": None}),
    "clients.update_name[C]": lambda w, t: w.svc.clients.update(t, {"name": "Client C"}),
    "clients.delete[C]": lambda w, t: w.svc.clients.restore(t),
    "users.update_name[c_member]": lambda w, t: w.svc.users.update(t, {"name": "c_member"}),
    "users.update_role[c_member]": lambda w, t: w.svc.users.update(t, {"role": "user"}),
    "platforms.update[P]": lambda w, t: w.svc.platforms.update(t, {"name": "Platform P"}),
    "platforms.delete[P]": lambda w, t: w.svc.platforms.restore(t),
    "materials.update[sceneP]": lambda w, t: w.svc.materials.update(t, {"description": None}),
    "tags.tag[A]": lambda w, t: w.svc.tags.untag(t, w["atag"]),
}
"""How to put back the world's record ``t`` after an allowed call of the cell
(by :attr:`Cell.id`) changed it: the cells that act on the world's own record
rather than a new one (the per-cell tests share one world per run)."""


# --------------------------------------------------------------------------- who reads what

READERS: Mapping[str, People] = {
    # studios, studio rooms, MCs, platforms, tags, lookups: any signed-in user
    "A": SIGNED_IN,
    "roomA": SIGNED_IN,
    "mc": SIGNED_IN,
    "P": SIGNED_IN,
    "gtag": SIGNED_IN,
    "atag": SIGNED_IN,
    "show_type": SIGNED_IN,
    "nothing": SIGNED_IN,  # a new record linked to nothing hidden
    # clients: its members; staff of a studio where it has shows or schedules
    "C": SYS | C_MEMBERS | A_STAFF,
    # users: oneself; a group's admin sees the members of their group
    "c_member": SYS | C_ADMINS | _who("c_member"),
    "user_in_C": SYS | C_ADMINS,  # a user (not a persona) who is a member of C
    # memberships: the group's members
    "m_c_member": SYS | C_MEMBERS,
    # materials: the owning client's members; staff of studios hosting its shows;
    # members of the material's platform
    "briefC": SYS | C_MEMBERS | A_STAFF,
    "sceneP": SYS | P_MEMBERS,
    # shows (and their links): staff of its studio; its client's members; the MC's
    # user; members of a platform it streams to
    "showC": SYS | A_STAFF | C_MEMBERS | HOST | P_MEMBERS,
    "draftC": SYS | A_STAFF | C_MEMBERS | HOST,
    # schedules: staff of its studio; members of its client
    "planC": SYS | A_STAFF | C_MEMBERS,
    "crC": SYS | A_STAFF | C_MEMBERS,  # a change request: as its schedule
    # comments: whoever may read the record they are on (here c_member's on showC)
    "commentC": SYS | A_STAFF | C_MEMBERS | HOST | P_MEMBERS,
    # calendar feed links: their owner (here the host's)
    "feedHost": SYS | HOST,
    # notifications: their recipient (here the host)
    "noteHost": SYS | HOST,
    # webhook endpoints of studio A, and their deliveries: A's admins
    "hookA": SYS | A_ADMINS,
    "deliveryA": SYS | A_ADMINS,
}


class Outcome(enum.StrEnum):
    ALLOWED = "allowed"
    HIDDEN = "hidden"  # NotFoundError, 404
    REFUSED = "refused"  # PermissionDeniedError, 403
    EMPTY = "empty"  # a list: nothing in it
    UNKNOWN = "unknown"  # a reference to a hidden record: as one that does not exist (422)


@attrs.frozen
class Cell:
    """Who may do ``action`` on (a record like) ``target`` of the table's row
    ``resource``; ``container`` decides hidden/refused for the rest (default:
    ``target``)."""

    resource: str
    action: str
    target: str
    allowed: People
    container: str | None = None
    note: str = ""
    listing: bool = False
    """A list: who is not allowed gets an empty one (lists never refuse)."""
    refers: bool = False
    """A create naming its container in the body: for whoever may not read the
    container, a reference to a record that does not exist (422)."""
    linked: str | None = None
    """A record the create links to: whoever may read the container but not
    it gets the answer of a reference to a record that does not exist."""

    @property
    def id(self) -> str:
        return f"{self.resource}.{self.action}[{self.target}]"

    @property
    def readers(self) -> People:
        return READERS[self.container or self.target]

    def expected(self, persona: str) -> Outcome:
        if PERSONAS[persona].banned:
            return Outcome.REFUSED
        if persona in self.allowed:
            return Outcome.ALLOWED
        if self.listing:
            return Outcome.EMPTY
        if self.linked and persona in self.readers and persona not in READERS[self.linked]:
            return Outcome.UNKNOWN
        if persona in self.readers:
            return Outcome.REFUSED
        return Outcome.UNKNOWN if self.refers else Outcome.HIDDEN


def _read(resource: str, target: str, action: str = "read") -> Cell:
    return Cell(resource, action, target, READERS[target])


SHOW_EDITORS = SYS | A_MANAGERS
DRAFT_EDITORS = SHOW_EDITORS | C_MANAGERS

CELLS: tuple[Cell, ...] = (
    # studios, studio rooms: studio admin of that studio (creating a studio: system admin)
    _read("studios", "A"),
    Cell("studios", "update", "A", SYS | A_ADMINS),
    Cell("studios", "create", "A", SYS, container="nothing"),
    _read("studio_rooms", "roomA"),
    Cell("studio_rooms", "update", "roomA", SYS | A_ADMINS),
    Cell("studio_rooms", "create", "roomA", SYS | A_ADMINS, container="A"),
    Cell("studio_rooms", "delete", "roomA", SYS | A_ADMINS),
    # clients: system admin; the client's admin edits its own contact details
    _read("clients", "C"),
    Cell("clients", "update_contact", "C", SYS | C_ADMINS),
    Cell("clients", "update_name", "C", SYS),
    Cell("clients", "create", "C", SYS, container="nothing"),
    Cell("clients", "delete", "C", SYS),
    # users: oneself (name); system admin
    _read("users", "c_member"),
    Cell("users", "update_name", "c_member", SYS | _who("c_member")),
    Cell("users", "update_role", "c_member", SYS),
    Cell("users", "create", "c_member", SYS, container="nothing"),
    Cell("users", "delete", "user_in_C", SYS),
    # memberships: system admin; the group's admin, never above their own role
    _read("memberships", "m_c_member"),
    Cell("memberships", "update", "m_c_member", SYS | C_ADMINS, note="member -> manager"),
    Cell("memberships", "create", "m_c_member", SYS | C_ADMINS, container="C", refers=True),
    Cell("memberships", "create_admin", "m_c_member", SYS | C_ADMINS, container="C", refers=True),
    Cell("memberships", "delete", "m_c_member", SYS | C_ADMINS),
    # MCs: system admin; studio admins
    _read("mcs", "mc"),
    Cell("mcs", "update", "mc", SYS | A_ADMINS),
    Cell(
        "mcs",
        "link_user",
        "mc",
        SYS,
        note="the user link lets its user read every show the MC hosts, in any studio",
    ),
    Cell("mcs", "create", "mc", SYS | A_ADMINS, container="nothing"),
    Cell("mcs", "delete", "mc", SYS | A_ADMINS),
    # platforms: system admin; the platform's admin
    _read("platforms", "P"),
    Cell("platforms", "update", "P", SYS | P_ADMINS),
    Cell("platforms", "create", "P", SYS, container="nothing"),
    Cell("platforms", "delete", "P", SYS | P_ADMINS),
    # materials: the owning client's managers; system admin
    _read("materials", "briefC"),
    _read("materials", "sceneP"),
    Cell("materials", "update", "briefC", SYS | C_MANAGERS),
    Cell("materials", "update", "sceneP", SYS, note="no owning client"),
    Cell("materials", "create", "briefC", SYS | C_MANAGERS, container="C", refers=True),
    Cell("materials", "delete", "briefC", SYS | C_MANAGERS),
    # shows: studio managers of the show's studio; client managers for drafts of
    # their client's draft schedules
    _read("shows", "showC"),
    _read("shows", "draftC"),
    Cell("shows", "update", "showC", SHOW_EDITORS),
    Cell("shows", "update", "draftC", DRAFT_EDITORS),
    Cell("shows", "create", "showC", SHOW_EDITORS, container="C", refers=True),
    Cell("shows", "create", "draftC", DRAFT_EDITORS, container="planC", refers=True),
    Cell("shows", "delete", "showC", SHOW_EDITORS),
    Cell("shows", "cancel", "showC", SHOW_EDITORS),
    # the show's links follow the show; platform managers set their own
    # platform's stream link, platform show id and viewer count
    _read("show_mcs", "showC"),
    Cell("show_mcs", "update", "showC", SHOW_EDITORS),
    Cell("show_mcs", "create", "showC", SHOW_EDITORS),
    Cell("show_mcs", "create", "draftC", DRAFT_EDITORS),
    Cell("show_mcs", "delete", "showC", SHOW_EDITORS),
    _read("show_materials", "showC"),
    Cell("show_materials", "create", "showC", SHOW_EDITORS, linked="briefC"),
    Cell("show_materials", "delete", "showC", SHOW_EDITORS),
    _read("show_platforms", "showC"),
    Cell("show_platforms", "update_own_platform", "showC", SHOW_EDITORS | P_MANAGERS),
    Cell(
        "show_platforms",
        "update_other_platform",
        "showC",
        SHOW_EDITORS,
        note="P's managers may not set platform Q's stream link",
    ),
    Cell("show_platforms", "create", "showC", SHOW_EDITORS),
    Cell("show_platforms", "delete", "showC", SHOW_EDITORS),
    # schedules: create and edit while draft: studio managers and the client's
    # managers; propose: either side; approve: the client's managers; confirm
    # (promote): studio managers, once the client approved
    _read("schedules", "planC"),
    _read("schedules", "planC", "check_promotion"),
    Cell("schedules", "update", "planC", DRAFT_EDITORS),
    Cell("schedules", "update_proposed", "planC", SYS, note="edits only while draft"),
    Cell("schedules", "create", "planC", DRAFT_EDITORS, container="C", refers=True),
    Cell("schedules", "delete", "planC", DRAFT_EDITORS),
    Cell("schedules", "propose", "planC", DRAFT_EDITORS),
    Cell("schedules", "approve", "planC", SYS | C_MANAGERS, note="a proposed schedule"),
    Cell("schedules", "promote", "planC", SYS | A_MANAGERS, note="once the client approved"),
    Cell(
        "schedules",
        "promote_unapproved",
        "planC",
        SYS | A_ADMINS,
        note="a studio admin, without the client's approval, giving a reason",
    ),
    _read("schedule_versions", "planC"),
    # change requests (their own issue; as the core's table has them): read like
    # the schedule; raised by the side the category allows, decided by the other
    _read("change_requests", "crC"),
    Cell("change_requests", "create", "crC", DRAFT_EDITORS, container="planC"),
    Cell("change_requests", "create_operational", "crC", SYS | A_MANAGERS, container="planC"),
    Cell("change_requests", "approve", "crC", SYS | A_MANAGERS, note="client-requested"),
    # tags: global: system admin; studio tags: that studio's managers; tagging an
    # entity: whoever may write the entity
    _read("tags", "gtag"),
    _read("tags", "atag"),
    Cell("tags", "update", "gtag", SYS),
    Cell("tags", "update", "atag", SYS | A_MANAGERS),
    Cell("tags", "create", "gtag", SYS, container="nothing"),
    Cell("tags", "create", "atag", SYS | A_MANAGERS, container="A"),
    Cell("tags", "delete", "atag", SYS | A_MANAGERS),
    Cell("tags", "tag", "showC", SHOW_EDITORS),
    Cell("tags", "tag", "A", SYS | A_ADMINS),
    Cell("tags", "untag", "showC", SHOW_EDITORS),
    # audit history: an entity's history: whoever may read the entity; the full
    # list: system admin and, for their studio's entities, studio admins
    Cell("audits", "history", "showC", READERS["showC"]),
    Cell("audits", "list", "nothing", SYS | A_ADMINS, listing=True),
    # comments: whoever may read the record comments on it, as themselves; its
    # author edits it; its author and the admins of the record's studio or
    # client delete (hide) it
    _read("comments", "commentC"),
    Cell("comments", "create", "showC", READERS["showC"]),
    Cell("comments", "create", "planC", READERS["planC"]),
    Cell("comments", "update", "commentC", SYS | _who("c_member"), note="its author"),
    Cell(
        "comments",
        "delete",
        "commentC",
        SYS | _who("c_member") | A_ADMINS | C_ADMINS,
        note="its author; the admins of the show's studio or client",
    ),
    # lookups: system admin
    _read("lookups", "show_type"),
    Cell("lookups", "update", "show_type", SYS),
    Cell("lookups", "create", "show_type", SYS, container="nothing"),
    Cell("lookups", "delete", "show_type", SYS),
    # calendar feed links: one's own, of a calendar one may read
    Cell("calendar_feeds", "list", "feedHost", SYS | HOST, listing=True),
    Cell("calendar_feeds", "create", "feedHost", READERS["planC"], container="planC"),
    Cell("calendar_feeds", "delete", "feedHost", SYS | HOST),
    # notifications: their recipient's
    Cell("notifications", "list", "noteHost", SYS | HOST, listing=True),
    Cell("notifications", "read", "noteHost", SYS | HOST),
    # webhooks: for a studio's events, its admins (every studio's: system admins)
    Cell("webhook_endpoints", "list", "hookA", SYS | A_ADMINS, listing=True),
    _read("webhook_endpoints", "hookA"),
    Cell("webhook_endpoints", "create", "hookA", SYS | A_ADMINS, container="A"),
    Cell("webhook_endpoints", "update", "hookA", SYS | A_ADMINS),
    Cell("webhook_endpoints", "rotate_secret", "hookA", SYS | A_ADMINS),
    Cell("webhook_endpoints", "delete", "hookA", SYS | A_ADMINS),
    Cell("webhook_deliveries", "list", "hookA", SYS | A_ADMINS),
    Cell("webhook_deliveries", "redeliver", "deliveryA", SYS | A_ADMINS),
)
"""Every cell: (row, action, target) -> who is allowed."""


KNOWN_BUGS: Mapping[tuple[str, str, str], Mapping[str, str]] = {}
"""(cell) -> {persona: why the implementation answers otherwise}: strict xfails."""


def cases(cells: tuple[Cell, ...] = CELLS) -> Iterator[tuple[Cell, str]]:
    """Every (cell, persona) pair."""
    for cell in cells:
        for persona in PERSONAS:
            yield cell, persona


@contextmanager
def known_bug(reason: str | None) -> Iterator[None]:
    """A strict xfail when ``reason`` is given: the block must fail (xfailed
    with the reason) and fails the test once it passes (the bug is fixed: take
    it out of :data:`KNOWN_BUGS`). Cheaper than the marker, whose failure
    report pytest renders with source for every case."""
    if reason is None:
        yield
        return
    try:
        yield
    except (Exception, pytest.fail.Exception):
        pytest.xfail(reason)
    pytest.fail(f"[XPASS(strict)] fixed? take it out of the known bugs: {reason}")
