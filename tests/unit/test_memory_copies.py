"""The in-memory adapter hands out copies of JSON fields whether or not the
entity classes' annotations have been resolved (cattrs and other libraries
call ``attrs.resolve_types``, which turns the annotations' text into types)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent(
    """
    import attrs
    from studiocore import Client, InMemoryDatabase
    from tests.support.builders import make

    if {resolve}:
        attrs.resolve_types(Client)
    db = InMemoryDatabase()
    client = make(Client, name="Acme", metadata={{"tags": ["a"]}})
    with db() as uow:
        uow.clients.add(client)
        client.metadata["tags"].append("changed-after-add")
    with db() as uow:
        assert uow.clients.get(client.uid).metadata == {{"tags": ["a"]}}
    """
)


@pytest.mark.parametrize("resolve", [False, True], ids=["text annotations", "resolved"])
def test_a_stored_json_field_is_not_the_callers_object(resolve: bool) -> None:
    # a fresh interpreter: whether the annotations are resolved is process-wide
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(resolve=resolve)],
        check=False,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
