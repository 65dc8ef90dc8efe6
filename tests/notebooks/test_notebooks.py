"""The notebooks in ``notebooks/`` run top to bottom, show figures, and are committed stripped.

Each notebook is executed with nbclient in a fresh ``python3`` kernel running
*this* interpreter (a kernel spec written for ``sys.executable``, so a
``python3`` kernel installed elsewhere on the machine cannot be picked up by
mistake), with the notebooks folder as its working directory.

``05_neo4j.ipynb`` runs twice: against the tests' Neo4j server (``ORGNET_NEO4J_URI``,
else the project's own, from the ``neo4j_server`` fixture: a missing server fails
under CI and skips loudly elsewhere) — where it must print its "ran against
Neo4j" line — and with no server configured, where it must skip its Neo4j cells
and still draw its figures.

Also checked: the example data folder ``examples/runzhou`` loads with no rejects.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
EXAMPLE = ROOT / "examples" / "runzhou"

EXPECTED = [
    "01_quickstart.ipynb",
    "02_coverage_gaps.ipynb",
    "03_contact_chains.ipynb",
    "04_alliance_influence.ipynb",
    "05_neo4j.ipynb",
    "06_seed_figures.ipynb",
    "07_decisions.ipynb",
]
NEO4J_NOTEBOOK = "05_neo4j.ipynb"
NEO4J_MARKER = "ran against Neo4j at "
NO_NEO4J_MESSAGE = "ORGNET_NEO4J_URI is not set"
NEO4J_ENV = ("ORGNET_NEO4J_URI", "ORGNET_NEO4J_USER", "ORGNET_NEO4J_PASSWORD", "ORGNET_NEO4J_DATABASE")
CELL_TIMEOUT = 600


@pytest.fixture(scope="module")
def kernel_specs(tmp_path_factory: pytest.TempPathFactory) -> KernelSpecManager:
    """A kernel spec manager whose only ``python3`` kernel runs this interpreter."""
    from ipykernel.kernelspec import write_kernel_spec

    kernels = tmp_path_factory.mktemp("kernels")
    write_kernel_spec(kernels / "python3")
    return KernelSpecManager(kernel_dirs=[str(kernels)])


def _read(name: str) -> Any:
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def _execute(name: str, specs: KernelSpecManager) -> Any:
    """Run a notebook top to bottom; a failing cell raises CellExecutionError with its traceback."""
    nb = _read(name)
    km = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    assert km.kernel_spec is not None and km.kernel_spec.argv[0] == sys.executable
    client = NotebookClient(
        nb, km=km, kernel_name="python3", timeout=CELL_TIMEOUT, allow_errors=False,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()
    return nb


def _outputs(nb: Any) -> Iterator[Any]:
    for cell in nb.cells:
        if cell.cell_type == "code":
            yield from cell.get("outputs", [])


def _pngs(nb: Any) -> int:
    return sum(1 for out in _outputs(nb) if "image/png" in out.get("data", {}))


def _text(nb: Any, stream: str = "stdout") -> str:
    parts = []
    for out in _outputs(nb):
        if out.output_type == "stream" and out.name == stream:
            parts.append(out.text)
        elif stream == "stdout" and "text/plain" in out.get("data", {}):
            parts.append(out.data["text/plain"])
    return "\n".join(parts)


def _check_ran(nb: Any) -> None:
    assert not [o for o in _outputs(nb) if o.output_type == "error"]
    assert _pngs(nb) >= 1, "the notebook shows no figure (no image/png output)"
    warnings = [line for line in _text(nb, "stderr").splitlines() if "Warning" in line]
    assert not warnings, "the notebook printed warnings:\n" + "\n".join(warnings)


# ------------------------------------------------------------------ committed form


def test_every_notebook_is_there() -> None:
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_committed_without_outputs(name: str) -> None:
    nb = _read(name)
    nbformat.validate(nb)
    dirty = [
        i for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{name}: cells {dirty} have outputs or execution counts; strip them before committing "
        f"(jupyter nbconvert --clear-output --inplace notebooks/{name})"
    )
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    assert nb.cells and nb.cells[0].cell_type == "markdown"


# --------------------------------------------------------------------- execution


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in EXPECTED if n != NEO4J_NOTEBOOK])
def test_notebook_runs(name: str, kernel_specs: KernelSpecManager) -> None:
    _check_ran(_execute(name, kernel_specs))


@pytest.mark.neo4j
def test_neo4j_notebook_runs_against_neo4j(
    kernel_specs: KernelSpecManager,
    monkeypatch: pytest.MonkeyPatch,
    neo4j_server: tuple[str, tuple[str, str]],
) -> None:
    # neo4j_server (tests/conftest.py) fails under CI and skips loudly elsewhere when there is no server
    uri, (user, password) = neo4j_server
    monkeypatch.setenv("ORGNET_NEO4J_URI", uri)
    monkeypatch.setenv("ORGNET_NEO4J_USER", user)
    monkeypatch.setenv("ORGNET_NEO4J_PASSWORD", password)
    monkeypatch.delenv("ORGNET_NEO4J_DATABASE", raising=False)
    nb = _execute(NEO4J_NOTEBOOK, kernel_specs)
    _check_ran(nb)
    assert NEO4J_MARKER in _text(nb), "05_neo4j.ipynb did not report that it ran against Neo4j"


def test_neo4j_notebook_without_server(kernel_specs: KernelSpecManager, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NEO4J_ENV:
        monkeypatch.delenv(name, raising=False)
    nb = _execute(NEO4J_NOTEBOOK, kernel_specs)
    _check_ran(nb)
    text = _text(nb)
    assert NO_NEO4J_MESSAGE in text
    assert NEO4J_MARKER not in text


# ------------------------------------------------------------------- example data


def test_example_folder_loads_cleanly() -> None:
    import orgnet
    from orgnet.model import FILES

    files = sorted(EXAMPLE.iterdir())
    assert sorted(p.stem for p in files) == sorted(model.FILE_ZH for model in FILES.values())
    assert sum(p.stat().st_size for p in files) < 1_000_000
    header = (EXAMPLE / "区域.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "编号,名称,层级,上级编号"
    with orgnet.connect("memory://") as net:
        report = net.load_folder(EXAMPLE, on_error="skip")
        assert report.rejects == []
        assert report.counts["households"] > 0 and report.counts["pairings"] > 0
        assert net.coverage(2023).rules["household_contact"].checked == report.counts["households"]
