"""``studiocore users ...`` and ``studiocore memberships ...``: administration
from the command line, against a temporary SQLite file, as the SYSTEM actor."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from studiocore import FixedClock, Services, UserRole
from studiocore_http.cli import main
from studiocore_sql import SqlDatabase


class Cli:
    """Runs ``studiocore`` commands against one database file."""

    def __init__(self, tmp_path: Path) -> None:
        self.url = f"sqlite:///{tmp_path / 'admin.db'}"
        self.env = {"STUDIOCORE_DATABASE_URL": self.url}
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Result:
        return self.runner.invoke(main, list(args), env=self.env)

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.exit_code == 0, (args, result.output)
        return result

    def refused(self, *args: str, exit_code: int = 1) -> str:
        """The one error line of a refused command (no traceback)."""
        result = self(*args)
        assert result.exit_code == exit_code, (args, result.output)
        assert isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output
        assert result.stdout == ""
        return result.stderr.strip().splitlines()[-1]

    def lines(self, *args: str) -> list[list[str]]:
        """The rows of a table command, split on runs of two or more spaces."""
        output = self.ok(*args).stdout
        return [re.split(r"\s{2,}", line.strip()) for line in output.strip().splitlines()]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


@pytest.fixture
def services(cli: Cli) -> Iterator[Services]:
    """The same database for setting up and checking, migrated by a command."""
    cli.ok("db", "upgrade")
    db = SqlDatabase(cli.url)
    try:
        yield Services(db)
    finally:
        db.dispose()


@pytest.fixture
def groups(services: Services) -> dict[str, str]:
    return {
        "studio": services.studios.create("North").uid,
        "client": services.clients.create("Glow Cosmetics").uid,
        "platform": services.platforms.create("Shoplive").uid,
    }


# --------------------------------------------------------------------------- users


def test_users_are_created_listed_and_changed(cli: Cli, services: Services) -> None:
    created = cli.ok("users", "create", "Ann@Example.com", "Ann Lee")
    uid = created.stdout.strip()
    assert "Ann Lee <ann@example.com>" in created.stderr
    cli.ok("users", "create", "bob@example.com", "Bob", "--role", "manager", "--ext-id", "idp|b")
    cli.ok("users", "create-admin", "--email", "root@example.com", "--name", "Root")

    header, *rows = cli.lines("users", "list")
    assert header == ["NAME", "E-MAIL", "ROLE", "STATUS", "UID"]
    bob, root = (services.users.by_email(f"{n}@example.com").uid for n in ("bob", "root"))
    assert rows == [  # by e-mail
        ["Ann Lee", "ann@example.com", "user", "active", uid],
        ["Bob", "bob@example.com", "manager", "active", bob],
        ["Root", "root@example.com", "admin", "active", root],
    ]
    assert cli.lines("users", "list", "--email", "ANN@example.com")[1:] == [rows[0]]
    assert services.users.find_by_external_id("idp|b") == services.users.get(bob)

    assert "user -> admin" in cli.ok("users", "set-role", "ann@example.com", "admin").stdout
    assert "already" in cli.ok("users", "set-role", "ann@example.com", "ADMIN").stdout
    assert services.users.get(uid).role is UserRole.ADMIN

    assert "now banned" in cli.ok("users", "ban", "bob@example.com").stdout
    assert "already banned" in cli.ok("users", "ban", "bob@example.com").stdout
    assert cli.lines("users", "list", "--email", "bob@example.com")[1][:4] == [
        "Bob",
        "bob@example.com",
        "manager",
        "banned",
    ]
    assert "no longer banned" in cli.ok("users", "unban", "bob@example.com").stdout
    assert services.users.by_email("bob@example.com").is_banned is False


def test_an_empty_database_lists_no_users(cli: Cli) -> None:
    assert cli.ok("users", "list").stdout == "No users.\n"
    assert cli.ok("memberships", "list").stdout == "No memberships.\n"


def test_user_commands_refuse_with_one_line_naming_the_field(cli: Cli, services: Services) -> None:
    cli.ok("users", "create", "ann@example.com", "Ann")
    assert cli.refused("users", "create", "ANN@example.com", "Again").startswith("Error: email:")
    assert cli.refused("users", "create", "not-an-address", "X").startswith("Error: email:")
    for command in (
        ("users", "set-role", "nobody@example.com", "admin"),
        ("users", "ban", "nobody@example.com"),
        ("users", "unban", "nobody@example.com"),
        ("users", "list", "--email", "nobody@example.com"),
    ):
        assert cli.refused(*command) == "Error: email: no user with e-mail 'nobody@example.com'"
    bad_role = cli.refused("users", "set-role", "ann@example.com", "boss", exit_code=2)
    assert "'ROLE'" in bad_role
    assert "'boss'" in bad_role
    bad_option = cli.refused(
        "users", "create", "b@example.com", "B", "--role", "owner", exit_code=2
    )
    assert "'--role'" in bad_option
    assert services.users.by_email("ann@example.com").role is UserRole.USER


def test_the_last_active_admin_is_kept(cli: Cli, services: Services) -> None:
    cli.ok("users", "create", "root@example.com", "Root", "--role", "admin")
    demoted = cli.refused("users", "set-role", "root@example.com", "user")
    assert demoted.startswith("Error: role:")
    assert "last active system admin" in demoted
    banned = cli.refused("users", "ban", "root@example.com")
    assert banned.startswith("Error: is_banned:")
    cli.ok("users", "create", "second@example.com", "Second", "--role", "admin")
    cli.ok("users", "set-role", "root@example.com", "user")  # another admin remains
    assert services.users.by_email("root@example.com").role is UserRole.USER


# --------------------------------------------------------------------------- memberships


def test_grant_changes_the_role_of_a_member_and_revoke_ends_it(
    cli: Cli, services: Services, groups: dict[str, str]
) -> None:
    cli.ok("users", "create", "ann@example.com", "Ann Lee")
    studio = groups["studio"]
    granted = cli.ok("memberships", "grant", "ann@example.com", studio, "manager").stdout
    assert granted == f"Ann Lee <ann@example.com> is now manager of studio North ({studio}).\n"
    again = cli.ok("memberships", "grant", "ann@example.com", studio, "manager").stdout
    assert "already manager" in again
    promoted = cli.ok("memberships", "grant", "ann@example.com", studio, "admin").stdout
    assert promoted.endswith("(was manager).\n")
    ann = services.users.by_email("ann@example.com")
    assert services.memberships.role_in(ann.uid, studio) == "admin"
    assert len(services.memberships.list(where={"user_uid": ann.uid})) == 1  # changed, not added

    revoked = cli.ok("memberships", "revoke", "ann@example.com", studio).stdout
    assert revoked == f"Ann Lee <ann@example.com> is no longer admin of studio North ({studio}).\n"
    assert services.memberships.role_in(ann.uid, studio) is None
    assert "nothing to revoke" in cli.ok("memberships", "revoke", "ann@example.com", studio).stdout
    cli.ok("memberships", "grant", "ann@example.com", studio, "member")  # granted anew
    assert services.memberships.role_in(ann.uid, studio) == "member"


def test_memberships_are_listed_with_names_and_filtered(
    cli: Cli, services: Services, groups: dict[str, str]
) -> None:
    cli.ok("users", "create", "ann@example.com", "Ann Lee")
    cli.ok("users", "create", "bob@example.com", "Bob")
    cli.ok("memberships", "grant", "ann@example.com", groups["studio"], "manager")
    cli.ok("memberships", "grant", "ann@example.com", groups["platform"], "member")
    cli.ok("memberships", "grant", "bob@example.com", groups["client"], "admin")

    header, *rows = cli.lines("memberships", "list")
    assert header == ["USER", "E-MAIL", "GROUP", "TYPE", "GROUP UID", "ROLE"]
    ann_studio = ["Ann Lee", "ann@example.com", "North", "studio", groups["studio"], "manager"]
    ann_platform = [
        "Ann Lee",
        "ann@example.com",
        "Shoplive",
        "platform",
        groups["platform"],
        "member",
    ]
    bob_client = ["Bob", "bob@example.com", "Glow Cosmetics", "client", groups["client"], "admin"]
    assert sorted(rows) == sorted([ann_studio, ann_platform, bob_client])
    assert sorted(cli.lines("memberships", "list", "--user", "ann@example.com")[1:]) == sorted(
        [ann_studio, ann_platform]
    )
    assert cli.lines("memberships", "list", "--group", groups["client"])[1:] == [bob_client]
    only = cli.lines(
        "memberships", "list", "--user", "bob@example.com", "--group", groups["studio"]
    )
    assert only == [["No memberships."]]

    services.users.delete(services.users.by_email("bob@example.com").uid)
    services.clients.delete(groups["client"])
    # their memberships stay until revoked, and are listed as what they are
    [gone] = [row for row in cli.lines("memberships", "list")[1:] if row[4] == groups["client"]]
    assert gone == [
        "Bob (deleted)",
        "bob@example.com",
        "Glow Cosmetics (deleted)",
        "client",
        groups["client"],
        "admin",
    ]


def test_membership_commands_refuse_with_one_line_naming_the_field(
    cli: Cli, services: Services, groups: dict[str, str]
) -> None:
    cli.ok("users", "create", "ann@example.com", "Ann")
    studio = groups["studio"]
    missing_client = "client_01JAAAAAAAAAAAAAAAAAAAAAAA"
    for command in (
        ("memberships", "grant", "nobody@example.com", studio, "member"),
        ("memberships", "revoke", "nobody@example.com", studio),
        ("memberships", "list", "--user", "nobody@example.com"),
    ):
        assert cli.refused(*command) == "Error: email: no user with e-mail 'nobody@example.com'"
    for command in (
        ("memberships", "grant", "ann@example.com", missing_client, "member"),
        ("memberships", "revoke", "ann@example.com", missing_client),
        ("memberships", "list", "--group", missing_client),
    ):
        assert (
            cli.refused(*command) == f"Error: group_uid: client '{missing_client}' does not exist"
        )
    room = services.studio_rooms.create(studio, "A").uid
    not_a_group = cli.refused("memberships", "grant", "ann@example.com", room, "member")
    assert not_a_group.startswith("Error: group_uid:")
    assert "studio, client or platform" in not_a_group
    bad_role = cli.refused("memberships", "grant", "ann@example.com", studio, "owner", exit_code=2)
    assert "'ROLE'" in bad_role
    assert "'owner'" in bad_role
    assert services.memberships.list() == []


def test_a_platform_whose_secrets_this_host_cannot_open_is_listed_without_its_name(
    cli: Cli, services: Services
) -> None:
    from studiocore_sql import SecretBox

    key = SecretBox.generate_key()
    db = SqlDatabase(cli.url, secret_keys=[key])
    try:
        platform = Services(db).platforms.create("Shoplive", api_config={"api_key": "sk_live_1"})
    finally:
        db.dispose()
    cli.ok("users", "create", "ann@example.com", "Ann")
    # granting reads the platform, which needs the key its api_config is sealed with
    cli.env["STUDIOCORE_SECRET_KEYS"] = ""
    refused = cli.refused("memberships", "grant", "ann@example.com", platform.uid, "admin")
    assert "STUDIOCORE_SECRET_KEYS" in refused
    cli.env["STUDIOCORE_SECRET_KEYS"] = key
    cli.ok("memberships", "grant", "ann@example.com", platform.uid, "admin")
    # listing only names it: without the key, a "?" and a warning
    cli.env["STUDIOCORE_SECRET_KEYS"] = ""
    listed = cli.ok("memberships", "list")
    assert "STUDIOCORE_SECRET_KEYS" in listed.stderr
    [_, row] = cli.lines("memberships", "list")
    assert row == ["Ann", "ann@example.com", "?", "platform", platform.uid, "admin"]
    revoked = cli.ok("memberships", "revoke", "ann@example.com", platform.uid)
    assert f"no longer admin of platform ? ({platform.uid})" in revoked.stdout


# --------------------------------------------------------------------------- the documented commands

DOCS = Path(__file__).parents[2] / "docs" / "access-control.md"
MARKER = "<!-- The commands of this block run in tests/http/test_cli_admin.py. -->\n```bash\n"


def _fenced_after(text: str, start: str) -> str:
    return text.split(start, 1)[1].split("```", 1)[0]


def test_the_commands_of_access_control_md_run_as_documented(
    cli: Cli, services: Services, groups: dict[str, str]
) -> None:
    """The "Granting roles" block of docs/access-control.md, line by line:
    its variables are bound to this database's studio and client."""
    text = DOCS.read_text(encoding="utf-8")
    actual = {"STUDIO": groups["studio"], "CLIENT": groups["client"]}
    documented: dict[str, str] = {}
    listing = ""
    for line in _fenced_after(text, MARKER).splitlines():
        words = shlex.split(line, comments=True)
        if len(words) == 1 and "=" in words[0]:
            name, value = words[0].split("=", 1)
            documented[name] = value
            continue
        assert words[0] == "studiocore", line
        args = [actual[w[1:]] if w.startswith("$") else w for w in words[1:]]
        result = cli.ok(*args)
        if args[:2] == ["memberships", "list"]:
            listing = result.stdout
    assert set(documented) == set(actual)

    # the sample output is what `memberships list --group $CLIENT` printed
    sample = _fenced_after(text, "prints who holds which role\nwhere:\n\n```\n")
    assert listing.replace(actual["CLIENT"], documented["CLIENT"]) == sample

    ann, bob = (services.users.by_email(f"{n}@example.com") for n in ("ann", "bob"))
    assert services.memberships.role_in(ann.uid, groups["studio"]) == "admin"
    assert services.memberships.role_in(bob.uid, groups["client"]) is None
    assert (bob.role, bob.is_banned, bob.ext_id) == (
        UserRole.MANAGER,
        False,
        "https://idp.example.com|bob",
    )
    assert services.users.by_email("ops@example.com").role is UserRole.ADMIN


