"""``studiocore users`` and ``studiocore memberships``: accounts and roles,
administered directly in the database as the in-process ``SYSTEM`` actor (see
the package's docstring)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import attrs
import click

from studiocore import (
    Deleted,
    Entity,
    GroupType,
    Membership,
    MembershipRole,
    NotFoundError,
    Services,
    StudioError,
    User,
    UserRole,
)

from ._common import _database, _database_url, _settings

__all__ = ["memberships", "users"]


@click.group()
def users() -> None:
    """User administration."""


@users.command("create-admin")
@click.option("--email", required=True, help="E-mail address of the admin.")
@click.option("--name", required=True, help="Display name.")
@_database_url
def create_admin(email: str, name: str, database_url: str | None) -> None:
    """Create the admin user EMAIL, or make an existing user admin (idempotent).
    Prints the user's uid."""
    from studiocore_http.demo import ensure_admin

    settings = _settings(database_url)
    with _database(settings) as database:
        database.upgrade()
        try:
            user, changed = ensure_admin(Services(database), email, name)
        except StudioError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"{'created/updated' if changed else 'already admin'}: {user.uid}", err=True)
    click.echo(user.uid)


# --------------------------------------------------------------------------- administration

_USER_ROLES = click.Choice([r.value for r in UserRole], case_sensitive=False)
_MEMBERSHIP_ROLES = click.Choice([r.value for r in MembershipRole], case_sensitive=False)


@contextmanager
def _administering(database_url: str | None) -> Iterator[Services]:
    """The services over the configured database (migrated first), for the
    ``SYSTEM`` actor; a refusal of the core becomes one line on stderr."""
    settings = _settings(database_url)
    with _database(settings) as database:
        database.upgrade()
        try:
            yield Services(database)
        except StudioError as exc:
            raise click.ClickException(str(exc)) from None


def _user(services: Services, email: str) -> User:
    try:
        return services.users.by_email(email)
    except NotFoundError:
        raise click.ClickException(f"email: no user with e-mail {email!r}") from None


def _who(user: User) -> str:
    return f"{user.name} <{user.email}>"


def _deleted(name: str, entity: Entity) -> str:
    return name if entity.deleted_at is None else f"{name} (deleted)"


@attrs.frozen
class _Group:
    uid: str
    type: str
    name: str

    def __str__(self) -> str:
        return f"{self.type} {self.name} ({self.uid})"


def _group(services: Services, uid: str, *, include_deleted: bool = False) -> _Group:
    """The studio, client or platform ``uid``, or a refusal naming ``group_uid``."""
    kind = uid.partition("_")[0]
    gone = include_deleted
    names: dict[str, Callable[[str], Entity]] = {
        GroupType.STUDIO: lambda u: services.studios.get(u, include_deleted=gone),
        GroupType.CLIENT: lambda u: services.clients.get(u, include_deleted=gone),
        GroupType.PLATFORM: lambda u: services.platforms.get(u, include_deleted=gone),
    }
    if kind not in names:
        raise click.ClickException(
            f"group_uid: {uid!r} is not a studio, client or platform uid "
            "(studio_..., client_..., platform_...)"
        )
    from studiocore_sql.secrets import UndecryptableSecretError

    try:
        found = names[kind](uid)
        name = _deleted(getattr(found, "name", uid), found)
    except NotFoundError:
        raise click.ClickException(f"group_uid: {kind} {uid!r} does not exist") from None
    except UndecryptableSecretError as exc:  # a platform's api_config, without its key here
        click.echo(f"Warning: the name of {uid} is not shown: {exc}", err=True)
        name = "?"
    return _Group(uid, kind, name)


