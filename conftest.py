"""Fixtures for the whole suite and for the doctests in ``orgnet/``.

One ``store`` fixture is parametrised over both backends, and the doctests of the
Neo4j modules run against the same real server, with ``uri``, ``auth`` and a
cleared ``store`` in their namespace.

The Neo4j backend runs against a real server: ``ORGNET_NEO4J_URI`` (with
``ORGNET_NEO4J_USERNAME`` / ``ORGNET_NEO4J_PASSWORD`` / ``ORGNET_NEO4J_DATABASE``:
the test overrides of the driver's ``NEO4J_*`` settings, see ``docs/neo4j.md``)
when set, else the project's
own server started once per session by ``scripts/neo4j-server start``. The
tests never fall back to ``NEO4J_URI``: they clear the database they use, and
that variable may point at real data. When no
server can be had, Neo4j tests FAIL under CI (``CI`` set) and are skipped loudly
on a developer's machine.
"""

from __future__ import annotations

import os
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent

DEFAULT_PASSWORD = "orgnet-test-password"


def _neo4j_settings() -> tuple[str, tuple[str, str]]:
    """URI and auth of the Neo4j server for tests, starting the project's own if needed."""
    uri = os.environ.get("ORGNET_NEO4J_URI")
    user = os.environ.get("ORGNET_NEO4J_USERNAME") or os.environ.get("ORGNET_NEO4J_USER") or "neo4j"
    password = os.environ.get("ORGNET_NEO4J_PASSWORD", DEFAULT_PASSWORD)
    if not uri:
        proc = subprocess.run(
            [str(ROOT / "scripts" / "neo4j-server"), "start"],
            capture_output=True, text=True, timeout=600,
        )
        if proc.returncode != 0:
            raise RuntimeError("scripts/neo4j-server start failed:\n" + proc.stderr[-3000:])
        uri = proc.stdout.strip().splitlines()[-1]
    return uri, (user, password)


_NEO4J: dict[str, Any] = {}


def neo4j_settings() -> tuple[str, tuple[str, str]]:
    """Cached :func:`_neo4j_settings`; fails in CI, skips loudly elsewhere."""
    if "error" in _NEO4J:
        _unavailable(_NEO4J["error"])
    if "uri" not in _NEO4J:
        try:
            _NEO4J["uri"], _NEO4J["auth"] = _neo4j_settings()
        except Exception as exc:  # noqa: BLE001 - reported below
            _NEO4J["error"] = f"{type(exc).__name__}: {exc}"
            _unavailable(_NEO4J["error"])
    return _NEO4J["uri"], _NEO4J["auth"]


def _unavailable(reason: str) -> None:
    message = f"Neo4j is not available for the tests: {reason}"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must run the Neo4j tests)", pytrace=False)
    warnings.warn(message + " -- SKIPPING every Neo4j test", stacklevel=2)
    pytest.skip("NEO4J UNAVAILABLE: " + reason)


def open_neo4j_store() -> Any:
    from orgnet.graph.neo4j import Neo4jStore

    uri, auth = neo4j_settings()
    return Neo4jStore(uri, auth=auth, database=os.environ.get("ORGNET_NEO4J_DATABASE") or None)


@contextmanager
def cleared_neo4j_store() -> Iterator[Any]:
    """A store on the test server, empty when handed out and emptied and closed afterwards."""
    s = open_neo4j_store()
    s.clear()
    try:
        yield s
    finally:
        s.clear()
        s.close()


@pytest.fixture(params=["memory", "neo4j"])
def store(request: pytest.FixtureRequest) -> Iterator[Any]:
    """An empty store of each backend; the Neo4j one is cleared before and after."""
    if request.param == "memory":
        from orgnet.graph.memory import MemoryStore

        yield MemoryStore()
        return
    with cleared_neo4j_store() as s:
        yield s


@pytest.fixture
def memory_store() -> Any:
    from orgnet.graph.memory import MemoryStore

    return MemoryStore()


@pytest.fixture
def neo4j_store() -> Iterator[Any]:
    with cleared_neo4j_store() as s:
        yield s


@pytest.fixture(scope="session")
def neo4j_server() -> tuple[str, tuple[str, str]]:
    """URI and auth of the test server (``import conftest`` is ambiguous: other conftests exist)."""
    return neo4j_settings()


@pytest.fixture(scope="module")
def neo4j_module_store() -> Iterator[Any]:
    """One Neo4j store for a whole module (hypothesis reruns a test body); cleared before and after."""
    with cleared_neo4j_store() as s:
        yield s


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if "error" in _NEO4J:
        terminalreporter.write_line(
            f"WARNING: Neo4j tests did not run: {_NEO4J['error']}", red=True, bold=True
        )


@pytest.fixture(autouse=True)
def _doctest_setup(request: pytest.FixtureRequest, doctest_namespace: dict[str, Any],
                   tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Doctests run in a temporary folder; those of the Neo4j modules get the test server
    (``uri``, ``auth`` and a cleared ``store``; the query modules' store holds tests/golden.py)."""
    from _pytest.doctest import DoctestItem

    if not isinstance(request.node, DoctestItem):
        yield
        return
    name = request.node.name
    monkeypatch.chdir(tmp_path)
    if "neo4j" not in name:
        yield
        return
    uri, auth = neo4j_settings()
    with cleared_neo4j_store() as s:
        if ".queries._neo4j" in name:  # the query modules' examples use the hand-worked network
            import sys

            sys.path.insert(0, str(ROOT / "tests"))
            import golden

            from orgnet.io import Dataset
            from orgnet.io.load import load_records

            load_records(s, Dataset(golden.ROWS))
        doctest_namespace.update(uri=uri, auth=auth, store=s)
        yield
