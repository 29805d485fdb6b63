"""The pure core must not import any adapter or I/O library."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import studiocore

FORBIDDEN = {
    "sqlalchemy",
    "alembic",
    "psycopg",
    "psycopg2",
    "litestar",
    "uvicorn",
    "granian",
    "studiocore_sql",
    "studiocore_http",
    "requests",
    "httpx",
    "socket",
    "sqlite3",
    "urllib",
    "asyncio",
    "aiohttp",
    "pandas",
    "matplotlib",
}
ANALYSIS_MAY = {"pandas", "matplotlib"}
"""What ``studiocore.analysis`` (the ``analysis`` extra) may import besides the
core: data frames and charts, never a database or network library. Importing
the rest of the core loads neither."""
# Loaded indirectly by the standard library itself, so only the source scan checks them.
STDLIB_INDIRECT = {"urllib", "socket", "asyncio"}
CORE = Path(studiocore.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def allowed(path: Path) -> set[str]:
    return ANALYSIS_MAY if path.relative_to(CORE).parts[0] == "analysis" else set()


def test_no_core_module_imports_an_io_library() -> None:
    offenders = {
        str(path.relative_to(CORE)): sorted(imported_modules(path) & (FORBIDDEN - allowed(path)))
        for path in CORE.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    assert len(offenders) > 15  # the scan really saw the package


def test_the_scan_detects_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("import os\nfrom sqlalchemy.orm import Session\n")
    assert imported_modules(module) & FORBIDDEN == {"sqlalchemy"}


def test_importing_the_core_loads_no_io_library() -> None:
    code = (
        "import sys, studiocore, studiocore.services, studiocore.scheduling;"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{sorted(FORBIDDEN - STDLIB_INDIRECT)!r});"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
