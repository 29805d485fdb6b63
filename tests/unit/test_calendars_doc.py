"""The examples of docs/calendars.md run and print what the page shows."""

from __future__ import annotations

import doctest
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "calendars.md"


def test_the_calendar_docs_examples_run() -> None:
    result = doctest.testfile(
        str(DOC), module_relative=False, optionflags=doctest.ELLIPSIS, raise_on_error=False
    )
    assert result.attempted >= 20
    assert result.failed == 0


def test_the_readme_links_the_calendar_docs() -> None:
    readme = (DOC.parents[1] / "README.md").read_text()
    assert "(docs/calendars.md)" in readme
