"""The body structs: one PATCH rule for every resource, NUL checks at any depth."""

from __future__ import annotations

import msgspec

from studiocore_http.features.shows.schemas import ShowCreate, ShowUpdate
from studiocore_http.features.studios.schemas import StudioUpdate
from studiocore_http.shared.schemas import has_nul, patch_of


def _fields(struct: type[msgspec.Struct]) -> list[tuple[str, object, object]]:
    return [(f.name, f.type, f.default) for f in msgspec.structs.fields(struct)]


def test_the_spelled_out_show_patch_body_follows_the_patch_rule() -> None:
    derived = patch_of(ShowCreate, omit={"schedule_uid", "mc_uids", "platform_uids"})
    assert derived.__name__ == "ShowUpdate"
    assert _fields(derived) == _fields(ShowUpdate)
    assert derived.timestamp_fields == ShowUpdate.timestamp_fields


def test_a_patch_body_leaves_absent_fields_out_clears_nullable_ones_and_never_metadata() -> None:
    body = msgspec.json.decode(b'{"address": null}', type=StudioUpdate)
    assert msgspec.structs.asdict(body)["address"] is None
    assert msgspec.structs.asdict(body)["name"] is msgspec.UNSET
    for refused in (b'{"metadata": null}', b'{"name": null}', b'{"unknown": 1}'):
        try:
            msgspec.json.decode(refused, type=StudioUpdate)
        except msgspec.ValidationError:
            continue
        raise AssertionError(f"{refused!r} was accepted")


def test_a_nul_character_is_found_at_any_depth_without_recursion() -> None:
    deep: object = "x\x00"
    for _ in range(100_000):
        deep = [deep]
    assert has_nul(deep)
    assert has_nul({"k\x00": 1})
    assert not has_nul({"a": [1, "b", {"c": None}]})
