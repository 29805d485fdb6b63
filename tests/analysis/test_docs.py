"""The examples of docs/analysis.md and of the analysis modules run and show
what they claim."""

from __future__ import annotations

import doctest
import re
import subprocess
import sys
from pathlib import Path

import pytest

import studiocore.analysis.frames
import studiocore.analysis.whatif

DOC = Path(__file__).resolve().parents[2] / "docs" / "analysis.md"


def test_the_analysis_page_examples_run() -> None:
    result = doctest.testfile(
        str(DOC),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted > 20
    assert result.failed == 0


@pytest.mark.parametrize("module", [studiocore.analysis.frames, studiocore.analysis.whatif])
def test_the_module_examples_run(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0
    assert result.failed == 0


def test_the_readme_notebook_example_runs_on_a_demo_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (DOC.parents[1] / "README.md").read_text()
    [block] = [
        b for b in re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL) if "analysis" in b
    ]
    monkeypatch.chdir(tmp_path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "studiocore_http",
            "demo",
            "--database-url",
            "sqlite:///studiocore.db",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    namespace: dict[str, object] = {}
    exec(compile(block, "README.md", "exec"), namespace)
    weekly = namespace["weekly"]
    assert len(weekly) > 0  # type: ignore[arg-type]
    assert (tmp_path / "seoul.png").stat().st_size > 10_000
