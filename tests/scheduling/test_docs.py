"""The worked example in docs/scheduling.md runs and prints what the page shows."""

from __future__ import annotations

import contextlib
import doctest
import io
import re
from pathlib import Path

import pytest

import studiocore.scheduling.detector
import studiocore.scheduling.diff
import studiocore.scheduling.opday
import studiocore.scheduling.versions

DOC = Path(__file__).resolve().parents[2] / "docs" / "scheduling.md"


def test_the_worked_example_prints_the_documented_conflict_report() -> None:
    text = DOC.read_text()
    (code,) = re.findall(r"```python\n(from datetime.*?)```", text, flags=re.DOTALL)
    (expected,) = re.findall(r"Output:\n\n```text\n(.*?)```", text, flags=re.DOTALL)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(DOC), "exec"), {})
    assert out.getvalue() == expected


def test_the_doc_and_module_doctests_pass() -> None:
    for module in (
        studiocore.scheduling.detector,
        studiocore.scheduling.diff,
        studiocore.scheduling.opday,
        studiocore.scheduling.versions,
    ):
        result = doctest.testmod(module)
        assert result.attempted > 0
        assert result.failed == 0
    result = doctest.testfile(str(DOC), module_relative=False)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize("page", ["schedule-management.md", "conflict-resolution.md"])
def test_a_pages_example_prints_what_the_page_shows(page: str) -> None:
    text = DOC.with_name(page).read_text()
    (code,) = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    (expected,) = re.findall(r"Output:\n\n```text\n(.*?)```", text, flags=re.DOTALL)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, page, "exec"), {})
    assert out.getvalue() == expected