# --------------------------------------------------------------------------- retention


def test_prune_removes_what_was_read_long_ago_and_says_how_much(cli: Cli) -> None:
    cli.ok("db", "upgrade")
    db = SqlDatabase(cli.url)
    try:
        then = FixedClock(datetime.now(UTC) - timedelta(days=100))
        old = Services(db, clock=then)
        studio = old.studios.create("North")
        room = old.studio_rooms.create(studio.uid, "A")
        host = old.users.create("jo@example.com", "Jo", role=UserRole.ADMIN)
        mc = old.mcs.create("Jo", user_uid=host.uid)
        start = then.now() + timedelta(days=1)
        made = old.shows.create(
            "Morning live",
            start,
            start + timedelta(hours=1),
            studio_room_uid=room.uid,
            mc_uids=[mc.uid],
        )
        assert old.notifications.mark_all_read(actor=old.users.actor(host.uid)) == 1
        Services(db).shows.cancel(made.show.uid)  # told now: unread, kept
    finally:
        db.dispose()
    output = cli.ok("prune", "--notifications-days", "90").stdout
    assert "Removed 1 notification(s) read more than 90 days ago" in output
    assert "0 webhook delivery(ies)" in output
    db = SqlDatabase(cli.url)
    try:
        left = Services(db).notifications.page(recipient_uid=host.uid).items
    finally:
        db.dispose()
    assert [n.kind.value for n in left] == ["show_cancelled"]
