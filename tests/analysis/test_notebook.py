"""docs/notebooks/scheduling-analysis.ipynb runs from top to bottom (nbclient,
a fresh kernel) and draws its chart; the committed copy carries its outputs
so that a reader sees them without running it.

After changing the notebook (or the demo data), run it and save its outputs:
``python -m tests.analysis.test_notebook``."""

from __future__ import annotations

from pathlib import Path

import nbclient
import nbformat

NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "notebooks" / "scheduling-analysis.ipynb"


def outputs(notebook: object) -> list[dict[str, object]]:
    return [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]  # type: ignore[attr-defined]


def executed() -> object:
    """The notebook, run in a fresh kernel (a failing cell raises)."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    client = nbclient.NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    return notebook


def test_the_notebook_runs_and_draws_its_chart() -> None:
    notebook = executed()
    assert not [o for o in outputs(notebook) if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs(notebook))  # type: ignore[operator]


def test_the_committed_notebook_shows_its_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.outputs for c in code), "a code cell without output: run and save the notebook"
    assert any("image/png" in o.get("data", {}) for o in outputs(notebook))  # type: ignore[operator]


if __name__ == "__main__":
    nbformat.write(executed(), NOTEBOOK)  # type: ignore[no-untyped-call]
    print(f"ran and saved {NOTEBOOK}")
