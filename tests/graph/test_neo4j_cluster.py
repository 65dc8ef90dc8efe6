"""Cluster and Aura readiness, against the project's server through the routing scheme ``neo4j://``.

A single instance answers the routing table as a one-member cluster, so the
driver's routing (reads to readers, writes to the writer) and bookmarks run
for real. What is checked: every read goes in a read session, every write in
a write session, all sessions share one bookmark manager (so a read right
after a load sees it), and the TLS schemes are accepted.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import golden
import pytest

from orgnet.errors import ConnectionFailed
from orgnet.graph import open_store
from orgnet.graph.memory import MemoryStore
from orgnet.graph.neo4j import Neo4jStore
from orgnet.io import Dataset
from orgnet.io.load import load_records
from orgnet.queries.chains import contact_chain
from orgnet.queries.coverage import coverage
from orgnet.queries.kpis import kpis

Server = tuple[str, tuple[str, str]]


@pytest.fixture
def routed(neo4j_server: Server, neo4j_store: Neo4jStore) -> Iterator[Neo4jStore]:
    """A store on the test server opened with ``neo4j://`` (routing), empty."""
    uri, auth = neo4j_server
    parts = urlsplit(uri)
    if parts.scheme not in ("bolt", "neo4j"):
        pytest.skip(f"needs a plain bolt:// or neo4j:// test server, not {parts.scheme}://")
    store = Neo4jStore(f"neo4j://{parts.netloc}", auth=auth)
    try:
        yield store
    finally:
        store.close()


class _Sessions:
    """Records the access mode and bookmark manager of every session the store opens."""

    def __init__(self, store: Neo4jStore) -> None:
        self.opened: list[tuple[str, Any]] = []
        self._open = store._driver.session

    def __call__(self, **config: Any) -> Any:
        self.opened.append((config.get("default_access_mode", "WRITE"), config.get("bookmark_manager")))
        return self._open(**config)


def test_routing_scheme_reads_in_read_sessions_writes_in_write_sessions(
    routed: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import neo4j

    spy = _Sessions(routed)
    monkeypatch.setattr(routed._driver, "session", spy)
    load_records(routed, Dataset(golden.ROWS))
    writes = list(spy.opened)
    assert writes and {mode for mode, _ in writes} == {neo4j.WRITE_ACCESS, neo4j.READ_ACCESS}  # validation reads
    spy.opened.clear()
    mem = MemoryStore()
    load_records(mem, Dataset(golden.ROWS))
    assert coverage(routed, 2023) == coverage(mem, 2023)
    assert kpis(routed, 2023) == kpis(mem, 2023)
    assert contact_chain(routed, "P1") == contact_chain(mem, "P1")
    assert spy.opened and {mode for mode, _ in spy.opened} == {neo4j.READ_ACCESS}
    managers = {id(manager) for _, manager in writes + spy.opened}
    assert managers == {id(routed._bookmarks)}  # one bookmark manager for every session


def test_a_read_right_after_a_load_sees_it(routed: Neo4jStore, neo4j_server: Server) -> None:
    load_records(routed, Dataset(golden.ROWS))
    assert routed._bookmarks.get_bookmarks()  # the load's last commit, which the next read waits for
    mem = MemoryStore()
    load_records(mem, Dataset(golden.ROWS))
    assert routed.counts() == mem.counts()
    routed.delete(["P1"])
    assert routed.lookup(["P1"]) == {}


@pytest.mark.parametrize("scheme", ["neo4j+s", "neo4j+ssc", "bolt+s", "bolt+ssc"])
def test_tls_schemes_are_accepted(scheme: str) -> None:
    """They reach the driver (no UnsupportedURI); with nothing listening the error is a clear ConnectionFailed."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ConnectionFailed, match=re.escape(f"{scheme}://127.0.0.1:{port}")):
        open_store(f"{scheme}://127.0.0.1:{port}", auth=("neo4j", "x"), connection_timeout=1.0)
