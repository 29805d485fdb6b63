"""Sessions everyone runs: ``nox -s tests typecheck lint`` and ``nox -s bench``.

Each session installs the project into its own virtualenv. ``nox --no-venv``
runs them in the current environment instead (CI does this after installing
``.[dev]`` once), skipping the install step.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox
from nox.virtualenv import PassthroughEnv

nox.options.sessions = ["tests", "typecheck", "lint"]
nox.options.reuse_venv = "yes"

SOURCES = ["src", "tests", "benchmarks", "migrations", "noxfile.py"]


def install(session: nox.Session, *extras: str) -> None:
    if isinstance(session.virtualenv, PassthroughEnv):
        return  # --no-venv: use what is installed
    session.install("-e", f".[{','.join(extras)}]" if extras else ".")


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite (PostgreSQL tests skip with a reason when no server is reachable)."""
    install(session, "dev")
    session.run("pytest", *session.posargs)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over the packages, tests and benchmarks."""
    install(session, "dev", "analysis")
    session.run("mypy", "src", "tests", "benchmarks", "noxfile.py")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check, ruff format --check, and the import-layer contracts."""
    install(session, "dev")
    session.run("ruff", "check", *SOURCES)
    session.run("ruff", "format", "--check", *SOURCES)
    session.run("lint-imports")


@nox.session
def bench(session: nox.Session) -> None:
    """Run every benchmark in benchmarks/ and print its figures (never part of ``tests``)."""
    install(session, "dev")
    scripts = sorted(Path("benchmarks").glob("bench_*.py"))
    only = session.posargs
    for script in scripts:
        if only and script.stem not in only:
            continue
        session.log(f"== {script.name}")
        session.run("python", str(script), env={"PYTHONPATH": os.getcwd()})
