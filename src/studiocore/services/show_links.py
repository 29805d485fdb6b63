"""What a show uses: its platforms and materials, and the plumbing of every
show link (MCs too); mixed into :class:`~studiocore.services.ShowService`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from studiocore.entities import Material, Schedule, Show, ShowMaterial, ShowMC, ShowPlatform
from studiocore.errors import ConflictError, NotFoundError, ValidationError
from studiocore.permissions import SYSTEM, Actor
from studiocore.ports import Repository, repository_for
from studiocore.scheduling.workflow import check_show_in_open_schedule

from ._base import Service, Work, build, require, writes
from ._changes import diff

__all__ = ["ShowLinks"]


_LINKS: Mapping[str, tuple[str, frozenset[str]]] = {
    "mc_uid": ("show_mcs", frozenset({"rating", "note", "metadata"})),
    "platform_uid": (
        "show_platforms",
        frozenset({"live_stream_link", "platform_show_id", "viewer_count", "metadata"}),
    ),
    "material_uid": ("show_materials", frozenset()),
}
"""Each link table by the field naming what it links, and its editable fields."""
L = TypeVar("L", ShowMC, ShowPlatform, ShowMaterial)


class ShowLinks(Service):
    """The use cases of a show's links."""

    # -- platforms ------------------------------------------------------------------

    @writes
    def add_platform(
        self,
        work: Work,
        show_uid: str,
        platform_uid: str,
        *,
        live_stream_link: str | None = None,
        platform_show_id: str | None = None,
        viewer_count: int | None = None,
        actor: Actor = SYSTEM,
    ) -> ShowPlatform:
        """Stream a show on a platform."""
        fields = {
            "live_stream_link": live_stream_link,
            "platform_show_id": platform_show_id,
            "viewer_count": viewer_count,
        }
        _, link = self._new_link(
            work, ShowPlatform, show_uid, {"platform_uid": platform_uid}, fields
        )
        require(work.platforms, platform_uid, "platform_uid", "platform")
        work.show_platforms.add(link)
        return link

    @writes
    def update_platform(
        self,
        work: Work,
        show_uid: str,
        platform_uid: str,
        changes: Mapping[str, Any],
        *,
        actor: Actor = SYSTEM,
    ) -> ShowPlatform:
        """Change the stream link, platform show id or viewer count."""
        return self._update_link(
            work, work.show_platforms, show_uid, {"platform_uid": platform_uid}, changes
        )

    @writes
    def remove_platform(
        self, work: Work, show_uid: str, platform_uid: str, *, actor: Actor = SYSTEM
    ) -> None:
        """Stop streaming a show on a platform."""
        self._remove_link(
            work, work.show_platforms, show_uid, {"platform_uid": platform_uid}, scheduled=True
        )

    # -- materials ------------------------------------------------------------------

    @writes
    def add_material(
        self, work: Work, show_uid: str, material_uid: str, *, actor: Actor = SYSTEM
    ) -> ShowMaterial:
        """Use a material in a show. A client's material only fits that client's shows."""
        key = {"material_uid": material_uid}
        show, link = self._new_link(work, ShowMaterial, show_uid, key, scheduled=False)
        material: Material = require(work.materials, material_uid, "material_uid", "material")
        if material.client_uid is not None and material.client_uid != show.client_uid:
            raise ValidationError(
                "material_uid",
                f"material {material_uid} belongs to client {material.client_uid}; "
                f"show {show_uid} is for {show.client_uid or 'no client'}",
            )
        if not material.is_active:
            raise ValidationError("material_uid", f"material {material_uid} is inactive")
        work.show_materials.add(link)
        return link

    @writes
    def remove_material(
        self, work: Work, show_uid: str, material_uid: str, *, actor: Actor = SYSTEM
    ) -> None:
        """Stop using a material in a show."""
        self._remove_link(work, work.show_materials, show_uid, {"material_uid": material_uid})

    # -- link plumbing --------------------------------------------------------------

    def _new_link(
        self,
        work: Work,
        kind: type[L],
        show_uid: str,
        key: dict[str, str],
        fields: Mapping[str, Any] | None = None,
        *,
        scheduled: bool = True,
    ) -> tuple[Show, L]:
        """A new link of the show ``show_uid`` to what ``key`` names (``{"mc_uid":
        uid}``...), with ``fields``: built, allowed by the policy, then refused if it exists
        or (``scheduled``: a link a schedule's versions record, an MC or a
        platform) if the show's schedule changes through change requests only.
        Who may comes before what the data says: 403 before 409."""
        show = work.load(Show, show_uid)
        link = build(kind, {"show_uid": show_uid, **key, **(fields or {})}, self._now())
        work.authorize(link, after=link)
        if scheduled:
            check_show_in_open_schedule(show, self.schedule_of(work, show))
        repo = repository_for(work, kind)
        if repo.count(where={"show_uid": show_uid, **key}):
            ((field, other),) = key.items()
            what = "MC" if field == "mc_uid" else field.removesuffix("_uid")
            raise ConflictError(f"{what} {other} is already linked to show {show_uid}")
        return show, link

    def _find_link(self, work: Work, repo: Repository[L], show_uid: str, key: dict[str, str]) -> L:
        work.load(Show, show_uid)
        found = repo.list(where={"show_uid": show_uid, **key})
        if not found:
            ((field, other),) = key.items()
            raise NotFoundError(_LINKS[field][0], f"{show_uid}/{other}")
        return found[0]

    def _update_link(
        self,
        work: Work,
        repo: Repository[L],
        show_uid: str,
        key: dict[str, str],
        changes: Mapping[str, Any],
    ) -> L:
        ((field, _),) = key.items()
        allowed = _LINKS[field][1]
        for name in changes:
            if name not in allowed:
                raise ValidationError(
                    name, f"cannot be changed; allowed: {', '.join(sorted(allowed))}"
                )
        old = self._find_link(work, repo, show_uid, key)
        new = attrs.evolve(old, **changes, updated_at=self._now())
        if diff(old, new)[1]:
            repo.update(new)
        return new

    def schedule_of(self, work: Work, show: Show) -> Schedule | None:
        """The schedule ``show`` belongs to, if any."""
        if show.schedule_uid is None:
            return None
        found: Schedule = work.schedules.get(show.schedule_uid, include_deleted=True)
        return found

    def _remove_link(
        self,
        work: Work,
        repo: Repository[L],
        show_uid: str,
        key: dict[str, str],
        *,
        scheduled: bool = False,
    ) -> None:
        """Soft-delete a link; ``scheduled``: one a schedule's versions record
        (an MC, a platform), changed through change requests once proposed."""
        old = self._find_link(work, repo, show_uid, key)
        now = self._now()
        gone = attrs.evolve(old, deleted_at=now, updated_at=now)
        work.authorize(old, after=gone)  # who may, before what the data says (403 before 409)
        if scheduled:
            show = work.load(Show, show_uid)
            check_show_in_open_schedule(show, self.schedule_of(work, show))
        repo.update(gone)
