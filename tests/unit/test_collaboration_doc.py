"""The "Comments" and "Audit trail" sections of docs/collaboration.md: their
Python examples run as doctests, and the record types they list are exactly
:data:`studiocore.services.RECORD_TYPES`."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

from studiocore.services import RECORD_TYPES

DOC = Path(__file__).resolve().parents[2] / "docs" / "collaboration.md"


def _sections(*titles: str) -> str:
    text = DOC.read_text()
    parts = re.split(r"^(## .*)$", text, flags=re.MULTILINE)
    found = {parts[i].removeprefix("## ").strip(): parts[i + 1] for i in range(1, len(parts), 2)}
    return "\n".join(found[title] for title in titles)


def test_the_comments_and_audit_examples_run() -> None:
    text = _sections("Comments", "Audit trail")  # one namespace: the second goes on
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {}, "collaboration.md", str(DOC), 0)
    assert len(test.examples) > 10
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0


def test_the_documented_record_types_are_the_record_types() -> None:
    text = _sections("Audit trail")
    marker = text.index("<!-- record types")
    listed = text[marker:].split("\n", 2)[1]
    assert set(re.findall(r"`([a-z_]+)`", listed)) == RECORD_TYPES
