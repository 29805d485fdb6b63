"""The examples of docs/analysis.md and of the analysis modules run and show
what they claim."""

from __future__ import annotations

import doctest
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