def _membership(services: Services, user: User, group: _Group) -> Membership | None:
    found = services.memberships.list(where={"user_uid": user.uid, "group_uid": group.uid})
    return found[0] if found else None


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns aligned, one line per row, a header line first."""
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *rows]
    )


@users.command("list")
@click.option("--email", default=None, help="Only the user with this e-mail address.")
@_database_url
def users_list(email: str | None, database_url: str | None) -> None:
    """List users: name, e-mail, system role, banned or not, uid."""
    with _administering(database_url) as services:
        found = [_user(services, email)] if email else services.users.list()
    if not found:
        click.echo("No users.")
        return
    rows = [
        (u.name, u.email or "", u.role.value, "banned" if u.is_banned else "active", u.uid)
        for u in sorted(found, key=lambda u: u.email or "")
    ]
    click.echo(_table(("NAME", "E-MAIL", "ROLE", "STATUS", "UID"), rows))


@users.command("create")
@click.argument("email")
@click.argument("name")
@click.option("--role", type=_USER_ROLES, default=UserRole.USER.value, show_default=True)
@click.option(
    "--ext-id",
    default=None,
    help="Links an OpenID Connect sign-in: '<issuer>|<sub>' (docs/sign-in.md).",
)
@_database_url
def users_create(
    email: str, name: str, role: str, ext_id: str | None, database_url: str | None
) -> None:
    """Create the user EMAIL called NAME, with the system role --role. Prints
    the uid (and on stderr, who was created)."""
    with _administering(database_url) as services:
        user = services.users.create(email, name, role=role, ext_id=ext_id)
    click.echo(f"created: {_who(user)}, system role {user.role.value}", err=True)
    click.echo(user.uid)


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=_USER_ROLES, metavar="ROLE")
@_database_url
def users_set_role(email: str, role: str, database_url: str | None) -> None:
    """Give the user EMAIL the system role ROLE (admin, manager or user)."""
    with _administering(database_url) as services:
        user = _user(services, email)
        if user.role.value == role:
            click.echo(f"{_who(user)} already has the system role {role}.")
            return
        services.users.update(user.uid, {"role": role})
    click.echo(f"{_who(user)}: system role {user.role.value} -> {role}.")


def _set_banned(email: str, banned: bool, database_url: str | None) -> None:
    with _administering(database_url) as services:
        user = _user(services, email)
        if user.is_banned is banned:
            click.echo(f"{_who(user)} is {'already' if banned else 'not'} banned.")
            return
        services.users.update(user.uid, {"is_banned": banned})
    click.echo(f"{_who(user)} is {'now' if banned else 'no longer'} banned.")


@users.command("ban")
@click.argument("email")
@_database_url
def users_ban(email: str, database_url: str | None) -> None:
    """Ban the user EMAIL: every request of theirs is refused from now on."""
    _set_banned(email, True, database_url)


@users.command("unban")
@click.argument("email")
@_database_url
def users_unban(email: str, database_url: str | None) -> None:
    """Lift the ban of the user EMAIL."""
    _set_banned(email, False, database_url)


@click.group()
def memberships() -> None:
    """Roles of users in studios, clients and platforms (admin > manager > member)."""


@memberships.command("grant")
@click.argument("email")
@click.argument("group_uid")
@click.argument("role", type=_MEMBERSHIP_ROLES, metavar="ROLE")
@_database_url
def memberships_grant(email: str, group_uid: str, role: str, database_url: str | None) -> None:
    """Give the user EMAIL the role ROLE (admin, manager or member) in the
    studio, client or platform GROUP_UID; someone already a member of it
    changes role."""
    with _administering(database_url) as services:
        user, group = _user(services, email), _group(services, group_uid)
        current = _membership(services, user, group)
        if current is None:
            services.memberships.create(user.uid, group.uid, role)
            click.echo(f"{_who(user)} is now {role} of {group}.")
        elif current.role.value == role:
            click.echo(f"{_who(user)} is already {role} of {group}.")
        else:
            services.memberships.update(current.uid, {"role": role})
            click.echo(f"{_who(user)} is now {role} of {group} (was {current.role.value}).")


@memberships.command("revoke")
@click.argument("email")
@click.argument("group_uid")
@_database_url
def memberships_revoke(email: str, group_uid: str, database_url: str | None) -> None:
    """End the membership of the user EMAIL in GROUP_UID (nothing to do if
    there is none)."""
    with _administering(database_url) as services:
        user, group = _user(services, email), _group(services, group_uid)
        current = _membership(services, user, group)
        if current is None:
            click.echo(f"{_who(user)} has no role in {group}; nothing to revoke.")
            return
        services.memberships.delete(current.uid)
    click.echo(f"{_who(user)} is no longer {current.role.value} of {group}.")


@memberships.command("list")
@click.option("--user", "email", default=None, help="Only this user's (by e-mail).")
@click.option("--group", "group_uid", default=None, help="Only this group's (by uid).")
@_database_url
def memberships_list(email: str | None, group_uid: str | None, database_url: str | None) -> None:
    """List memberships: the user, the group (name, type, uid) and the role."""
    with _administering(database_url) as services:
        where: dict[str, object] = {}
        if email:
            where["user_uid"] = _user(services, email).uid
        if group_uid:
            where["group_uid"] = _group(services, group_uid).uid
        found = services.memberships.list(where=where)
        # a deleted user's or group's memberships stay until revoked: show them
        people = {u.uid: u for u in services.users.list(deleted=Deleted.INCLUDE)}
        groups = {
            uid: _group(services, uid, include_deleted=True) for uid in {m.group_uid for m in found}
        }
    if not found:
        click.echo("No memberships.")
        return
    rows = sorted(
        (
            _deleted(people[m.user_uid].name, people[m.user_uid]),
            people[m.user_uid].email or "",
            groups[m.group_uid].name,
            m.group_type.value,
            m.group_uid,
            m.role.value,
        )
        for m in found
    )
    click.echo(_table(("USER", "E-MAIL", "GROUP", "TYPE", "GROUP UID", "ROLE"), rows))
