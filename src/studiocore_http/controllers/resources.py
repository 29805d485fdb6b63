"""CRUD controllers of the Phase 1 resources: thin translations to service calls."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from studiocore_http import schemas as s
from studiocore_http.convert import changes, one, page, payload
from studiocore_http.errors import READ_ERRORS, WRITE_ERRORS

from ._common import DEFAULT_LIMIT, ActorDep, Limit, Offset, ServicesDep, where

__all__ = [
    "ClientController",
    "MCController",
    "MaterialController",
    "PlatformController",
    "StudioController",
    "StudioRoomController",
    "TagController",
    "UserController",
]

Filter = Annotated[str | None, QueryParameter(description="Only rows with this value.")]


class StudioController(Controller):
    path = "/studios"
    tags = ["studios"]

    @get(operation_id="ListStudios", sync_to_thread=True, raises=READ_ERRORS)
    def list_studios(
        self,
        services: ServicesDep,
        actor: ActorDep,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[s.Studio]:
        result = services.studios.page(limit=limit, offset=offset, actor=actor)
        return page(s.Studio, result)

    @post(operation_id="CreateStudio", sync_to_thread=True, raises=WRITE_ERRORS)
    def create_studio(
        self,
        services: ServicesDep,
        actor: ActorDep,
        data: JSONBody[s.StudioCreate],
    ) -> s.Studio:
        return one(s.Studio, services.studios.create(**payload(data), actor=actor))

    @get("/{uid:str}", operation_id="GetStudio", sync_to_thread=True, raises=READ_ERRORS)
    def get_studio(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> s.Studio:
        return one(s.Studio, services.studios.get(uid, actor=actor))

    @patch("/{uid:str}", operation_id="UpdateStudio", sync_to_thread=True, raises=WRITE_ERRORS)
    def update_studio(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.StudioUpdate],
    ) -> s.Studio:
        return one(s.Studio, services.studios.update(uid, changes(data), actor=actor))

    @delete(
        "/{uid:str}",
        operation_id="DeleteStudio",
        status_code=HTTP_204_NO_CONTENT,
        sync_to_thread=True,
        raises=WRITE_ERRORS,
    )
    def delete_studio(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> None:
        services.studios.delete(uid, actor=actor)


class StudioRoomController(Controller):
    path = "/studio-rooms"
    tags = ["studio-rooms"]

    @get(operation_id="ListStudioRooms", sync_to_thread=True, raises=READ_ERRORS)
    def list_studio_rooms(
        self,
        services: ServicesDep,
        actor: ActorDep,
        studio_uid: Filter = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[s.StudioRoom]:
        result = services.studio_rooms.page(
            where=where(studio_uid=studio_uid), limit=limit, offset=offset, actor=actor
        )
        return page(s.StudioRoom, result)

    @post(operation_id="CreateStudioRoom", sync_to_thread=True, raises=WRITE_ERRORS)
    def create_studio_room(
        self,
        services: ServicesDep,
        actor: ActorDep,
        data: JSONBody[s.StudioRoomCreate],
    ) -> s.StudioRoom:
        return one(s.StudioRoom, services.studio_rooms.create(**payload(data), actor=actor))

    @get("/{uid:str}", operation_id="GetStudioRoom", sync_to_thread=True, raises=READ_ERRORS)
    def get_studio_room(
        self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.StudioRoom:
        return one(s.StudioRoom, services.studio_rooms.get(uid, actor=actor))

    @patch("/{uid:str}", operation_id="UpdateStudioRoom", sync_to_thread=True, raises=WRITE_ERRORS)
    def update_studio_room(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.StudioRoomUpdate],
    ) -> s.StudioRoom:
        return one(s.StudioRoom, services.studio_rooms.update(uid, changes(data), actor=actor))

    @delete(
        "/{uid:str}",
        operation_id="DeleteStudioRoom",
        status_code=HTTP_204_NO_CONTENT,
        sync_to_thread=True,
        raises=WRITE_ERRORS,
    )
    def delete_studio_room(
        self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> None:
        services.studio_rooms.delete(uid, actor=actor)


class ClientController(Controller):
    path = "/clients"
    tags = ["clients"]

    @get(operation_id="ListClients", sync_to_thread=True, raises=READ_ERRORS)
    def list_clients(
        self,
        services: ServicesDep,
        actor: ActorDep,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[s.Client]:
        result = services.clients.page(limit=limit, offset=offset, actor=actor)
        return page(s.Client, result)

    @post(operation_id="CreateClient", sync_to_thread=True, raises=WRITE_ERRORS)
    def create_client(
        self,
        services: ServicesDep,
        actor: ActorDep,
        data: JSONBody[s.ClientCreate],
    ) -> s.Client:
        return one(s.Client, services.clients.create(**payload(data), actor=actor))

    @get("/{uid:str}", operation_id="GetClient", sync_to_thread=True, raises=READ_ERRORS)
    def get_client(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> s.Client:
        return one(s.Client, services.clients.get(uid, actor=actor))

    @patch("/{uid:str}", operation_id="UpdateClient", sync_to_thread=True, raises=WRITE_ERRORS)
    def update_client(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.ClientUpdate],
    ) -> s.Client:
        return one(s.Client, services.clients.update(uid, changes(data), actor=actor))

    @delete(
        "/{uid:str}",
        operation_id="DeleteClient",
        status_code=HTTP_204_NO_CONTENT,
        sync_to_thread=True,
        raises=WRITE_ERRORS,
    )
    def delete_client(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> None:
        services.clients.delete(uid, actor=actor)


class UserController(Controller):
    path = "/users"
    tags = ["users"]

    @get(operation_id="ListUsers", sync_to_thread=True, raises=READ_ERRORS)
    def list_users(
        self,
        services: ServicesDep,
        actor: ActorDep,
        email: Filter = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[s.User]:
        result = services.users.page(
            where=where(email=email), limit=limit, offset=offset, actor=actor
        )
        return page(s.User, result)

    @post(operation_id="CreateUser", sync_to_thread=True, raises=WRITE_ERRORS)
    def create_user(
        self,
        services: ServicesDep,
        actor: ActorDep,
        data: JSONBody[s.UserCreate],
    ) -> s.User:
        return one(s.User, services.users.create(**payload(data), actor=actor))

    @get("/{uid:str}", operation_id="GetUser", sync_to_thread=True, raises=READ_ERRORS)
    def get_user(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> s.User:
        return one(s.User, services.users.get(uid, actor=actor))

    @patch("/{uid:str}", operation_id="UpdateUser", sync_to_thread=True, raises=WRITE_ERRORS)
    def update_user(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.UserUpdate],
    ) -> s.User:
        return one(s.User, services.users.update(uid, changes(data), actor=actor))

    @delete(
        "/{uid:str}",
        operation_id="DeleteUser",
        status_code=HTTP_204_NO_CONTENT,
        sync_to_thread=True,
        raises=WRITE_ERRORS,
    )
    def delete_user(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> None:
        services.users.delete(uid, actor=actor)


class MCController(Controller):
    path = "/mcs"
    tags = ["mcs"]

    @get(operation_id="ListMCs", sync_to_thread=True, raises=READ_ERRORS)
    def list_mcs(
        self,
        services: ServicesDep,
        actor: ActorDep,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[s.MC]:
        result = services.mcs.page(limit=limit, offset=offset, actor=actor)
        return page(s.MC, result)

    @post(operation_id="CreateMC", sync_to_thread=True, raises=WRITE_ERRORS)
    def create_mc(
        self,
        services: ServicesDep,
        actor: ActorDep,
        data: JSONBody[s.MCCreate],
    ) -> s.MC:
        return one(s.MC, services.mcs.create(**payload(data), actor=actor))

    @get("/{uid:str}", operation_id="GetMC", sync_to_thread=True, raises=READ_ERRORS)
    def get_mc(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> s.MC:
        return one(s.MC, services.mcs.get(uid, actor=actor))

    @patch("/{uid:str}", operation_id="UpdateMC", sync_to_thread=True, raises=WRITE_ERRORS)
    def update_mc(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.MCUpdate],
    ) -> s.MC:
        return one(s.MC, services.mcs.update(uid, changes(data), actor=actor))

    @delete(
        "/{uid:str}",
        operation_id="DeleteMC",
        status_code=HTTP_204_NO_CONTENT,
        sync_to_thread=True,
        raises=WRITE_ERRORS,
    )
    def delete_mc(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> None:
        services.mcs.delete(uid, actor=actor)


class PlatformController(Controller):
    path = "/platforms"
    tags = ["platforms"]

    @get(operation_id="ListPlatforms", sync_to_thread=True, raises=READ_ERRORS)
    def list_platforms(
        self,
        services: ServicesDep,
        actor: ActorDep,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[s.Platform]:
        result = services.platforms.page(limit=limit, offset=offset, actor=actor)
        return page(s.Platform, result)

    @post(operation_id="CreatePlatform", sync_to_thread=True, raises=WRITE_ERRORS)
    def create_platform(
        self,
        services: ServicesDep,
        actor: ActorDep,
        data: JSONBody[s.PlatformCreate],
    ) -> s.Platform:
        return one(s.Platform, services.platforms.create(**payload(data), actor=actor))

    @get("/{uid:str}", operation_id="GetPlatform", sync_to_thread=True, raises=READ_ERRORS)
    def get_platform(
        self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.Platform:
        return one(s.Platform, services.platforms.get(uid, actor=actor))

    @patch("/{uid:str}", operation_id="UpdatePlatform", sync_to_thread=True, raises=WRITE_ERRORS)
    def update_platform(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.PlatformUpdate],
    ) -> s.Platform:
        return one(s.Platform, services.platforms.update(uid, changes(data), actor=actor))

    @delete(
        "/{uid:str}",
        operation_id="DeletePlatform",
        status_code=HTTP_204_NO_CONTENT,
        sync_to_thread=True,
        raises=WRITE_ERRORS,
    )
    def delete_platform(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> None:
        services.platforms.delete(uid, actor=actor)


class MaterialController(Controller):
    path = "/materials"
    tags = ["materials"]

    @get(operation_id="ListMaterials", sync_to_thread=True, raises=READ_ERRORS)
    def list_materials(
        self,
        *,
        services: ServicesDep,
        actor: ActorDep,
        client_uid: Filter = None,
        platform_uid: Filter = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[s.Material]:
        result = services.materials.page(
            where=where(client_uid=client_uid, platform_uid=platform_uid),
            limit=limit,
            offset=offset,
            actor=actor,
        )
        return page(s.Material, result)

    @post(operation_id="CreateMaterial", sync_to_thread=True, raises=WRITE_ERRORS)
    def create_material(
        self,
        services: ServicesDep,
        actor: ActorDep,
        data: JSONBody[s.MaterialCreate],
    ) -> s.Material:
        return one(s.Material, services.materials.create(**payload(data), actor=actor))

    @get("/{uid:str}", operation_id="GetMaterial", sync_to_thread=True, raises=READ_ERRORS)
    def get_material(
        self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]
    ) -> s.Material:
        return one(s.Material, services.materials.get(uid, actor=actor))

    @patch("/{uid:str}", operation_id="UpdateMaterial", sync_to_thread=True, raises=WRITE_ERRORS)
    def update_material(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.MaterialUpdate],
    ) -> s.Material:
        return one(s.Material, services.materials.update(uid, changes(data), actor=actor))

    @delete(
        "/{uid:str}",
        operation_id="DeleteMaterial",
        status_code=HTTP_204_NO_CONTENT,
        sync_to_thread=True,
        raises=WRITE_ERRORS,
    )
    def delete_material(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> None:
        services.materials.delete(uid, actor=actor)


class TagController(Controller):
    path = "/tags"
    tags = ["tags"]

    @get(operation_id="ListTags", sync_to_thread=True, raises=READ_ERRORS)
    def list_tags(
        self,
        services: ServicesDep,
        actor: ActorDep,
        studio_uid: Filter = None,
        limit: Limit = DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> OffsetPagination[s.Tag]:
        result = services.tags.page(
            where=where(studio_uid=studio_uid), limit=limit, offset=offset, actor=actor
        )
        return page(s.Tag, result)

    @post(operation_id="CreateTag", sync_to_thread=True, raises=WRITE_ERRORS)
    def create_tag(
        self,
        services: ServicesDep,
        actor: ActorDep,
        data: JSONBody[s.TagCreate],
    ) -> s.Tag:
        return one(s.Tag, services.tags.create(**payload(data), actor=actor))

    @get("/{uid:str}", operation_id="GetTag", sync_to_thread=True, raises=READ_ERRORS)
    def get_tag(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> s.Tag:
        return one(s.Tag, services.tags.get(uid, actor=actor))

    @patch("/{uid:str}", operation_id="UpdateTag", sync_to_thread=True, raises=WRITE_ERRORS)
    def update_tag(
        self,
        services: ServicesDep,
        actor: ActorDep,
        uid: FromPath[str],
        data: JSONBody[s.TagUpdate],
    ) -> s.Tag:
        return one(s.Tag, services.tags.update(uid, changes(data), actor=actor))

    @delete(
        "/{uid:str}",
        operation_id="DeleteTag",
        status_code=HTTP_204_NO_CONTENT,
        sync_to_thread=True,
        raises=WRITE_ERRORS,
    )
    def delete_tag(self, services: ServicesDep, actor: ActorDep, uid: FromPath[str]) -> None:
        services.tags.delete(uid, actor=actor)
