"""The examples in docstrings (of the core and the SQL adapter) and the README run
and say what they claim."""

from __future__ import annotations

import doctest
import re
import subprocess
import sys
from pathlib import Path

import pytest

import studiocore
import studiocore.access
import studiocore.adapters.memory
import studiocore.events
import studiocore.services
import studiocore.timeslot
import studiocore_sql
import studiocore_sql.audit
import studiocore_sql.database
import studiocore_sql.secrets

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "module",
    [
        studiocore,
        studiocore.access,
        studiocore.services,
        studiocore.timeslot,
        studiocore.adapters.memory,
        studiocore.events,
        studiocore_sql,
        studiocore_sql.database,
        studiocore_sql.audit,
        studiocore_sql.secrets,
    ],
    ids=lambda m: m.__name__,
)
def test_docstring_examples_run(module: object) -> None:
    result = doctest.testmod(module, raise_on_error=False)  # type: ignore[arg-type]
    assert result.attempted > 0
    assert result.failed == 0


def test_the_readme_library_example_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    assert blocks, "README has no python example"
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)
    assert namespace["show"] is not None


def test_the_module_demo_runs_and_refuses_a_double_booking() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "studiocore"], capture_output=True, text=True, check=True
    )
    assert "refused:" in out.stdout
    assert "room_overlap" in out.stdout
    assert out.stdout.count("confirmed") == 4
